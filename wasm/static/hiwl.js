// hiwl.js is the public JavaScript API of hiwl's in-browser galaxy
// classifier. It runs the Go/WebAssembly module in a Web Worker (worker.js
// in the same folder); images never leave the browser. Its shape follows
// onnxruntime-web's InferenceSession.create / run / release:
//
//   import * as hiwl from "./hiwl.js";
//   const clf = await hiwl.create({ onProgress: (p) => console.log(p.stage, p.fraction) });
//   const result = await clf.classify(fileOrBlobOrBytes, { cam: true });
//   console.log(result.label, result.probabilities);
//   clf.dispose();
//
// Types are in hiwl.d.ts; wasm/README.md describes the result's fields.

/** ClassifyError is how every call rejects; code is stable for programs. */
export class ClassifyError extends Error {
  constructor(code, message, detail = "") {
    super(message);
    this.name = "ClassifyError";
    // empty, not_image, corrupt, too_large, too_small, file_too_large,
    // bad_input, load_failed, crashed, disposed, internal
    this.code = code;
    this.detail = detail;
  }
}

// The worker refuses bigger files too; checking here saves the copy.
const maxFileBytes = 32 << 20;

const here = new URL(".", import.meta.url);

// folderURL resolves base (a folder holding worker.js, hiwl.wasm, ...) to a
// URL that ends in a slash, so "worker.js" resolves inside it.
function folderURL(base) {
  if (base == null || base === "") return here;
  const u = new URL(String(base), globalThis.location ? globalThis.location.href : here);
  if (!u.pathname.endsWith("/")) u.pathname += "/";
  return u;
}

/**
 * create starts a classifier and resolves with it once its module and model
 * are loaded, or rejects with a ClassifyError (code "load_failed").
 *   base:       the folder with worker.js and hiwl.wasm (default: this module's)
 *   onProgress: called with {stage, loaded, total, fraction, source}
 */
export async function create({ base, onProgress } = {}) {
  const c = new Classifier({ base, onProgress });
  try {
    await c.ready;
  } catch (err) {
    c.dispose();
    throw err;
  }
  return c;
}

/**
 * Classifier owns one worker. create() is the usual way to get one; the
 * constructor returns at once and `ready` settles when it can answer.
 */
export class Classifier {
  #worker = null;
  #workerURL;
  #pending = new Map(); // id -> {resolve, reject}
  #nextId = 1;
  #listeners = new Set();
  #broken = false; // the worker failed to load or crashed: start a new one on next use
  #disposed = false;
  #settle = null;

  /** ready resolves with {info, timings} once the module and model are loaded. */
  ready;
  /** info is the module's description (model_version, classes, ...) once ready. */
  info = null;
  /** timings is how the last load went (download_ms, source, ...) once ready. */
  timings = null;

  constructor({ base, onProgress } = {}) {
    if (onProgress) this.#listeners.add(onProgress);
    try {
      this.#workerURL = new URL("worker.js", folderURL(base));
    } catch (err) {
      this.#workerURL = null;
      this.#startFailed(new ClassifyError("bad_input", `base ${JSON.stringify(String(base))} is not a URL.`, String(err)));
      return;
    }
    this.#start();
  }

  /** onProgress adds a listener for load progress; it returns a remover. */
  onProgress(fn) {
    this.#listeners.add(fn);
    return () => this.#listeners.delete(fn);
  }

  /**
   * classify resolves with the result for an image given as a Blob, File,
   * ArrayBuffer or typed array, or rejects with a ClassifyError. Calls are
   * answered in order. With {cam: false} the attention maps are left out.
   */
  async classify(input, { cam = true } = {}) {
    if (this.#disposed) throw new ClassifyError("disposed", "This classifier was disposed; create a new one.");
    const buffer = await toArrayBuffer(input);
    if (buffer.byteLength > maxFileBytes) {
      throw new ClassifyError("file_too_large", `The file is larger than ${maxFileBytes >> 20} MB.`, `${buffer.byteLength} bytes`);
    }
    if (this.#broken && this.#workerURL) this.#start();
    await this.ready;
    if (this.#disposed) throw new ClassifyError("disposed", "This classifier was disposed; create a new one.");
    return new Promise((resolve, reject) => {
      const id = this.#nextId++;
      this.#pending.set(id, { resolve, reject });
      this.#worker.postMessage({ type: "classify", id, buffer, cam: cam !== false }, [buffer]);
    });
  }

  /** dispose stops the worker for good; pending and later calls reject with code "disposed". */
  dispose() {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#stop(new ClassifyError("disposed", "This classifier was disposed; create a new one."));
    this.#listeners.clear();
  }

  /** terminate stops the worker; pending calls reject, a later classify starts a new one. */
  terminate() {
    this.#stop(new ClassifyError("crashed", "The classifier was stopped."));
  }

  #start() {
    this.#broken = false;
    this.ready = new Promise((resolve, reject) => {
      this.#settle = { resolve, reject };
    });
    // Callers see a load failure through classify or create; this keeps an
    // unobserved ready from being reported as an unhandled rejection.
    this.ready.catch(() => {});
    try {
      this.#worker = new Worker(this.#workerURL);
    } catch (err) {
      // A cross-origin base, or a page whose policy forbids workers.
      this.#worker = null;
      this.#fail(new ClassifyError("load_failed", "The classifier could not be started.", String(err && err.message || err)));
      return;
    }
    this.#emit({ stage: "download", loaded: 0, total: 0, fraction: 0, source: null });
    this.#worker.onmessage = (e) => this.#receive(e.data);
    let loaded = false;
    this.ready.then(() => { loaded = true; }, () => {});
    this.#worker.onerror = (e) => {
      e.preventDefault();
      this.#fail(loaded
        ? new ClassifyError("crashed", "The classifier stopped working; it will restart.", e.message || "worker error")
        : new ClassifyError("load_failed", "The classifier could not be loaded.", e.message || "worker error"));
    };
  }

