package training

import (
	"errors"
	"fmt"
	"image"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/hiwl/hiwl/model"
	"github.com/hiwl/hiwl/trainer/gzdata"
)

// Pseudo-labels.
//
// The unlabelled Challenge images (gz-challenge-unlabelled) are real
// galaxies of the same survey and framing, mostly ones the paper's rules
// leave out because the volunteers did not agree. Teachers (exported
// models, averaged) label them; those the teachers are confident about
// join the training split with the teachers' probabilities as soft targets
// of each network (distillation), so a confident 0.92 stays 0.92.

// teacherVote is what the teachers say about one unlabelled image.
type teacherVote struct {
	img   trainImage
	probs [model.NumClasses]float64
	a     [model.NumA]float64
	b     [model.NumB]float64
}

// loadUnlabelled decodes every image in cfg.Unlabelled and, with
// cfg.Teachers, records what the teachers say about each.
func loadUnlabelled(cfg Config, workers int, log io.Writer) ([]teacherVote, error) {
	var teachers []*model.Classifier
	if cfg.Teachers != "" {
		for _, path := range strings.Split(cfg.Teachers, ",") {
			path = strings.TrimSpace(path)
			if path == "default" {
				path = "" // the embedded model
			}
			clf, err := model.Open(path)
			if err != nil {
				return nil, fmt.Errorf("training: -teacher %q: %w", path, err)
			}
			teachers = append(teachers, clf)
		}
	}
	entries, err := os.ReadDir(cfg.Unlabelled)
	if err != nil {
		return nil, fmt.Errorf("training: -unlabelled: %w", err)
	}
	var samples []gzdata.Sample
	for _, e := range entries {
		switch strings.ToLower(filepath.Ext(e.Name())) {
		case ".jpg", ".jpeg", ".png", ".gif":
			if !e.IsDir() {
				samples = append(samples, gzdata.Sample{Path: filepath.Join(cfg.Unlabelled, e.Name())})
			}
		}
	}
	if len(samples) == 0 {
		return nil, fmt.Errorf("training: -unlabelled %s: no images", cfg.Unlabelled)
	}
	prepare := prepareTrain(cfg.Input)
	what := "decoding"
	if len(teachers) > 0 {
		what = "pseudo-labelling"
	}
	votes, bad := loadImages(samples, cfg.Input, workers, func(s gzdata.Sample, img image.Image) teacherVote {
		v := teacherVote{img: prepare(s, img)}
		for _, t := range teachers {
			p, err := t.ClassifyImage(img)
			if err != nil {
				return teacherVote{} // no teacher view: left out below
			}
			w := 1 / float64(len(teachers))
			for i, q := range p.Probabilities {
				v.probs[i] += w * float64(q)
			}
			for i, q := range p.A {
				v.a[i] += w * float64(q)
			}
			for i, q := range p.B {
				v.b[i] += w * float64(q)
			}
		}
		return v
	}, func(done, total int) { fmt.Fprintf(log, "\r%s %d/%d unlabelled images", what, done, total) })
	fmt.Fprintln(log)
	for _, e := range bad {
		fmt.Fprintf(log, "skipped unreadable image: %v\n", e)
	}
	kept := votes[:0]
	for _, v := range votes {
		if v.img.full != nil {
			kept = append(kept, v)
		}
	}
	if len(kept) == 0 {
		return nil, fmt.Errorf("training: -unlabelled %s: no readable images", cfg.Unlabelled)
	}
	return kept, nil
}

// pseudoLabel keeps the unlabelled images whose averaged teacher top
// probability reaches cfg.PseudoConfidence, as training images with soft
// targets.
func pseudoLabel(votes []teacherVote, cfg Config, log io.Writer) ([]trainImage, error) {
	var kept []trainImage
	var perClass [model.NumClasses]int
	for _, v := range votes {
		best := 0
		for c := range v.probs {
			if v.probs[c] > v.probs[best] {
				best = c
			}
		}
		if v.probs[best] < cfg.PseudoConfidence {
			continue
		}
		im := v.img
		im.class = model.Class(best)
		im.softA, im.softB, im.softFlat = f32(v.a[:]), f32(v.b[:]), f32(v.probs[:])
		kept = append(kept, im)
		perClass[best]++
	}
	if len(kept) == 0 {
		return nil, errors.New("training: no unlabelled image reached -pseudo-confidence; lower it or use other teachers")
	}
	var counts []string
	for _, c := range model.Classes {
		counts = append(counts, fmt.Sprintf("%s %d", c.Slug(), perClass[c]))
	}
	fmt.Fprintf(log, "pseudo-labels: %d of %d unlabelled images kept at confidence >= %g (%s), with the teachers' probabilities as targets\n",
		len(kept), len(votes), cfg.PseudoConfidence, strings.Join(counts, ", "))
	return kept, nil
}

func f32(v []float64) []float32 {
	out := make([]float32, len(v))
	for i, x := range v {
		out[i] = float32(x)
	}
	return out
}

// softTarget writes a pseudo-labelled image's target for network n: the
// teachers' probabilities for n's classes (A's four, B's two, or the five of
// the flat network), renormalised.
func (im trainImage) softTarget(dst []float32, classes int) bool {
	var src []float32
	switch {
	case classes == model.NumA && im.softA != nil:
		src = im.softA
	case classes == model.NumB && im.softB != nil:
		src = im.softB
	case classes == model.NumClasses && im.softFlat != nil:
		src = im.softFlat
	default:
		return false
	}
	var sum float32
	for _, v := range src {
		sum += v
	}
	if sum <= 0 {
		return false
	}
	for i, v := range src {
		dst[i] = v / sum
	}
	return true
}
