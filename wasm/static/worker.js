// worker.js runs hiwl.wasm in a Web Worker, so that the page stays
// responsive while the module loads and while a classification runs (both
// are plain CPU work inside Go). hiwl.js starts it; sites should use hiwl.js.
//
// Loading: hiwl.json (the build's manifest, a few hundred bytes) names the
// module's version. A module kept in the Cache API under that version starts
// without any download; otherwise hiwl.wasm is fetched, compiled while it
// streams in (WebAssembly.instantiateStreaming), and stored under the
// version, replacing the entries of older versions.
//
// Messages to the page:
//   {type: "progress", stage: "download", loaded, total, source}   total 0 = unknown;
//                                                   source "network" or "cache"
//   {type: "progress", stage: "compile"} / {stage: "model"}
//   {type: "ready", info, timings}
//   {type: "load-error", message}
//   {type: "result", id, result}
//   {type: "error", id, code, message, detail}
// Messages from the page:
//   {type: "classify", id, buffer, cam}   buffer: the file's ArrayBuffer (transferred);
//                                         cam false leaves the attention maps out
//
// Every URL is relative to this script, so the folder works from any static
// host and path.
"use strict";

importScripts("wasm_exec.js");

const started = performance.now();
const cacheName = "hiwl-wasm";
const wasmURL = new URL("hiwl.wasm", self.location.href);
let go = null;

const ready = load();
ready.then(
  ({ info, timings }) => postMessage({ type: "ready", info, timings }),
  (err) => postMessage({ type: "load-error", message: String(err && err.message || err) }),
);

async function load() {
  // Both are needed before anything else; neither waits for the other.
  const [manifest, cache] = await Promise.all([readManifest(), openCache()]);
  const key = manifest && new URL(`hiwl.wasm?v=${encodeURIComponent(manifest.version)}`, wasmURL).href;

  let source = "network";
  let res = null;
  if (cache) {
    res = key ? await cache.match(key) : manifest === undefined ? await newestEntry(cache) : null;
    if (res) source = "cache";
  }
  const looked = performance.now();
  let instance, bytes;
  try {
    if (!res) res = await fetchModule();
    ({ instance, bytes } = await instantiate(res, manifest, source, cache, key));
  } catch (err) {
    if (source !== "cache") throw err;
    // A damaged cache entry must not break the page for good: drop it and
    // download once more.
    await cache.delete(res.url || key).catch(() => {});
    source = "network";
    ({ instance, bytes } = await instantiate(await fetchModule(), manifest, source, cache, key));
  }
  const compiled = performance.now();

  postMessage({ type: "progress", stage: "model" });
  // run() executes Go's main synchronously until it blocks, so globalThis.hiwl
  // exists when it hands back control; its promise settles only if Go exits.
  let runError = null;
  go.run(instance).catch((err) => { runError = err; });
  await null; // lets a failed start's rejection land in runError first
  const api = globalThis.hiwl;
  if (!api) {
    throw new Error(`the classifier module stopped while starting${runError ? `: ${runError.message || runError}` : ""}`);
  }
  if (api.loadError) {
    throw new Error(`the model could not be loaded: ${api.loadError}`);
  }
  const loaded = performance.now();
  const info = JSON.parse(api.info);
  return {
    api,
    info,
    timings: {
      // worker start to the module's cache entry found (or not): the
      // manifest's revalidation and the Cache API lookup
      lookup_ms: looked - started,
      download_ms: bytes.downloaded - started,
      compile_ms: compiled - bytes.downloaded,
      model_ms: loaded - compiled,
      // model_ms in two: Go's start (the runtime and every package's
      // initialisation) until main runs, then model.Default (onnx-go's
      // decoding and the plan's compile).
      go_start_ms: api.mainAt - compiled,
      model_load_ms: api.loadedAt - api.mainAt,
      total_ms: loaded - started,
      wasm_bytes: bytes.count,
      source,
      version: manifest ? manifest.version : null,
      // A host that mixes two builds' files would show here.
      manifest_matches: manifest ? manifest.model_version === info.model_version : null,
    },
  };
}

// readManifest returns hiwl.json, null when the host has none (the module
// is then neither cached nor looked up), or undefined when the network is
// unreachable (then the newest cached module is used, if any).
async function readManifest() {
  let res;
  try {
    res = await fetch("hiwl.json", { cache: "no-cache" });
  } catch {
    return undefined;
  }
  if (!res.ok) return null;
  try {
    const m = await res.json();
    return m && typeof m.version === "string" ? m : null;
  } catch {
    return null;
  }
}

// openCache returns the Cache API store, or null where there is none
// (insecure origins, some private modes) or it refuses to open.
async function openCache() {
  if (typeof caches === "undefined") return null;
  try {
    return await caches.open(cacheName);
  } catch {
    return null;
  }
}

async function newestEntry(cache) {
  const keys = (await cache.keys()).filter((r) => sameModule(r.url));
  return keys.length ? cache.match(keys[keys.length - 1]) : null;
}

// sameModule reports whether a cache key is a version of this folder's
// hiwl.wasm (sites may host several copies under different paths).
function sameModule(url) {
  const u = new URL(url);
  return u.origin === wasmURL.origin && u.pathname === wasmURL.pathname;
}

async function fetchModule() {
  const res = await fetch(wasmURL);
  if (!res.ok) {
    throw new Error(`could not download hiwl.wasm (HTTP ${res.status})`);
  }
  return res;
}

// newGo is wasm_exec.js's Go with the collector off (GOGC=off) while Go
// initialises its packages and loads the model: in js/wasm a collection is
// marked by the allocating code itself, in code V8 has not optimised yet,
// and those collections were about a tenth of Go's start in Node
// (wasm/test/coldstart.mjs). main turns Go's default back on once the model
// is loaded.
function newGo() {
  const g = new Go();
  g.env = { GOGC: "off" };
  return g;
}

