// Command catalogue classifies a galaxy catalogue on Apache Beam: Prism in
// process by default, or Flink, Spark or Dataflow with Beam's own flags.
//
//	catalogue -output out/gz 'survey/*/*.jpg'                       # globs of images
//	catalogue -catalogue cat.csv -id_column objid -path_column file -output out/gz
//	catalogue -list paths.txt -base gs://bucket/cutouts -output gs://bucket/out/gz \
//	    --runner=dataflow --project=P --region=R --temp_location=gs://bucket/tmp
//
// It writes PREFIX-SSSSS-of-NNNNN.csv (the columns of `classify -o x.csv`
// after an id column; the same bytes whatever the runner) and
// PREFIX-summary.json, and prints the Beam metrics (images, failures, one
// per class) with the images per second of the run. The exit status is 0
// when the pipeline succeeded, error rows or not (their count is printed
// and in the summary), 1 when it failed and 2 for a usage error.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/core/metrics"
	beamlog "github.com/apache/beam/sdks/v2/go/pkg/beam/log"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/runners"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/x/beamx"
	"github.com/hiwl/hiwl/catalogue"

	// gs:// comes with beamx; s3:// is registered here.
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem/s3"
)

// globs is a repeatable flag.
type globs []string

func (g *globs) String() string     { return strings.Join(*g, ",") }
func (g *globs) Set(v string) error { *g = append(*g, v); return nil }

const usageText = `usage: catalogue [flags] [IMAGE-GLOB...]

Classifies galaxy images into the five HIWL classes on Apache Beam (Prism,
in this process, unless --runner says otherwise) and writes sharded CSV
(PREFIX-SSSSS-of-NNNNN.csv) and PREFIX-summary.json. Inputs are globs of
images, CSV catalogues (-catalogue) or lists of paths (-list), local or
gs:// / s3://.

Runners (Beam's flags; see catalogue/README.md for whole commands):
  --runner=prism (default)
  --runner=flink    --endpoint=HOST:8099 --environment_type=DOCKER --environment_config=IMAGE
  --runner=spark    --endpoint=HOST:8099 --environment_type=DOCKER --environment_config=IMAGE
  --runner=dataflow --project=P --region=R --temp_location=gs://B/tmp --staging_location=gs://B/staging

Flags of this command:
`

func main() {
	var o catalogue.Options
	var cats, lists globs
	flag.Var(&cats, "catalogue", "CSV catalogue `glob` with a header (repeatable)")
	flag.StringVar(&o.IDColumn, "id_column", "id", "catalogue column of the galaxy's id")
	flag.StringVar(&o.PathColumn, "path_column", "path", "catalogue column of the image path or URI")
	flag.Var(&lists, "list", "`glob` of files listing image paths, one a line (repeatable)")
	flag.StringVar(&o.Base, "base", "", "`prefix` for relative paths in catalogues and lists (e.g. gs://bucket/cutouts)")
	flag.StringVar(&o.Output, "output", "", "output `prefix`: PREFIX-SSSSS-of-NNNNN.csv and PREFIX-summary.json")
	flag.IntVar(&o.Shards, "shards", 4, "number of CSV shards")
	flag.StringVar(&o.Model, "model", "", "ONNX `file` exported by the trainer, local or gs:// (default: the embedded model)")
	flag.IntVar(&o.Parallelism, "inflight", 0, "images each bundle classifies at once (0: one per core)")
	flag.Usage = func() {
		fmt.Fprint(flag.CommandLine.Output(), usageText)
		for _, name := range []string{"catalogue", "id_column", "path_column", "list", "base", "output", "shards", "model", "inflight"} {
			f := flag.Lookup(name)
			kind, usage := flag.UnquoteUsage(f)
			fmt.Fprintf(flag.CommandLine.Output(), "  -%s %s\n    \t%s", name, kind, usage)
			if f.DefValue != "" && f.DefValue != "0" {
				fmt.Fprintf(flag.CommandLine.Output(), " (default %s)", f.DefValue)
			}
			fmt.Fprintln(flag.CommandLine.Output())
		}
	}
	flag.Parse()
	// On a Beam worker the binary runs as the SDK harness here and never
	// returns; on the launcher this is a no-op.
	beam.Init()
	// Prism (in this process) logs every job's progress at INFO; keep
	// warnings and errors. Workers elsewhere never get here and keep
	// Beam's default.
	beamlog.SetupLogging("warn", "text")

	o.Catalogues, o.Lists, o.Images = cats, lists, flag.Args()
	ctx := context.Background()
	if err := o.Check(); err != nil {
		fmt.Fprintln(os.Stderr, "catalogue:", err)
		flag.Usage()
		os.Exit(2)
	}
	for _, c := range o.Catalogues {
		if err := catalogue.CheckCatalogue(ctx, c, o.IDColumn, o.PathColumn); err != nil {
			fmt.Fprintln(os.Stderr, "catalogue:", err)
			os.Exit(2)
		}
	}

	p, s := beam.NewPipelineWithRoot()
	if err := catalogue.Build(s, o); err != nil {
		fmt.Fprintln(os.Stderr, "catalogue:", err)
		os.Exit(2)
	}
	start := time.Now()
	res, err := beamx.RunWithMetrics(ctx, p)
	elapsed := time.Since(start)
	if err != nil {
		fmt.Fprintln(os.Stderr, "catalogue: pipeline failed:", err)
		os.Exit(1)
	}
	runner := *runners.Runner
	if runner == "" {
		runner = "prism"
	}
	report(res, runner, elapsed, o)
}

// report prints the run's Beam metrics and its rate.
func report(res beam.PipelineResult, runner string, elapsed time.Duration, o catalogue.Options) {
	if res == nil {
		fmt.Fprintf(os.Stderr, "catalogue: done on %s in %.1f s (this runner returned no metrics); see %s\n", runner, elapsed.Seconds(), catalogue.SummaryName(o.Output))
		return
	}
	counters := map[string]int64{}
	q := res.Metrics().Query(func(r metrics.SingleResult) bool { return r.Namespace() == "hiwl" })
	for _, c := range q.Counters() {
		counters[c.Name()] += c.Result()
	}
	images := counters["images"]
	fmt.Fprintf(os.Stderr, "catalogue: %d images, %d failed, on %s in %.1f s: %.1f images/s (pipeline start included)\n",
		images, counters["failures"], runner, elapsed.Seconds(), float64(images)/elapsed.Seconds())
	names := make([]string, 0, len(counters))
	for n := range counters {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(os.Stderr, "  hiwl/%-18s %d\n", n, counters[n])
	}
	fmt.Fprintf(os.Stderr, "catalogue: wrote %s and %s\n", catalogue.ShardName(o.Output, 0, o.Shards)+" ...", catalogue.SummaryName(o.Output))
	if counters["failures"] > 0 {
		fmt.Fprintf(os.Stderr, "catalogue: %d images failed; their error rows are in the shards\n", counters["failures"])
	}
}
