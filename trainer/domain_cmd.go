package main

import (
	"flag"
	"fmt"
	"image"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/hiwl/hiwl/model"
	"github.com/hiwl/hiwl/trainer/atomicfile"
	"github.com/hiwl/hiwl/trainer/domainfit"
	"github.com/hiwl/hiwl/trainer/gzdata"
	"github.com/hiwl/hiwl/trainer/negatives"
	"github.com/hiwl/hiwl/trainer/onnxexport"
	"github.com/hiwl/hiwl/trainer/report"
	"github.com/hiwl/hiwl/trainer/training"
)

// runDomain fits the in-domain score (model.Domain) of any exported model
// file and writes it into the file's metadata_props: the class means and
// shared covariance of network A's pooled features on the training split,
// and the thresholds at domainfit.Quantile: the distance's on the
// validation split (the network was fitted to the training images, so
// their distances are too small), the picture measurements' (crowding and
// radius, which do not depend on the model) on the training and validation
// splits together; each split shown at full and at half scale. The test
// split is not read.
func runDomain(args []string) error {
	fs := flag.NewFlagSet("domain", flag.ContinueOnError)
	fs.Usage = usageFor(fs, "domain", "fit the in-domain score of a model file on its training data and write it into the file",
		"trainer domain -model runs/default/model.onnx -out model/default.onnx")
	data := fs.String("data", realData, "the labelled data the model was trained on")
	modelPath := fs.String("model", "", "ONNX model to fit (required)")
	out := fs.String("out", "", "where to write the model with its fit (default: -model, replaced atomically)")
	seed := fs.Int64("seed", training.DefaultConfig().Seed, "split seed (the one the model was trained with)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *modelPath == "" {
		fs.Usage()
		return fmt.Errorf("domain: -model is required")
	}
	if *out == "" {
		*out = *modelPath
	}
	raw, err := os.ReadFile(*modelPath)
	if err != nil {
		return err
	}
	clf, err := model.Load(raw)
	if err != nil {
		return err
	}
	ds, err := gzdata.Load(*data)
	if err != nil {
		return err
	}
	train, val, _ := gzdata.Split(ds.Samples, *seed)
	if len(train) == 0 || len(val) == 0 {
		return fmt.Errorf("domain: %s has %d training and %d validation images; the fit needs both", *data, len(train), len(val))
	}
	log := os.Stderr
	input := clf.InputSize() // the pictures are decoded for it (model.DecodeFor)
	fmt.Fprintf(log, "domain: %s, %d training and %d validation images (seed %d)\n", clf.Version(), len(train), len(val), *seed)

	preds, err := classifyAll(clf, samplePictures(train, 1, input), log, "training split")
	if err != nil {
		return err
	}
	// by scale: 0 full, 1 half
	var crowd, radius, dist [2][]float64
	picture := func(scale int, preds []*model.Prediction) {
		for _, p := range preds {
			crowd[scale] = append(crowd[scale], p.Domain.Crowding)
			radius[scale] = append(radius[scale], p.Domain.Radius)
		}
	}
	picture(0, preds)
	feats := make([][]float32, len(preds))
	classes := make([]int, len(preds))
	for i, p := range preds {
		feats[i], classes[i] = p.Features(), int(train[i].Class)
	}
	means, prec, err := domainfit.Fit(feats, classes, model.NumClasses)
	if err != nil {
		return err
	}
	fit := &model.DomainFit{Means: means, Precision: prec}
	half, err := classifyAll(clf, samplePictures(train, 0.5, input), log, "training split at scale 0.5")
	if err != nil {
		return err
	}
	picture(1, half)
	for i, scale := range []float64{1, 0.5} {
		preds, err := classifyAll(clf, samplePictures(val, scale, input), log, fmt.Sprintf("validation split at scale %g", scale))
		if err != nil {
			return err
		}
		picture(i, preds)
		for _, p := range preds {
			dist[i] = append(dist[i], fit.Distance(p.Features()))
		}
	}
	fit.DistanceThreshold = domainfit.Threshold(dist[:]...)
	// The picture measurements do not depend on the model, but their
	// thresholds are stored with the rest, so that one file says
	// everything its score depends on.
	fit.CrowdingThreshold = domainfit.Threshold(crowd[:]...)
	fit.RadiusThreshold = domainfit.Threshold(radius[:]...)
	fit.About = fmt.Sprintf("trainer domain: means and shared covariance (shrinkage %g) of network A's pooled features on the %d training-split images of %s (seed %d); "+
		"thresholds at the %g quantile at scale 1 or 0.5, whichever is higher: the distance's of the %d validation-split images, crowding's and radius's of the training and validation images",
		domainfit.Shrinkage, len(train), filepath.Base(filepath.Clean(*data)), *seed, domainfit.Quantile, len(val))
	fmt.Fprintf(log, "domain: distance threshold %.4g, crowding threshold %.4g, radius threshold %.4g\n", fit.DistanceThreshold, fit.CrowdingThreshold, fit.RadiusThreshold)
	withFit, err := onnxexport.SetMetadata(raw, fit.Props())
	if err != nil {
		return err
	}
	check, err := model.Load(withFit)
	if err != nil {
		return fmt.Errorf("domain: the written model does not load: %w", err)
	}
	if check.DomainFit() == nil {
		return fmt.Errorf("domain: the written model has no domain fit")
	}
	if err := atomicfile.WriteBytes(*out, withFit); err != nil {
		return err
	}
	fmt.Printf("wrote %s (%s): distance threshold %.4g, crowding threshold %.4g, radius threshold %.4g\n", *out, check.Version(), fit.DistanceThreshold, fit.CrowdingThreshold, fit.RadiusThreshold)
	return nil
}

