#!/usr/bin/env bash
# make catalogue: the Beam pipeline on Prism over the 2,535 labelled Galaxy
# Zoo images in ../shared, beside the batch CLI (classify -j 2) on the same
# files in the same run, alternating ROUNDS times (the machine is shared:
# read the ratio, and CPU time per image, which other processes' turns do
# not inflate). Peak memory is /usr/bin/time -v's maximum resident set.
# It also checks that both wrote the same labels and probabilities.
#
#   REAL=folder  ROUNDS=n  OUT=folder  JOBS=n (classify -j; the pipeline
#   keeps as many images in flight)
set -euo pipefail
cd "$(dirname "$0")/.."
REAL=${REAL:-../shared/data/gz-challenge-5class}
OUT=${OUT:-out/catalogue}
ROUNDS=${ROUNDS:-2}
JOBS=${JOBS:-2}
GO=${GO:-go}

mkdir -p "$OUT/bin"
OUT=$(cd "$OUT" && pwd) # the catalogue binary is built from catalogue/
exec > >(tee "$OUT/bench.txt")
"$GO" build -o "$OUT/bin/classify" ./model/cmd/classify
(cd catalogue && "$GO" build -o "$OUT/bin/catalogue" ./cmd/catalogue)
n=$(find "$REAL" -name '*.jpg' | wc -l)
[[ $n -gt 0 ]] || { echo "catalogue: no images under $REAL" >&2; exit 1; }

# measure NAME CMD...: wall seconds, CPU seconds, peak RSS (KiB) of CMD.
measure() {
  local name=$1; shift
  local log="$OUT/$name.time"
  local t0 t1
  t0=$(date +%s.%N)
  /usr/bin/time -v "$@" 2> "$log" > /dev/null || { cat "$log" >&2; exit 1; }
  t1=$(date +%s.%N)
  awk -v t0="$t0" -v t1="$t1" -F': ' '
    /User time/ {u=$2} /System time/ {s=$2} /Maximum resident/ {m=$2}
    END {printf "%.2f %.2f %d\n", t1-t0, u+s, m}' "$log"
}

lscpu | grep 'Model name' | sed 's/  */ /g'
echo "$n images in $REAL; classify -j $JOBS and the pipeline on Prism (-inflight $JOBS), alternating, $ROUNDS rounds"
printf '%-5s %-22s %8s %9s %13s %12s\n' round tool "wall s" images/s cpu-ms/image "peak RSS MB"
tc=0; tb=0
for r in $(seq 1 "$ROUNDS"); do
  read -r wc cc mc < <(measure "classify-$r" "$OUT/bin/classify" -j "$JOBS" -o "$OUT/classify.csv" "$REAL")
  rm -rf "$OUT/gz"
  read -r wb cb mb < <(measure "catalogue-$r" "$OUT/bin/catalogue" -inflight "$JOBS" -output "$OUT/gz/catalogue" -shards 4 "$REAL/*/*.jpg")
  awk -v r="$r" -v n="$n" -v w="$wc" -v c="$cc" -v m="$mc" 'BEGIN {printf "%-5s %-22s %8.1f %9.1f %13.2f %12.0f\n", r, "classify -j '"$JOBS"'", w, n/w, 1000*c/n, m/1024}'
  awk -v r="$r" -v n="$n" -v w="$wb" -v c="$cb" -v m="$mb" -v wc="$wc" 'BEGIN {printf "%-5s %-22s %8.1f %9.1f %13.2f %12.0f   %.2fx classify\n", r, "catalogue (Prism)", w, n/w, 1000*c/n, m/1024, wc/w}'
  tc=$(awk -v a="$tc" -v b="$wc" 'BEGIN {print a+b}'); tb=$(awk -v a="$tb" -v b="$wb" 'BEGIN {print a+b}')
done
awk -v a="$tc" -v b="$tb" 'BEGIN {printf "all rounds: the pipeline at %.2fx classify'"'"'s images/s (total wall time %.1f s against %.1f s)\n", a/b, b, a}'

# The same rows: every column from file to model_version, as written
# (none of them is quoted; the error column is left out, error rows are
# still compared by their empty label and numbers). The column numbers come
# from the header, so new columns in model.CSVHeader are compared too.
last=$(head -1 "$OUT/classify.csv" | tr , '\n' | grep -n '^model_version$' | cut -d: -f1)
cat "$OUT"/gz/catalogue-*-of-*.csv | awk -F, '$1 == "id" {next} {print}' | cut -d, -f2-$((last + 1)) | sort > "$OUT/catalogue.cols"
tail -n +2 "$OUT/classify.csv" | cut -d, -f1-"$last" | sort > "$OUT/classify.cols"
if cmp -s "$OUT/catalogue.cols" "$OUT/classify.cols"; then
  echo "rows: $(wc -l < "$OUT/classify.cols") files; $(head -1 "$OUT/classify.csv" | cut -d, -f1-"$last") identical to classify's"
else
  echo "rows DIFFER from classify's:" >&2; diff "$OUT/catalogue.cols" "$OUT/classify.cols" | head >&2; exit 1
fi
echo "summary ($OUT/gz/catalogue-summary.json):"
cat "$OUT/gz/catalogue-summary.json"
