#!/usr/bin/env bash
# with-workerd.sh CMD [ARGS...]
#
# Starts the built edge worker (edge/build, see `make edge-build`; with
# $EDGE_WORKERD_CONFIG as its workerd configuration, default edge/config.capnp) in
# workerd on 127.0.0.1 at a free port, waits until GET /healthz answers,
# runs CMD with HIWL_EDGE_URL and HIWL_EDGE_PID (workerd's process id) in
# its environment, and always stops workerd afterwards. With
# EDGE_WORKERD_INSPECTOR=1, workerd also opens its inspector on another free
# port, given to CMD as HIWL_EDGE_INSPECTOR (host:port; the load test reads
# V8's heap there). Exits with CMD's
# status. Nothing leaves the machine: workerd serves edge/config.capnp
# directly, without wrangler.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
workerd="$root/node_modules/.bin/workerd"
config="${EDGE_WORKERD_CONFIG:-$root/edge/config.capnp}" # config-test.capnp for the e2e tests

[ $# -gt 0 ] || { echo "usage: $0 CMD [ARGS...]" >&2; exit 2; }
[ -x "$workerd" ] || { echo "with-workerd: $workerd missing; run npm install at the repository root" >&2; exit 1; }
[ -f "$root/edge/build/app.wasm" ] || { echo "with-workerd: edge/build is empty; run make edge-build" >&2; exit 1; }

log=$(mktemp -t hiwl-workerd.XXXXXX)
pid=""
cleanup() {
	if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	fi
	rm -f "$log"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# healthy URL: one GET with a short timeout (node is there: workerd came from npm).
healthy() {
	node -e '
		fetch(process.argv[1], { signal: AbortSignal.timeout(2000) })
			.then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1));
	' "$1/healthz"
}

url=""
for attempt in 1 2 3 4 5; do
	port=$((20000 + RANDOM % 40000))
	if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
		continue # something already listens there
	fi
	inspector=()
	iaddr=""
	if [ "${EDGE_WORKERD_INSPECTOR:-}" = 1 ]; then
		iport=$((20000 + RANDOM % 40000))
		if [ "$iport" = "$port" ] || (exec 3<>"/dev/tcp/127.0.0.1/$iport") 2>/dev/null; then
			continue
		fi
		iaddr="127.0.0.1:$iport"
		inspector=(--inspector-addr "$iaddr")
	fi
	"$workerd" serve "$config" --socket-addr "http=127.0.0.1:$port" "${inspector[@]}" >"$log" 2>&1 &
	pid=$!
	for _ in $(seq 1 150); do # up to about 30 s
		if ! kill -0 "$pid" 2>/dev/null; then
			break
		fi
		if healthy "http://127.0.0.1:$port"; then
			url="http://127.0.0.1:$port"
			break 2
		fi
		sleep 0.2
	done
	echo "with-workerd: workerd did not come up on port $port (attempt $attempt):" >&2
	tail -n 20 "$log" >&2 || true
	kill "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	pid=""
done
[ -n "$url" ] || { echo "with-workerd: giving up" >&2; exit 1; }

echo "with-workerd: edge worker in workerd at $url (pid $pid)" >&2
status=0
HIWL_EDGE_URL="$url" HIWL_EDGE_PID="$pid" HIWL_EDGE_INSPECTOR="$iaddr" "$@" || status=$?
if [ "$status" -ne 0 ]; then
	echo "with-workerd: command failed ($status); workerd log:" >&2
	tail -n 40 "$log" >&2 || true
fi
exit "$status"
