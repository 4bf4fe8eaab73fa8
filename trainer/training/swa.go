package training

import (
	"context"
	"fmt"
	"math/rand"
)

// Weight averaging (stochastic weight averaging: Izmailov et al. 2018,
// "Averaging weights leads to wider optima and better generalization").
//
// Validation picks each network's best epoch out of epochs whose accuracy
// swings by a point or more from one to the next (382 images; the shipped
// network A went 93.7, 94.2, 92.4, 92.9, 94.8, 92.7, 93.2, 93.7 % in the
// eight epochs of its fine-tune), so the epoch chosen is partly the
// luckiest. The mean of the weights of the last epochs sits in the middle
// of the region they wander over, and costs nothing at inference: one
// network, the same FLOPs. It is one more candidate, chosen on validation
// like any epoch. In the fine-tunes of 6 December it scored what its
// epochs score on average, no better (the model card has the numbers).

// swaStatsBatches is how many training batches recompute the averaged
// network's batch-norm statistics: with momentum 0.1, 0.9^60 of the old
// statistics is left.
const swaStatsBatches = 60

// swaWindow reports whether epoch is one of the last SWA epochs of the
// schedule.
func (c Config) swaWindow(epoch int) bool {
	return c.SWA > 0 && epoch > c.Epochs-c.SWA
}

// accumulate folds the network's weights after an epoch into its running
// mean. Batch-norm statistics are left out: averaged weights need their
// own, measured again (averageCandidate).
func (s *netState) accumulate(p savedParams) {
	if s.SWAEpochs == 0 || s.SWA == nil {
		s.SWA = make(savedParams, len(p))
		for k, t := range p {
			s.SWA[k] = savedTensor{Shape: t.Shape, Data: append([]float32(nil), t.Data...)}
		}
		s.SWAEpochs = 1
		return
	}
	s.SWAEpochs++
	w := 1 / float32(s.SWAEpochs)
	for k, t := range p {
		if isBNStat(k) {
			continue
		}
		avg := s.SWA[k].Data
		for i, v := range t.Data {
			avg[i] += (v - avg[i]) * w
		}
	}
}

// averageCandidate scores network n with its averaged weights on
// validation, after measuring their batch-norm statistics on training
// batches (no update), and takes them as the best if they beat every
// epoch. n's weights are its last epoch's again afterwards.
func (t *trainer) averageCandidate(ctx context.Context, n *network, epoch int) error {
	scored, loss, acc, balanced, off, err := t.scoreAverage(ctx, n, epoch)
	// The last epoch's weights and statistics back, whatever happened.
	n.st.Params.into(n.params)
	if err := n.trainNet.LoadStats(n.params); err != nil {
		return err
	}
	if err := n.evalNet.LoadStats(n.params); err != nil {
		return err
	}
	if err != nil {
		return err
	}
	mark := ""
	if score, eligible := t.selectionScore(n, acc, balanced); eligible && n.st.improves(score, off) {
		n.st.Best, n.st.BestAcc, n.st.BestEpoch, n.st.BestOff, n.st.BestSWA = scored, score, epoch, off, n.st.SWAEpochs
		mark = " (better than every epoch: taken)"
	}
	fmt.Fprintf(t.log, "epoch %d/%d network %s: weights averaged over the last %d epochs: val loss %.4f acc %.2f%% (balanced %.2f%%)%s\n",
		epoch, t.cfg.Epochs, n.name, n.st.SWAEpochs, loss, 100*acc, 100*balanced, mark)
	return nil
}

// scoreAverage puts the averaged weights into n, measures their
// batch-norm statistics and validates them (as validate); scored is the
// weights with those statistics.
func (t *trainer) scoreAverage(ctx context.Context, n *network, epoch int) (scored savedParams, loss, acc, balanced, off float64, err error) {
	n.st.SWA.into(n.params)
	rng := rand.New(rand.NewSource(t.cfg.initSeed()*7_000_003 + int64(epoch)))
	if _, err = t.trainBatches(ctx, rng, n, epoch, swaStatsBatches, false); err != nil {
		return
	}
	n.trainNet.SaveStats(n.params)
	if err = n.evalNet.LoadStats(n.params); err != nil {
		return
	}
	scored = save(n.params)
	loss, acc, balanced, off, err = t.validate(n)
	return
}
