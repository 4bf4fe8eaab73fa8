// Entry module of the edge Worker: owns the Go instance's lifecycle; the
// Go side is served by github.com/syumai/workers.
//
// It replaces the worker.mjs that syumai/workers generates, which makes a
// new Go instance for every request. Here one instance is started per
// isolate, through the package's own wasm_exec.js and runtime module
// (runtime.mjs), on the first request, and kept: Go start-up, package init
// and the model decoding are paid once, not per request. Each fetch sets
// the runtime context's ctx and env and calls binding.handleRequest (Go's
// main has called workers.ServeNonBlock and workers.Ready and blocks
// forever). Why this module is ours and not the generated one:
// edge/README.md, "One Go instance per isolate".
//
// If the instance dies (Go exits on a fatal error or an unrecovered
// panic, or the WebAssembly traps), the requests in it get a JSON 500 and
// the next request starts a fresh instance.
//
// A request whose client goes away is cancelled by the runtime, and its
// pending continuations are dropped: neither the finally blocks here nor
// a Go goroutine waiting on one of its promises (a cache lookup) would
// ever run on. So each fetch listens to its request's abort signal
// (compatibility flag enable_request_signal): on abort it tells Go
// (binding.hiwlAbort with the request's number; edge/cfbind cancels the
// request's context, and its waits end) and ends the fetch itself,
// freeing its admission and its watch on the instance (endFetch).
//
// The isolate runs one thing at a time and inference does not yield, so
// requests queue on the event loop by themselves, though fairly only if
// each inference first waits for a turn of the loop (nextTurn). What
// needs a bound is what waiting requests hold: at most MAX_IN_PROGRESS
// requests are admitted at once and their buffered bodies may total at
// most MAX_BUFFERED_BYTES; past either, a JSON 503 with Retry-After. The
// Workers runtime does not run a cancelled request's cleanup (client gone
// mid-upload), so admissions are leases that lapse after
// ADMISSION_LEASE_MS rather than counters that could leak.
import "./wasm_exec.js";
import { createRuntimeContext, loadModule } from "./runtime.mjs";

const MAX_IN_PROGRESS = 64;
const MAX_BUFFERED_BYTES = 48 << 20;
const ADMISSION_LEASE_MS = 60_000;

const admitted = new Map(); // admission id -> { since, bytes }
let lastAdmission = 0;

// Every fetch this isolate has begun and ended, whatever its outcome,
// reported on each answer (X-Hiwl-Isolate-Fetches: "begun ended"). With
// no request in flight the two are equal, unless the runtime dropped a
// cancelled fetch without unwinding it (see above); a fetch that began and
// never ended is otherwise a request the glue left hanging, and a request
// a client sent that never shows as begun is one workerd never delivered
// (edge/README.md, "Unanswered requests").
let fetchesBegun = 0;
let fetchesEnded = 0;

let lastRequestId = 0; // the numbers given to Go with each request (hiwlRequestId)

let instance = null; // the live instance (see startInstance), or null
let isolateId = ""; // random, made on first use (no randomness at global scope in Workers)
let started = 0; // instances started in this isolate

// Date.now() only advances between I/O events in Workers, which is all the
// leases need.
function prune(now) {
  for (const [id, a] of admitted) {
    if (now - a.since > ADMISSION_LEASE_MS) admitted.delete(id);
  }
}

function bufferedBytes() {
  let n = 0;
  for (const a of admitted.values()) n += a.bytes;
  return n;
}

// fetchCounts is the X-Hiwl-Isolate-Fetches value; the answering fetch
// counts as ended.
const fetchCounts = () => `${fetchesBegun} ${fetchesEnded + 1}`;

function jsonError(status, message, headers = {}) {
  return new Response(JSON.stringify({ error: message, status }) + "\n", {
    status,
    headers: {
      "Content-Type": "application/json; charset=utf-8",
      "Access-Control-Allow-Origin": "*",
      "X-Content-Type-Options": "nosniff",
      "Cache-Control": "no-store",
      "X-Hiwl-Isolate-Fetches": fetchCounts(),
      ...headers,
    },
  });
}

const busy = () =>
  jsonError(503, "busy: too many requests in progress, retry shortly", { "Retry-After": "1" });

class Busy extends Error {}
class InstanceGone extends Error {}