  #startFailed(err) {
    this.ready = Promise.reject(err);
    this.ready.catch(() => {});
    this.#broken = true;
  }

  #receive(msg) {
    switch (msg.type) {
      case "progress": {
        const fraction = msg.stage === "download" ? (msg.total ? Math.min(1, msg.loaded / msg.total) : null) : 1;
        this.#emit({ stage: msg.stage, loaded: msg.loaded ?? 0, total: msg.total ?? 0, fraction, source: msg.source ?? null });
        break;
      }
      case "ready":
        this.info = msg.info;
        this.timings = msg.timings;
        this.#emit({ stage: "ready", fraction: 1, info: msg.info, timings: msg.timings });
        this.#settle.resolve({ info: msg.info, timings: msg.timings });
        break;
      case "load-error":
        this.#fail(new ClassifyError("load_failed", "The classifier could not be loaded.", msg.message));
        break;
      case "result":
      case "error": {
        const p = this.#pending.get(msg.id);
        if (!p) return;
        this.#pending.delete(msg.id);
        if (msg.type === "result") {
          p.resolve(msg.result);
          return;
        }
        p.reject(new ClassifyError(msg.code, msg.message, msg.detail));
        if (msg.code === "crashed") this.#fail(new ClassifyError(msg.code, msg.message, msg.detail));
        break;
      }
    }
  }

  // fail ends a worker that failed, and tells the progress listeners.
  #fail(err) {
    this.#stop(err);
    this.#emit({ stage: "error", fraction: null, error: err });
  }

  // stop ends this worker: everything waiting on it rejects, and the next
  // classify starts a fresh one.
  #stop(err) {
    this.#worker?.terminate();
    this.#broken = true;
    this.#settle?.reject(err);
    for (const p of this.#pending.values()) p.reject(err);
    this.#pending.clear();
  }

  #emit(progress) {
    for (const fn of this.#listeners) {
      try {
        fn(progress);
      } catch (err) {
        console.error("hiwl: progress listener failed:", err);
      }
    }
  }
}

async function toArrayBuffer(input) {
  if (input instanceof Blob) {
    if (input.size > maxFileBytes) {
      throw new ClassifyError("file_too_large", `The file is larger than ${maxFileBytes >> 20} MB.`, `${input.size} bytes`);
    }
    try {
      return await input.arrayBuffer();
    } catch (err) {
      // A file deleted or changed on disk since it was picked.
      throw new ClassifyError("bad_input", "The file could not be read.", String(err && err.message || err));
    }
  }
  // Copies, because the buffer is transferred to the worker and the caller
  // keeps theirs.
  if (input instanceof ArrayBuffer) return input.slice(0);
  if (ArrayBuffer.isView(input)) {
    return input.buffer.slice(input.byteOffset, input.byteOffset + input.byteLength);
  }
  throw new ClassifyError("bad_input", "classify takes a Blob, File, ArrayBuffer or typed array.");
}

// The module-level load() and classify() of the first version of this API
// share one classifier; new code should use create().
let shared = null;

/** load starts the shared classifier (if not yet started) and returns it. */
export function load({ onProgress } = {}) {
  if (!shared) {
    shared = new Classifier({ onProgress });
  } else if (onProgress) {
    shared.onProgress(onProgress);
  }
  return shared;
}

/** classify classifies one image with the shared classifier. */
export function classify(input, options) {
  return load().classify(input, options);
}

export default { create, Classifier, ClassifyError, load, classify };