// picture is one image to classify, made when it is needed so that a
// large set is never held in memory at once.
type picture struct {
	kind, name string
	load       func() (image.Image, error)
}

func samplePictures(samples []gzdata.Sample, scale float64, input int) []picture {
	out := make([]picture, len(samples))
	for i, s := range samples {
		out[i] = picture{kind: s.Class.Slug(), name: s.Path, load: fileLoader(s.Path, scale, input)}
	}
	return out
}

// fileLoader reads and decodes path for a network of input side input,
// shown at scale as trainer eval -scale shows it.
func fileLoader(path string, scale float64, input int) func() (image.Image, error) {
	return func() (image.Image, error) { return training.LoadShown(path, scale, input) }
}

// classifyAll classifies pictures on every core through ClassifyImage,
// the path of every runtime. Any unreadable picture is an error: the fit
// and the measurement count every one.
func classifyAll(clf *model.Classifier, pics []picture, log io.Writer, what string) ([]*model.Prediction, error) {
	out := make([]*model.Prediction, len(pics))
	errs := make([]error, len(pics))
	var wg sync.WaitGroup
	next := make(chan int)
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				img, err := pics[i].load()
				if err == nil {
					out[i], err = clf.ClassifyImage(img)
				}
				errs[i] = err
			}
		}()
	}
	for i := range pics {
		next <- i
		if i%200 == 199 {
			fmt.Fprintf(log, "\r%s: %d/%d", what, i+1, len(pics))
		}
	}
	close(next)
	wg.Wait()
	fmt.Fprintf(log, "\r%s: %d/%d\n", what, len(pics), len(pics))
	for i, err := range errs {
		if err != nil {
			return nil, fmt.Errorf("%s: %w", pics[i].name, err)
		}
	}
	return out, nil
}

