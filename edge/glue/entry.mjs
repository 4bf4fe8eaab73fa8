// Entry module of the edge Worker. It wraps the worker that
// syumai/workers generates (build/worker.mjs) to bound memory.
//
// That worker starts a fresh Go WebAssembly instance for every request
// (20-30 MB of linear memory once the model is parsed), and an isolate has
// 128 MB in all. The isolate is single-threaded and inference does not
// yield, so many instances at once add memory but no throughput. Here at
// most MAX_IN_FLIGHT requests hold an instance, about MAX_WAITING more wait
// in line (first come, first served; waiting costs no instance), and the
// rest get 503 at once.
//
// The Workers runtime cancels a request that waits on a promise only
// another request can resolve, and does not run a cancelled request's
// cleanup. So waiters poll on their own timers instead of being woken,
// and slots and places in line are leases that lapse if their request
// vanishes (client gone, request cancelled), rather than counters that
// could leak.
import worker from "./worker.mjs";

const MAX_IN_FLIGHT = 2;
const MAX_WAITING = 32;
const POLL_MS = 5;
const MAX_WAIT_MS = 30_000; // then 503
const SLOT_LEASE_MS = 15_000; // a slot held longer belongs to a vanished request
const WAITER_STALE_MS = 1_000; // a waiter that stopped polling has vanished (a live one rejoins)

const slots = new Map(); // request id -> time the slot was taken
const line = []; // waiters: { id, seen }
let lastId = 0;

// Date.now() only advances between I/O events in Workers, which is all
// these leases need.
function prune(now) {
  for (const [id, since] of slots) {
    if (now - since > SLOT_LEASE_MS) slots.delete(id);
  }
  for (let i = line.length - 1; i >= 0; i--) {
    if (now - line[i].seen > WAITER_STALE_MS) line.splice(i, 1);
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// acquire returns a slot id, or 0 when the line is full or the wait too long.
async function acquire() {
  const id = ++lastId;
  let now = Date.now();
  prune(now);
  if (line.length === 0 && slots.size < MAX_IN_FLIGHT) {
    slots.set(id, now);
    return id;
  }
  if (line.length >= MAX_WAITING) return 0;
  const me = { id, seen: now };
  line.push(me);
  const deadline = now + MAX_WAIT_MS;
  for (;;) {
    await sleep(POLL_MS);
    now = Date.now();
    me.seen = now;
    prune(now);
    if (!line.includes(me)) {
      // Pruned while the thread was busy with inference: take our place
      // back (ids grow with arrival, so the line stays first come, first served).
      const at = line.findIndex((w) => w.id > me.id);
      line.splice(at < 0 ? line.length : at, 0, me);
    }
    if (line[0] === me && slots.size < MAX_IN_FLIGHT) {
      line.shift();
      slots.set(id, now);
      return id;
    }
    if (now > deadline) {
      line.splice(line.indexOf(me), 1);
      return 0;
    }
  }
}

function jsonError(status, message, headers = {}) {
  return new Response(JSON.stringify({ error: message, status }) + "\n", {
    status,
    headers: {
      "Content-Type": "application/json; charset=utf-8",
      "Access-Control-Allow-Origin": "*",
      "X-Content-Type-Options": "nosniff",
      ...headers,
    },
  });
}

// Statuses whose responses must not have a body (Fetch standard).
const nullBodyStatus = new Set([101, 204, 205, 304]);

async function fetch(request, env, ctx) {
  const slot = await acquire();
  if (slot === 0) {
    return jsonError(503, "busy: too many requests in progress, retry shortly", { "Retry-After": "1" });
  }
  try {
    const res = await worker.fetch(request, env, ctx);
    // Read the whole (small, JSON or text) body so the Go instance has
    // finished before the slot is given back.
    const body = nullBodyStatus.has(res.status) ? null : await res.arrayBuffer();
    return new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers });
  } catch (err) {
    // The Go program failed outright (it recovers its own panics, so this
    // is the runtime, e.g. out of memory): still answer in JSON.
    console.error("edge: worker failed:", err);
    return jsonError(500, "internal error: worker failed");
  } finally {
    slots.delete(slot);
  }
}

export default { fetch };
