// Command trainer is hiwl's offline trainer: it makes procedural Galaxy Zoo
// data, trains HIWL (networks A and B) with gorgonia, evaluates a model on
// the test split or on real Galaxy Zoo images, and exports ONNX.
//
//	trainer generate -out data/synth -n 6000
//	trainer train -data ../shared/data/gz-challenge-5class -out runs/default
//	trainer eval -data ../shared/data/gz-challenge-5class -model runs/default/model.onnx
//	trainer realcheck -model runs/default/model.onnx
//	trainer standin -out /tmp/mbconv.onnx
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
)

const usage = `usage: trainer <command> [flags]

commands:
  generate   render a procedural galaxy set in the Galaxy Zoo Challenge layout
  train      train HIWL networks A and B, evaluate the test split, export ONNX
  eval       evaluate an ONNX model on a dataset's test split
  realcheck  score a model on the real five-class test split, at full and half scale
  compare    score candidate models on the validation split, plot accuracy against MFLOP
  curve      score a learning curve's runs (train -train-fraction), fit accuracy against training images
  calibrate  fit each network's temperature on the validation split, write the calibrated model
  standin    write an untrained model of given backbones (random weights), for engine work
  pretrained write a starting model whose backbones hold MobileNetV2's ImageNet weights (for train -init-from)
  domain     fit a model's in-domain score on its training data and write it into the file
  domaincheck measure the in-domain score on real galaxies and held-out non-galaxies

run "trainer <command> -h" for a command's flags
`

func main() {
	if len(os.Args) < 2 {
		fmt.Fprint(os.Stderr, usage)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var err error
	switch cmd, args := os.Args[1], os.Args[2:]; cmd {
	case "generate":
		err = runGenerate(args)
	case "train":
		err = runTrain(ctx, args)
	case "eval":
		err = runEval(args)
	case "realcheck":
		err = runRealCheck(args)
	case "compare":
		err = runCompare(args)
	case "curve":
		err = runCurve(args)
	case "calibrate":
		err = runCalibrate(args)
	case "standin":
		err = runStandIn(args)
	case "pretrained":
		err = runPretrained(args)
	case "domain":
		err = runDomain(args)
	case "domaincheck":
		err = runDomainCheck(args)
	case "-h", "-help", "--help", "help":
		fmt.Print(usage)
		return
	default:
		fmt.Fprintf(os.Stderr, "trainer: unknown command %q\n\n%s", cmd, usage)
		os.Exit(2)
	}
	if errors.Is(err, flag.ErrHelp) {
		return // -h asked for the usage, which is printed: not an error
	}
	if errors.Is(err, context.Canceled) {
		fmt.Fprintln(os.Stderr, "\ntrainer: interrupted; the last completed epoch's checkpoint is kept (continue with -resume)")
		os.Exit(130)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "trainer: %v\n", err)
		os.Exit(1)
	}
}

// usageFor prints what a subcommand does, an example and its flags.
func usageFor(fs *flag.FlagSet, name, what, example string) func() {
	return func() {
		w := fs.Output()
		fmt.Fprintf(w, "trainer %s: %s\n\nexample:\n  %s\n\nflags:\n", name, what, example)
		fs.PrintDefaults()
	}
}

// widthsFlag parses "12,24,48".
type widthsFlag struct{ w *[3]int }

func (f widthsFlag) String() string {
	// unset widths (-widths-b's default) print no "(default 0,0,0)"
	if f.w == nil || *f.w == ([3]int{}) {
		return ""
	}
	return fmt.Sprintf("%d,%d,%d", f.w[0], f.w[1], f.w[2])
}

func (f widthsFlag) Set(s string) error {
	parts := strings.Split(s, ",")
	if len(parts) != 3 {
		return fmt.Errorf("want three comma-separated widths, got %q", s)
	}
	for i, p := range parts {
		v, err := strconv.Atoi(strings.TrimSpace(p))
		if err != nil || v < 1 || v > 1024 {
			return fmt.Errorf("bad width %q", p)
		}
		f.w[i] = v
	}
	return nil
}
