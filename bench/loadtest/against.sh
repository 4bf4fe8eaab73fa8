#!/usr/bin/env bash
# against.sh REV [PAIRS]
#
# `make bench-edge-against` (bench/loadtest/loadtest.mk): builds commit REV's worker bundle in a
# temporary git worktree, then serves it and this working tree's edge/build
# (built first by make) in two workerd processes at once and sends them
# PAIRS /classify requests each, one at a time, alternately (loadtest
# -against). Writes out/bench/edge-against.json; the worktree is always
# removed. On this shared host the speed moves by a third within minutes,
# so two builds are only compared this way, in the same minutes.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
rev=${1:?usage: against.sh REV [PAIRS]}
pairs=${2:-300}

tmp=$(mktemp -d -t hiwl-against.XXXXXX)
cleanup() {
	git -C "$root" worktree remove --force "$tmp/src" >/dev/null 2>&1 || true
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

git -C "$root" worktree add --detach "$tmp/src" "$rev" >/dev/null
echo "against: building $rev ($(git -C "$tmp/src" rev-parse --short HEAD)) in $tmp/src" >&2
(cd "$tmp/src" && make --no-print-directory -f edge/edge.mk edge-build >&2)

mkdir -p "$root/out/bench"
"$root/edge/scripts/with-workerd.sh" "$root/out/bin/loadtest" -n 0 -seq 0 -cold-runs 0 -procs 1 \
	-against "$tmp/src/edge/build" -against-config "$tmp/src/edge/config.capnp" -pairs "$pairs" \
	-workerd "$root/node_modules/.bin/workerd" -config "$root/edge/config.capnp" \
	-build "$root/edge/build" -out "$root/out/bench/edge-against.json"
