package training

import (
	"fmt"
	"image"
	"io"
	"os"
	"path/filepath"

	"github.com/hiwl/hiwl/model"
	"github.com/hiwl/hiwl/trainer/embedding"
	"github.com/hiwl/hiwl/trainer/gzdata"
	"github.com/hiwl/hiwl/trainer/report"
)

// Evaluation is a model's result on a set of labelled samples.
type Evaluation struct {
	Metrics     *report.Metrics
	Samples     []gzdata.Sample     // the samples that were classified
	Predictions []*model.Prediction // one per sample
	Skipped     []error             // unreadable files, with their paths

	scale float64 // how the images were shown (LoadShown), for the gallery
	input int
}

// Evaluate classifies each sample's file with clf, through the same
// Classify call every runtime uses, and scores the five-class labels.
func Evaluate(clf *model.Classifier, samples []gzdata.Sample, log io.Writer) (*Evaluation, error) {
	return EvaluateScaled(clf, samples, 1, log)
}

// EvaluateScaled is Evaluate on images shown at scale (0 < scale <= 1) of
// their size: each is shrunk and padded back to its size with its own
// sky (see Shrink), as a cutout that frames the galaxy more loosely would.
// Scale 1 classifies the files as they are.
func EvaluateScaled(clf *model.Classifier, samples []gzdata.Sample, scale float64, log io.Writer) (*Evaluation, error) {
	return EvaluateWith(clf, samples, EvalOptions{Scale: scale}, log)
}

// EvalOptions change how Evaluate shows the images to the model.
type EvalOptions struct {
	Scale float64 // 0 < Scale <= 1; 0 means 1
	TTA   bool    // average over the 8 flips and quarter turns
	// Members are more models whose probabilities are averaged with the
	// model's, network by network (mean): an ensemble, scored to see what
	// more capacity would give (`trainer compare NAME=A.onnx+B.onnx`). The
	// features and maps are the model's.
	Members []*model.Classifier
}

// EvaluateWith is Evaluate with options.
func EvaluateWith(clf *model.Classifier, samples []gzdata.Sample, o EvalOptions, log io.Writer) (*Evaluation, error) {
	if log == nil {
		log = io.Discard
	}
	scale := o.Scale
	if scale == 0 {
		scale = 1
	}
	if !(scale > 0 && scale <= 1) {
		return nil, fmt.Errorf("training: scale %v outside (0, 1]", scale)
	}
	classify := clf.ClassifyFile
	if scale < 1 || o.TTA || len(o.Members) > 0 {
		models := append([]*model.Classifier{clf}, o.Members...)
		classify = func(path string) (*model.Prediction, error) {
			ps := make([]*model.Prediction, len(models))
			shown := map[int]image.Image{} // by input side: DecodeFor decodes for it
			for i, m := range models {
				img := shown[m.InputSize()]
				if img == nil {
					var err error
					if img, err = LoadShown(path, scale, m.InputSize()); err != nil {
						return nil, err
					}
					shown[m.InputSize()] = img
				}
				var err error
				if o.TTA {
					ps[i], err = classifyTTA(m, img)
				} else {
					ps[i], err = m.ClassifyImage(img)
				}
				if err != nil {
					return nil, err
				}
			}
			if len(ps) == 1 {
				return ps[0], nil
			}
			return mean(ps), nil
		}
	}
	ev := &Evaluation{scale: scale, input: clf.InputSize()}
	var truth, pred []int
	for i, s := range samples {
		p, err := classify(s.Path)
		if err != nil {
			ev.Skipped = append(ev.Skipped, fmt.Errorf("%s: %w", s.Path, err))
			continue
		}
		ev.Samples = append(ev.Samples, s)
		ev.Predictions = append(ev.Predictions, p)
		truth = append(truth, int(s.Class))
		pred = append(pred, int(p.Label))
		if i%100 == 99 || i == len(samples)-1 {
			fmt.Fprintf(log, "\rclassifying %d/%d", i+1, len(samples))
		}
	}
	fmt.Fprintln(log)
	for _, e := range ev.Skipped {
		fmt.Fprintf(log, "skipped unreadable image: %v\n", e)
	}
	m, err := report.Compute(classNames(), truth, pred)
	if err != nil {
		return nil, err
	}
	conf, correct, share := make([]float64, len(pred)), make([]bool, len(pred)), make([]float64, len(pred))
	for i, p := range ev.Predictions {
		conf[i], correct[i] = float64(p.Probabilities[p.Label]), pred[i] == truth[i]
		share[i] = AttentionShare(p.CAM(p.Label))
	}
	if m.Calibration, err = report.Calibrate(conf, correct, CalibrationBins); err != nil {
		return nil, err
	}
	if m.Attention, err = report.SummariseAttention(classNames(), attentionHow, share, pred); err != nil {
		return nil, err
	}
	ev.Metrics = m
	return ev, nil
}

