// Entry module of the edge Worker: owns the Go instance's lifecycle.
//
// One Go WebAssembly instance is started per isolate, on the first request
// that needs it, and kept: Go start-up, package init and the model decoding
// are paid once, not per request. Each fetch reads its body here (bounded)
// and calls into the running instance synchronously (edge/bridge): the
// handler runs to completion inside that call, so no promise or stream of
// one request is ever left for another to settle, which the Workers runtime
// would cancel. Why this replaces the worker that syumai/workers generates,
// and what would let it go (syumai/workers-go#200): edge/README.md.
//
// If the instance dies (a fatal Go error, out of memory, a trap), the
// request that was in it gets a JSON 500 and the next request starts a
// fresh instance.
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
import wasmModule from "./app.wasm";

const MAX_IN_PROGRESS = 64;
const MAX_BUFFERED_BYTES = 48 << 20;
const ADMISSION_LEASE_MS = 60_000;
const BRIDGE = "__hiwlEdge"; // edge/bridge.GlobalName

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

let instance = null; // { id, served, go, api }
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

function startInstance(env) {
  if (isolateId === "") isolateId = randomHex(4);
  const go = new Go();
  go.argv = ["edge"];
  go.env = {};
  if (env && env.HIWL_EDGE_TEST_HOOKS === "1") go.env.HIWL_EDGE_TEST_HOOKS = "1";
  delete globalThis[BRIDGE];
  const wasm = new WebAssembly.Instance(wasmModule, go.importObject);
  // Runs main until it blocks, by which time it has published the bridge.
  go.run(wasm).catch((err) => console.error("edge: Go instance failed:", err));
  const api = globalThis[BRIDGE];
  if (go.exited || api === undefined) {
    throw new Error("the Go instance exited during start-up");
  }
  started++;
  return { id: `${isolateId}-${started}`, served: 0, go, api };
}

// current returns the live instance, starting one if there is none.
function current(env) {
  if (instance === null) instance = startInstance(env);
  return instance;
}

// Statuses whose responses have no body (Fetch standard).
const nullBodyStatus = new Set([101, 204, 205, 304]);

async function fetch(request, env, ctx) {
  fetchesBegun++;
  try {
    return await handle(request, env);
  } finally {
    fetchesEnded++;
  }
}

async function handle(request, env) {
  const now = Date.now();
  prune(now);
  if (admitted.size >= MAX_IN_PROGRESS) return busy();
  const id = ++lastAdmission;
  const admission = { since: now, bytes: 0 };
  admitted.set(id, admission);
  try {
    let inst;
    try {
      inst = current(env);
    } catch (err) {
      console.error("edge: starting the Go instance:", err);
      return jsonError(500, "internal error: the classifier could not start");
    }
    let body;
    try {
      body = await readBody(request, inst.api.maxBodyBytes, admission);
    } catch (err) {
      if (err instanceof Busy) return busy();
      return jsonError(400, `reading request body: ${err}`);
    }
    // While other requests are in progress, give the event loop a turn
    // before blocking it with this one's inference (nextTurn).
    if (admitted.size > 1) await nextTurn();
    // Another request may have lost the instance while this one read.
    try {
      inst = current(env);
    } catch (err) {
      console.error("edge: starting the Go instance:", err);
      return jsonError(500, "internal error: the classifier could not start");
    }
    let out;
    try {
      out = inst.api.serve(request.method, request.url, [...request.headers], body, declaredLength(request));
    } catch (err) {
      console.error("edge: Go instance trapped:", err);
    }
    if (inst.go.exited || out === undefined || out === null) {
      // The instance is gone (or unusable): drop it; the next request
      // starts a fresh one.
      if (instance === inst) instance = null;
      return jsonError(500, "internal error: the classifier instance failed; retry", {
        "X-Hiwl-Instance": inst.id,
      });
    }
    inst.served++;
    const headers = new Headers(out.headers);
    headers.set("X-Hiwl-Instance", inst.id);
    headers.set("X-Hiwl-Instance-Requests", String(inst.served));
    headers.set("X-Hiwl-Isolate-Fetches", fetchCounts());
    const noBody = request.method === "HEAD" || nullBodyStatus.has(out.status);
    return new Response(noBody ? null : out.body, { status: out.status, headers });
  } finally {
    admitted.delete(id);
  }
}

export default { fetch };