// declaredLength is the request's Content-Length, or -1 if it has none.
function declaredLength(request) {
  const v = request.headers.get("Content-Length");
  return v !== null && /^[0-9]{1,15}$/.test(v) ? Number(v) : -1;
}

// readBody returns the body bytes, at most limit+1 of them (one more than
// the handler accepts, so its own limit answers 413), or null without
// reading when there is no body or the declared length is already over.
async function readBody(request, limit, admission) {
  if (request.body === null) return null;
  if (declaredLength(request) > limit) return null;
  const reader = request.body.getReader();
  const chunks = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    const take = Math.min(value.byteLength, limit + 1 - total);
    chunks.push(take === value.byteLength ? value : value.subarray(0, take));
    total += take;
    admission.bytes = total;
    if (total > limit) {
      reader.cancel().catch(() => {});
      break;
    }
    if (bufferedBytes() > MAX_BUFFERED_BYTES) {
      reader.cancel().catch(() => {});
      throw new Busy();
    }
  }
  if (chunks.length === 1) return chunks[0];
  const body = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    body.set(c, at);
    at += c.byteLength;
  }
  return body;
}

// nextTurn resolves on a later turn of the event loop, after the I/O that
// is ready by then. Without it, under sustained concurrency (32 clients)
// a few requests waited in workerd for minutes, most of them never
// delivered to this isolate, while later ones were answered: inferences
// ran one after another as body reads completed, and the requests still
// to be read were passed over time after time (edge/README.md,
// "Unanswered requests"). A timer turn is not free, so it is only taken
// when another request is in progress.
const nextTurn = () => new Promise((resolve) => setTimeout(resolve, 0));

function randomHex(bytes) {
  const b = crypto.getRandomValues(new Uint8Array(bytes));
  return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
}

// startInstance starts a Go instance the way syumai/workers' generated
// worker.mjs does (wasm_exec.js's Go with the runtime context, the
// "workers.ready" import), and notes its death: Go exiting (run's promise
// settles) or a trap (an exception out of the instance's resume).
async function startInstance(env, ctx) {
  if (isolateId === "") isolateId = randomHex(4);
  const mod = await loadModule();
  const go = new Go();
  const context = createRuntimeContext({ env, ctx, binding: {} });
  // watchers: the requests in this instance, told when it dies (death).
  const inst = { id: `${isolateId}-${++started}`, served: 0, go, context, gone: null, watchers: new Set() };
  const die = (why) => {
    if (inst.gone !== null) return;
    inst.gone = why;
    if (instance === inst) instance = null;
    console.error(`edge: Go instance ${inst.id} ${why}`);
    for (const w of inst.watchers) w();
  };
  let ready = false;
  const wasm = new WebAssembly.Instance(mod, {
    ...go.importObject,
    workers: { ready: () => (ready = true) },
  });
  context.hiwlMemoryBytes = () => wasm.exports.mem.buffer.byteLength;
  // Called as Go exits, before run's promise settles.
  go.exit = (code) => die(`exited (code ${code})`);
  const resume = go._resume.bind(go);
  go._resume = () => {
    try {
      resume();
    } catch (err) {
      die(`trapped: ${err}`);
      throw err;
    }
  };
  // Runs main until it blocks, which it does right after workers.Ready:
  // nothing before it waits on JavaScript, so ready is set by the time
  // run returns its promise.
  go.run(wasm, context).then(
    () => die("exited"),
    (err) => die(`failed: ${err}`),
  );
  if (!ready || inst.gone !== null) {
    die("stopped before it was ready");
    throw new Error(`the Go instance ${inst.gone} during start-up`);
  }
  inst.maxBodyBytes = context.binding.hiwlMaxBodyBytes;
  return inst;
}

// current returns the live instance, starting one if there is none.
async function current(env, ctx) {
  if (instance === null) instance = await startInstance(env, ctx);
  return instance;
}

async function fetch(request, env, ctx) {
  fetchesBegun++;
  // The fetch's cleanups, run once: when handle is done, or when the
  // client aborts the request (the runtime then drops handle's
  // continuations, finally blocks included).
  const fetchState = { ended: false, cleanups: [], abortGo: null };
  const endFetch = () => {
    if (fetchState.ended) return;
    fetchState.ended = true;
    fetchesEnded++;
    for (const c of fetchState.cleanups) c();
  };
  request.signal?.addEventListener?.(
    "abort",
    () => {
      if (fetchState.abortGo !== null) fetchState.abortGo();
      endFetch();
    },
    { once: true },
  );
  try {
    return await handle(request, env, ctx, fetchState);
  } finally {
    endFetch();
  }
}

