// worker.js runs hiwl.wasm in a Web Worker, so that the page stays
// responsive while the module loads and while a classification runs (both
// are plain CPU work inside Go). hiwl.js starts it; sites should use hiwl.js.
//
// Messages to the page:
//   {type: "progress", stage: "download", loaded, total}   total 0 = unknown
//   {type: "progress", stage: "compile"} / {stage: "model"}
//   {type: "ready", info, timings}
//   {type: "load-error", message}
//   {type: "result", id, result}
//   {type: "error", id, code, message, detail}
// Messages from the page:
//   {type: "classify", id, buffer}   buffer: the file's ArrayBuffer (transferred)
//
// Every URL is relative to this script, so the folder works from any static
// host and path.
"use strict";

importScripts("wasm_exec.js");

const started = performance.now();
let go = null;

const ready = load();
ready.then(
  ({ info, timings }) => postMessage({ type: "ready", info, timings }),
  (err) => postMessage({ type: "load-error", message: String(err && err.message || err) }),
);

async function load() {
  const res = await fetch("hiwl.wasm");
  if (!res.ok) {
    throw new Error(`could not download hiwl.wasm (HTTP ${res.status})`);
  }
  const bytes = await download(res);
  const downloaded = performance.now();

  postMessage({ type: "progress", stage: "compile" });
  go = new Go();
  // instantiate from bytes rather than instantiateStreaming: it works even
  // where a host serves .wasm with the wrong Content-Type, and the download
  // above is what carries the progress.
  const { instance } = await WebAssembly.instantiate(bytes, go.importObject);
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
  return {
    api,
    info: JSON.parse(api.info),
    timings: {
      download_ms: downloaded - started,
      compile_ms: compiled - downloaded,
      model_ms: loaded - compiled,
      total_ms: loaded - started,
      wasm_bytes: bytes.byteLength,
    },
  };
}

// download reads the body chunk by chunk to report progress. Content-Length
// is only a usable total when the body is not compressed in transit.
async function download(res) {
  const encoding = res.headers.get("Content-Encoding");
  const length = Number(res.headers.get("Content-Length")) || 0;
  const total = encoding && encoding !== "identity" ? 0 : length;
  if (!res.body) {
    return new Uint8Array(await res.arrayBuffer());
  }
  const reader = res.body.getReader();
  const chunks = [];
  let loaded = 0;
  let reported = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    loaded += value.byteLength;
    // A message per chunk would flood the page; one per 1% is plenty.
    if (loaded - reported >= Math.max(total, 1 << 22) / 100) {
      postMessage({ type: "progress", stage: "download", loaded, total });
      reported = loaded;
    }
  }
  postMessage({ type: "progress", stage: "download", loaded, total: total || loaded });
  const bytes = new Uint8Array(loaded);
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.byteLength;
  }
  return bytes;
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
  answer.elapsed_ms = elapsed;
  postMessage({ type: "result", id, result: answer });
};