// instantiate compiles res while it streams in, reporting bytes as they
// arrive, and (for a download) stores the module in the cache under key.
async function instantiate(res, manifest, source, cache, key) {
  postMessage({ type: "progress", stage: "download", loaded: 0, total: 0, source });
  if (source === "cache" && WebAssembly.instantiateStreaming) {
    // The stored Response itself, not a stream of its bytes: a browser that
    // keeps compiled code beside a cache entry can use it only for a real
    // Response. (The headless Chromium of the tests never does, for this
    // entry, the HTTP cache or the main thread alike: V8's compile trace
    // shows every visit compiling the same functions again; wasm/README.md.)
    // Reading from disk needs no progress bar.
    go = newGo();
    const count = { count: Number(res.headers.get("Content-Length")) || (manifest && manifest.wasm && manifest.wasm.bytes) || 0, downloaded: 0 };
    const { instance } = await WebAssembly.instantiateStreaming(res, go.importObject);
    count.downloaded = performance.now();
    postMessage({ type: "progress", stage: "download", loaded: count.count, total: count.count, source });
    postMessage({ type: "progress", stage: "compile" });
    return { instance, bytes: count };
  }
  const encoding = res.headers.get("Content-Encoding");
  const length = Number(res.headers.get("Content-Length")) || 0;
  // Bytes arrive decoded: with Content-Encoding, Content-Length is the
  // compressed size, and only the manifest knows the module's.
  const total = (manifest && manifest.wasm && manifest.wasm.bytes) || (encoding && encoding !== "identity" ? 0 : length);
  const count = { count: 0, downloaded: 0 };
  const tee = res.body ? res.body.tee() : null;
  let body = tee ? tee[0] : null;
  let stored = Promise.resolve();
  if (tee && cache && key && source === "network") {
    const headers = { "Content-Type": "application/wasm" };
    if (total) headers["Content-Length"] = String(total);
    stored = cache.put(key, new Response(tee[1], { headers }))
      .then(() => dropOlder(cache, key))
      // A full disk or quota only costs the next visit its cache.
      .catch(() => {});
  } else if (tee) {
    tee[1].cancel().catch(() => {});
  }
  if (!body) body = new Response(await res.arrayBuffer()).body;
  const counted = body.pipeThrough(progress(total, source, count));
  go = newGo();
  // The stream is wrapped in a Response of our own, typed application/wasm,
  // so a host that serves .wasm with another Content-Type still works.
  const streamed = new Response(counted, { headers: { "Content-Type": "application/wasm" } });
  let instance;
  try {
    if (WebAssembly.instantiateStreaming) {
      ({ instance } = await WebAssembly.instantiateStreaming(streamed, go.importObject));
    } else {
      ({ instance } = await WebAssembly.instantiate(await streamed.arrayBuffer(), go.importObject));
    }
  } catch (err) {
    // What did not compile must not be found in the cache next time.
    if (source === "network" && cache && key) await stored.then(() => cache.delete(key)).catch(() => {});
    throw err;
  }
  await stored;
  return { instance, bytes: count };
}

// progress passes chunks through, posting about one message per 1% (or
// 4 MB when the size is unknown), then a last one with the true total, and
// then the compile stage (compilation overlaps the download; what remains
// after the last byte is what "compile" covers).
function progress(total, source, count) {
  let reported = 0;
  return new TransformStream({
    transform(chunk, controller) {
      count.count += chunk.byteLength;
      if (count.count - reported >= Math.max(total, 1 << 22) / 100) {
        postMessage({ type: "progress", stage: "download", loaded: count.count, total, source });
        reported = count.count;
      }
      controller.enqueue(chunk);
    },
    flush() {
      count.downloaded = performance.now();
      postMessage({ type: "progress", stage: "download", loaded: count.count, total: count.count, source });
      postMessage({ type: "progress", stage: "compile" });
    },
  });
}

// dropOlder deletes the cached modules of other versions of this folder's
// hiwl.wasm once the new one is stored.
async function dropOlder(cache, key) {
  for (const r of await cache.keys()) {
    if (r.url !== key && sameModule(r.url)) await cache.delete(r);
  }
}

onmessage = async (e) => {
  const msg = e.data;
  if (!msg || msg.type !== "classify") return;
  const { id } = msg;
  let api;
  try {
    ({ api } = await ready);
  } catch (err) {
    postMessage({ type: "error", id, code: "load_failed", message: "The classifier could not be loaded.", detail: String(err.message || err) });
    return;
  }
  if (go.exited) {
    postMessage({ type: "error", id, code: "crashed", message: "The classifier stopped working; it will restart.", detail: "Go program has exited" });
    return;
  }
  let text;
  const t0 = performance.now();
  try {
    text = api.classify(new Uint8Array(msg.buffer));
  } catch (err) {
    // Only a runtime failure Go could not recover from (a wasm trap, out of
    // memory) gets here; the module is unusable afterwards.
    go.exited = true;
    postMessage({ type: "error", id, code: "crashed", message: "The classifier stopped working; it will restart.", detail: String(err && err.message || err) });
    return;
  }
  const elapsed = performance.now() - t0;
  const answer = JSON.parse(text);
  if (answer.error) {
    postMessage({ type: "error", id, code: answer.code, message: answer.error, detail: answer.detail });
    return;
  }
  if (msg.cam === false) {
    delete answer.cam;
    delete answer.cams;
  }
  answer.elapsed_ms = elapsed;
  postMessage({ type: "result", id, result: answer });
};
