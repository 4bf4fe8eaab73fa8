#!/usr/bin/env bash
# deploy-check.sh: `wrangler deploy --dry-run --outdir` on the built bundle
# (edge/build, see `make edge-build`), offline, then the size of what would
# be uploaded against Cloudflare's Worker size limit (64 MiB uncompressed on
# every plan as of 2026). Fails if wrangler fails or the bundle is over.
# Where network namespaces can be made (root), wrangler runs in one with no
# network at all, which proves the check needs none.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"
wrangler="$root/node_modules/.bin/wrangler"
limit=$((64 << 20))
[ -x "$wrangler" ] || { echo "deploy-check: $wrangler missing; run npm install at the repository root" >&2; exit 1; }
[ -f edge/build/app.wasm ] || { echo "deploy-check: edge/build is empty; run make edge-build" >&2; exit 1; }

out=$(mktemp -d -t hiwl-deploy.XXXXXX)
trap 'rm -rf "$out"' EXIT
offline=()
how="network allowed (could not make a network namespace)"
if unshare -n true 2>/dev/null; then
	offline=(unshare -n --)
	how="no network (unshare -n)"
fi
echo "deploy-check: wrangler deploy --dry-run, $how" >&2
WRANGLER_SEND_METRICS=false "${offline[@]}" "$wrangler" deploy --dry-run -c edge/wrangler.toml --outdir "$out" >"$out.log" 2>&1 || {
	cat "$out.log" >&2
	rm -f "$out.log"
	exit 1
}
grep -E "Total Upload" "$out.log" >&2 || true
rm -f "$out.log"
rm -f "$out"/*.map "$out/README.md" # source maps and wrangler's note are not uploaded
total=$(cat "$out"/* | wc -c)
gz=$(cat "$out"/* | gzip -9 | wc -c)
awk -v t="$total" -v g="$gz" -v l="$limit" 'BEGIN {
	printf "deploy-check: upload %d bytes (%.1f MiB), gzip -9 %d bytes, limit %d bytes (64 MiB): %.0f%% of it\n", t, t / 1048576, g, l, 100 * t / l
}'
ls -l "$out" | tail -n +2 | awk '{print "  " $5 "  " $9}'
if [ "$total" -gt "$limit" ]; then
	echo "deploy-check: OVER the 64 MiB Worker size limit" >&2
	exit 1
fi
