// Package catalogue classifies galaxy catalogues at survey scale on Apache
// Beam: the same model.Classifier as every hiwl runtime, run in process by
// each Beam worker, over a CSV catalogue (id and image path columns), lists
// of paths, or globs, read through Beam's file systems (local files, and
// gs:// or s3:// where the binary registers them).
//
// The pipeline (Build):
//
//	catalogues, lists, globs ─ Entry{ID, Path} ─ Reshuffle ─ classify ─ Row ─┬─ shard by ID ─ CoGBK ─ CSV shards
//	  (fileio.MatchFiles)                                   (model loaded     └─ Combine ─ summary.json
//	                                                         once per worker)
//
// Each worker process loads the classifier once, in the classify DoFn's
// Setup, and shares it between its DoFn instances (model.Classifier is safe
// for concurrent use). A bad image becomes an error row, never a failed
// bundle. The CSV shards hold the columns of `classify -o x.csv`
// (model.CSVHeader) after an id column; which shard a row goes to depends on
// its id alone and each shard is sorted, so the output files are the same
// bytes whatever the runner, the bundling or the parallelism.
//
// The pipeline is a module of its own (github.com/hiwl/hiwl/catalogue) so
// that Beam's many modules stay out of the root module: building or testing
// the other runtimes never downloads them. It depends on the root module's
// model package only.
package catalogue