// CalibrationBins is the number of equal-width confidence bins of the
// expected calibration error (15, as Guo et al. 2017).
const CalibrationBins = 15

// ReliabilityFile is the reliability diagram of an evaluation.
const ReliabilityFile = "reliability.png"

// LoadShown reads and decodes the image at path for a network of input
// side input (model.DecodeFor) and shows it at scale (0 < scale <= 1) of
// its size, shrunk and padded with its own sky as Shrink does; scale 1
// returns it as decoded.
func LoadShown(path string, scale float64, input int) (image.Image, error) {
	data, err := model.ReadImageFile(path)
	if err != nil {
		return nil, err
	}
	img, _, err := model.DecodeFor(data, input)
	if err != nil {
		return nil, err
	}
	if scale < 1 {
		return Shrink(img, scale), nil
	}
	return img, nil
}

// EmbeddingFile is the 2-D embedding of the evaluated images' features.
const EmbeddingFile = "embedding.png"

// Write stores metrics.json, confusion.png, reliability.png, mistakes.png
// (when any image was misclassified) and, when there are predictions to
// take features from, embedding.png in dir, and prints the table, the
// comparison with the paper, the calibration and the attention measure.
func (ev *Evaluation) Write(dir string, log io.Writer) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if err := ev.Metrics.WriteJSON(filepath.Join(dir, MetricsFile)); err != nil {
		return err
	}
	if err := report.ConfusionPNG(filepath.Join(dir, ConfusionFile), ev.Metrics); err != nil {
		return err
	}
	if len(ev.Predictions) >= 3 {
		if err := ev.embeddingPNG(filepath.Join(dir, EmbeddingFile)); err != nil {
			return err
		}
	}
	if c := ev.Metrics.Calibration; c != nil {
		if err := report.ReliabilityPNG(filepath.Join(dir, ReliabilityFile), "reliability of the top probability", c); err != nil {
			return err
		}
	}
	shown, total, err := ev.mistakesPNG(filepath.Join(dir, MistakesFile))
	if err != nil {
		return err
	}
	if log != nil {
		ev.WriteText(log)
		if total > 0 {
			fmt.Fprintf(log, "\n%s: %d of the %d misclassified images, as the network saw them\n", MistakesFile, shown, total)
		}
	}
	return nil
}

// WriteText prints the table, the comparison with the paper, the
// calibration and the attention measure.
func (ev *Evaluation) WriteText(w io.Writer) {
	ev.Metrics.WriteText(w)
	ev.Metrics.CompareWithPaper(w)
	if c := ev.Metrics.Calibration; c != nil {
		fmt.Fprintln(w)
		c.WriteText(w)
	}
	if a := ev.Metrics.Attention; a != nil {
		fmt.Fprintln(w)
		a.WriteText(w)
	}
}

// embeddingPNG lays network A's pooled features out with t-SNE, coloured by
// the volunteers' class, as the paper shows its features.
func (ev *Evaluation) embeddingPNG(path string) error {
	feats := make([][]float32, len(ev.Predictions))
	truth, pred := make([]int, len(feats)), make([]int, len(feats))
	for i, p := range ev.Predictions {
		feats[i] = p.Features()
		truth[i], pred[i] = int(ev.Samples[i].Class), int(p.Label)
	}
	xy, err := embedding.TSNE(feats, 1)
	if err != nil {
		return err
	}
	return report.EmbeddingPNG(path, "Network A's pooled features, t-SNE", xy, truth, pred, model.Slugs())
}