// runDomainCheck measures the in-domain score of a model: the share of
// real galaxies flagged (the test split at full and half scale, which the
// fit never reads, and the unlabelled cutouts) and the share of held-out
// negatives flagged, by kind.
func runDomainCheck(args []string) error {
	fs := flag.NewFlagSet("domaincheck", flag.ContinueOnError)
	fs.Usage = usageFor(fs, "domaincheck", "measure the in-domain score on real galaxies and on held-out non-galaxies",
		"trainer domaincheck -photos out/negatives/skimage,$(go env GOROOT)/src/image/testdata")
	data := fs.String("data", realData, "the labelled data the model was trained on")
	unl := fs.String("unlabelled", filepath.Join(filepath.Dir(realData), "gz-challenge-unlabelled"), "real cutouts without labels (reported, not negatives)")
	modelPath := fs.String("model", "", "ONNX model (default: the embedded default model)")
	seed := fs.Int64("seed", training.DefaultConfig().Seed, "split seed (the one the model was trained with)")
	photos := fs.String("photos", "", "comma-separated folders of photographs (negatives); see scripts/negatives-photos.sh")
	nProc := fs.Int("procedural", 200, "procedural negatives (gradients, noise, text, shapes)")
	nGal := fs.Int("galaxies", 100, "zoomed-in and crowded negatives made from unlabelled cutouts, of each kind")
	pngPath := fs.String("png", "", "also draw the scores of every group to this PNG")
	if err := fs.Parse(args); err != nil {
		return err
	}
	clf, err := model.Open(*modelPath)
	if err != nil {
		return err
	}
	if clf.DomainFit() == nil {
		return fmt.Errorf("domaincheck: %s has no domain fit (run trainer domain)", clf.Version())
	}
	input := clf.InputSize() // the pictures are decoded for it (model.DecodeFor)
	log := os.Stderr
	ds, err := gzdata.Load(*data)
	if err != nil {
		return err
	}
	_, _, test := gzdata.Split(ds.Samples, *seed)
	unlFiles, err := negatives.Files(*unl)
	if err != nil {
		return err
	}
	fmt.Printf("model %s; %s\n\n", clf.Version(), clf.DomainFit().About)
	var groups []report.ScoreGroup
	fmt.Println("real cutouts (flagged should be few):")
	for _, set := range []struct {
		name string
		pics []picture
	}{
		{"test split, scale 1", samplePictures(test, 1, input)},
		{"test split, scale 0.5", samplePictures(test, 0.5, input)},
		{"gz-challenge-unlabelled", filePictures("unlabelled", unlFiles, input)},
	} {
		preds, err := classifyAll(clf, set.pics, log, set.name)
		if err != nil {
			return err
		}
		n := flagged(preds)
		fmt.Printf("  %-26s %4d of %4d flagged (%.2f %%)\n", set.name, n, len(preds), 100*float64(n)/float64(len(preds)))
		groups = append(groups, report.ScoreGroup{Name: fmt.Sprintf("%s (%d)", set.name, len(preds)), Scores: scores(preds)})
	}

	// Held-out negatives: procedural seeds the exploration never used, and
	// zoomed and crowded pictures made from unlabelled cutouts, which
	// neither the fit nor the choice of the method read.
	var neg []picture
	for _, s := range negatives.Procedural(*nProc, 5000) {
		neg = append(neg, picture{kind: s.Kind, name: s.Name, load: constant(s.Image)})
	}
	step := max(1, len(unlFiles)/(3**nGal))
	for i := 0; i < *nGal && 3*i*step+2*step < len(unlFiles); i++ {
		a := unlFiles[3*i*step]
		factor := 3 + float64(i%2)
		neg = append(neg, picture{kind: "zoom", name: fmt.Sprintf("%s x%g", filepath.Base(a), factor), load: func() (image.Image, error) {
			img, err := fileLoader(a, 1, input)()
			if err != nil {
				return nil, err
			}
			return negatives.Zoom(img, factor), nil
		}})
		k := 4 + 5*(i%2) // 2x2 and 3x3
		var tiles []string
		for j := range k {
			tiles = append(tiles, unlFiles[(3*i*step+step+j*7)%len(unlFiles)])
		}
		neg = append(neg, picture{kind: "crowd", name: fmt.Sprintf("%d cutouts from %s", k, filepath.Base(tiles[0])), load: func() (image.Image, error) {
			var imgs []image.Image
			for _, t := range tiles {
				img, err := fileLoader(t, 1, input)()
				if err != nil {
					return nil, err
				}
				imgs = append(imgs, img)
			}
			return negatives.Crowd(imgs), nil
		}})
	}
	if *photos != "" {
		for _, dir := range strings.Split(*photos, ",") {
			files, err := negatives.Files(dir)
			if err != nil {
				return err
			}
			for _, f := range photoFiles(files) {
				// scikit-image also ships 10-pixel test patterns and a
				// truncated JPEG, which the classifier refuses
				if _, err := fileLoader(f, 1, input)(); err != nil {
					fmt.Printf("  (photo %s skipped: %v)\n", f, err)
					continue
				}
				neg = append(neg, picture{kind: "photo", name: f, load: fileLoader(f, 1, input)})
			}
		}
	}
	preds, err := classifyAll(clf, neg, log, "negatives")
	if err != nil {
		return err
	}
	byKind := map[string][2]int{}
	var missed []string
	for i, p := range preds {
		c := byKind[neg[i].kind]
		c[1]++
		if p.Domain.OutOfDomain {
			c[0]++
		} else {
			missed = append(missed, fmt.Sprintf("%s %s (score %.2f, distance %.1f, crowding %.2f, radius %.3f, answer %s)", neg[i].kind, neg[i].name, p.Domain.Score, p.Domain.Distance, p.Domain.Crowding, p.Domain.Radius, p.Label.Slug()))
		}
		byKind[neg[i].kind] = c
	}
	kinds := make([]string, 0, len(byKind))
	for k := range byKind {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	fmt.Println("\nheld-out negatives (flagged should be most):")
	for _, k := range kinds {
		c := byKind[k]
		fmt.Printf("  %-26s %4d of %4d flagged (%.1f %%)\n", k, c[0], c[1], 100*float64(c[0])/float64(c[1]))
	}
	n := flagged(preds)
	fmt.Printf("  %-26s %4d of %4d flagged (%.1f %%)\n", "all", n, len(preds), 100*float64(n)/float64(len(preds)))
	if *pngPath != "" {
		groups = append(groups, report.ScoreGroup{Name: fmt.Sprintf("held-out non-galaxies (%d)", len(preds)), Scores: scores(preds)})
		if err := report.ScoresPNG(*pngPath, "In-domain score of "+clf.Version(), groups); err != nil {
			return err
		}
	}
	if len(missed) > 0 {
		fmt.Println("\nnegatives not flagged:")
		for _, m := range missed {
			fmt.Println("  " + m)
		}
	}
	return nil
}

// photoFiles drops the copies of one picture that Go's image test data
// holds in many encodings: its two pictures are video-001 and video-005.
func photoFiles(files []string) []string {
	var out []string
	for _, f := range files {
		b := filepath.Base(f)
		if strings.HasPrefix(b, "video-") && b != "video-001.jpeg" && b != "video-005.gray.jpeg" {
			continue
		}
		out = append(out, f)
	}
	return out
}

func filePictures(kind string, files []string, input int) []picture {
	out := make([]picture, len(files))
	for i, f := range files {
		out[i] = picture{kind: kind, name: f, load: fileLoader(f, 1, input)}
	}
	return out
}

func constant(img image.Image) func() (image.Image, error) {
	return func() (image.Image, error) { return img, nil }
}

func scores(preds []*model.Prediction) []float64 {
	out := make([]float64, len(preds))
	for i, p := range preds {
		out[i] = p.Domain.Score
	}
	return out
}

func flagged(preds []*model.Prediction) int {
	n := 0
	for _, p := range preds {
		if p.Domain.OutOfDomain {
			n++
		}
	}
	return n
}