// death returns a promise that rejects with InstanceGone when inst dies,
// and a function to call when the request is done with inst. The promise
// is made by the request that waits on it: workerd runs a continuation in
// the request that made its promise, and drops it (with a warning) if that
// request has ended.
function death(inst) {
  let watcher;
  const p = new Promise((_, reject) => {
    watcher = () => reject(new InstanceGone());
    if (inst.gone !== null) watcher();
  });
  inst.watchers.add(watcher);
  return [p, () => inst.watchers.delete(watcher)];
}

async function handle(request, env, ctx, fetchState) {
  const now = Date.now();
  prune(now);
  if (admitted.size >= MAX_IN_PROGRESS) return busy();
  const id = ++lastAdmission;
  const admission = { since: now, bytes: 0 };
  admitted.set(id, admission);
  fetchState.cleanups.push(() => admitted.delete(id));
  try {
    let inst;
    try {
      inst = await current(env, ctx);
    } catch (err) {
      console.error("edge: starting the Go instance:", err);
      return jsonError(500, "internal error: the classifier could not start");
    }
    let body;
    try {
      body = await readBody(request, inst.maxBodyBytes, admission);
    } catch (err) {
      if (err instanceof Busy) return busy();
      return jsonError(400, `reading request body: ${err}`);
    }
    // While other requests are in progress, give the event loop a turn
    // before blocking it with this one's inference (nextTurn).
    if (admitted.size > 1) await nextTurn();
    // Another request may have lost the instance while this one read.
    try {
      inst = await current(env, ctx);
    } catch (err) {
      console.error("edge: starting the Go instance:", err);
      return jsonError(500, "internal error: the classifier could not start");
    }
    inst.context.env = env;
    inst.context.ctx = ctx;
    let res;
    const [died, done] = death(inst);
    fetchState.cleanups.push(done);
    const requestId = ++lastRequestId;
    try {
      // The body read here goes to Go through the context's hiwlBody
      // slot (edge/cfbind.takeBody), which Go empties before handleRequest
      // returns; syumai/workers then never reads the request's own,
      // already consumed, stream. A body not read here (none, or declared
      // over the limit) stays on the request, and Go refuses the latter
      // from its Content-Length alone. hiwlRequestId goes the same way:
      // the number hiwlAbort cancels this request by.
      inst.context.hiwlBody = body;
      inst.context.hiwlRequestId = requestId;
      const answer = inst.context.binding.handleRequest(request);
      if ((inst.context.hiwlBody !== null || inst.context.hiwlRequestId !== null) && inst.gone === null) {
        inst.context.hiwlBody = null;
        inst.context.hiwlRequestId = null;
        throw new Error("the Go handler did not take the request body and number before handleRequest returned");
      }
      fetchState.abortGo = () => {
        if (inst.gone !== null) return;
        try {
          inst.context.binding.hiwlAbort(requestId);
        } catch (err) {
          console.error("edge: telling Go a request was aborted:", err);
        }
      };
      res = await Promise.race([answer, died]);
    } catch (err) {
      if (inst.gone === null && !(err instanceof InstanceGone)) {
        console.error("edge: handleRequest failed:", err);
        return jsonError(500, "internal error", { "X-Hiwl-Instance": inst.id });
      }
      // The instance is gone; the next request starts a fresh one.
      return jsonError(500, "internal error: the classifier instance failed; retry", {
        "X-Hiwl-Instance": inst.id,
      });
    } finally {
      fetchState.abortGo = null;
      done();
    }
    inst.served++;
    // Go's Response has its whole body already (edge/cfbind.Handler), so
    // it is answered as it is, with the entry module's headers added.
    const headers = request.method === "HEAD" ? new Headers(res.headers) : res.headers;
    headers.set("X-Hiwl-Instance", inst.id);
    headers.set("X-Hiwl-Instance-Requests", String(inst.served));
    headers.set("X-Hiwl-Isolate-Fetches", fetchCounts());
    if (request.method === "HEAD") return new Response(null, { status: res.status, headers });
    return res;
  } finally {
    admitted.delete(id);
  }
}

export default { fetch };
