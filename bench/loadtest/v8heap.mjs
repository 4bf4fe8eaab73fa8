// node bench/loadtest/v8heap.mjs HOST:PORT [--gc]
//
// Prints V8's heap figures for the worker's isolate as one JSON line, read
// through workerd's inspector (workerd serve --inspector-addr=HOST:PORT;
// edge/scripts/with-workerd.sh opens one): the Chrome DevTools Protocol's
// Runtime.getHeapUsage, "the total usage of the corresponding isolate" —
// usedSize and totalSize of the JavaScript heap, embedderHeapUsedSize, and
// backingStorageSize (ArrayBuffer backing stores). Nothing inside an
// isolate can read these (workerd has no performance.memory or node:v8),
// so loadtest asks from outside. With --gc, V8 first runs a full collection
// (through a heap snapshot), so that what is left is what the isolate
// holds, not what it has yet to collect. Uses ws, which wrangler brings.
import WebSocket from "ws";

const addr = process.argv[2];
const gc = process.argv[3] === "--gc";
if (!addr) {
  console.error("usage: v8heap.mjs HOST:PORT");
  process.exit(2);
}
const list = await (await fetch(`http://${addr}/json/list`, { signal: AbortSignal.timeout(5000) })).json();
if (list.length === 0) throw new Error(`no worker behind the inspector at ${addr}`);
const ws = new WebSocket(list[0].webSocketDebuggerUrl);
await new Promise((resolve, reject) => {
  ws.on("open", resolve);
  ws.on("error", reject);
});
const pending = new Map();
ws.on("message", (m) => {
  const d = JSON.parse(m);
  const p = pending.get(d.id);
  if (p) (d.error ? p.reject(new Error(d.error.message)) : p.resolve(d.result));
});
let nextID = 1;
const call = (method, params = {}) => new Promise((resolve, reject) => {
  const id = nextID++;
  pending.set(id, { resolve, reject });
  ws.send(JSON.stringify({ id, method, params }));
});
const answer = (async () => {
  // workerd never answers HeapProfiler.collectGarbage; a heap snapshot
  // starts with the same full collection (its chunks are ignored here).
  if (gc) await call("HeapProfiler.takeHeapSnapshot", { reportProgress: false });
  return call("Runtime.getHeapUsage");
})();
const timeout = setTimeout(() => {
  console.error("v8heap: no answer in 30 s");
  process.exit(1);
}, 30_000);
console.log(JSON.stringify(await answer));
clearTimeout(timeout);
ws.close();
