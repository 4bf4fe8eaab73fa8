// hiwl.js is the public JavaScript API of hiwl's in-browser galaxy
// classifier. It runs the Go/WebAssembly module in a Web Worker (worker.js
// next to this file); images never leave the browser.
//
//   import { classify, load } from "./hiwl.js";
//   load({ onProgress: (p) => console.log(p.stage, p.fraction) });
//   const result = await classify(fileOrBlob);
//   console.log(result.label, result.probabilities);
//
// See wasm/README.md for the result's fields.

const workerURL = new URL("./worker.js", import.meta.url);

/** ClassifyError is how classify rejects; code is stable for programs. */
export class ClassifyError extends Error {
  constructor(code, message, detail = "") {
    super(message);
    this.name = "ClassifyError";
    this.code = code; // empty, not_image, corrupt, too_large, too_small, file_too_large, bad_input, load_failed, crashed, internal
    this.detail = detail;
  }
}

// The worker refuses bigger files too; checking here saves the copy.
const maxFileBytes = 32 << 20;

/**
 * Classifier owns one worker. Most sites need only the module-level
 * classify() and load(), which share one Classifier.
 */
export class Classifier {
  #worker = null;
  #pending = new Map(); // id -> {resolve, reject}
  #nextId = 1;
  #listeners = new Set();
  #broken = false; // the worker failed to load or crashed: start a new one on next use
  #settle = null;

  /** ready resolves with {info, timings} once the module and model are loaded. */
  ready;

  constructor({ onProgress } = {}) {
    if (onProgress) this.#listeners.add(onProgress);
    this.#start();
  }

  /** onProgress adds a listener for load progress; it returns a remover. */
  onProgress(fn) {
    this.#listeners.add(fn);
    return () => this.#listeners.delete(fn);
  }

  /**
   * classify resolves with the result for an image given as a Blob, File,
   * ArrayBuffer or typed array, or rejects with a ClassifyError.
   */
  async classify(input) {
    const buffer = await toArrayBuffer(input);
    if (buffer.byteLength > maxFileBytes) {
      throw new ClassifyError("file_too_large", `The file is larger than ${maxFileBytes >> 20} MB.`, `${buffer.byteLength} bytes`);
    }
    if (this.#broken) this.#start();
    await this.ready;
    return new Promise((resolve, reject) => {
      const id = this.#nextId++;
      this.#pending.set(id, { resolve, reject });
      this.#worker.postMessage({ type: "classify", id, buffer }, [buffer]);
    });
  }

  /** terminate stops the worker; pending calls reject, a later classify starts a new one. */
  terminate() {
    this.#stop(new ClassifyError("crashed", "The classifier was stopped."));
  }

  #start() {
    this.#broken = false;
    this.#worker = new Worker(workerURL);
    this.ready = new Promise((resolve, reject) => {
      this.#settle = { resolve, reject };
    });
    // Callers see a load failure through classify; this keeps an unobserved
    // ready from being reported as an unhandled rejection.
    this.ready.catch(() => {});
    this.#emit({ stage: "download", loaded: 0, total: 0, fraction: 0 });
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

  #receive(msg) {
    switch (msg.type) {
      case "progress": {
        const fraction = msg.stage === "download" ? (msg.total ? Math.min(1, msg.loaded / msg.total) : null) : 1;
        this.#emit({ stage: msg.stage, loaded: msg.loaded ?? 0, total: msg.total ?? 0, fraction });
        break;
      }
      case "ready":
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
    this.#worker.terminate();
    this.#broken = true;
    this.#settle.reject(err);
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
  if (input instanceof Blob) return input.arrayBuffer();
  // Copies, because the buffer is transferred to the worker and the caller
  // keeps theirs.
  if (input instanceof ArrayBuffer) return input.slice(0);
  if (ArrayBuffer.isView(input)) {
    return input.buffer.slice(input.byteOffset, input.byteOffset + input.byteLength);
  }
  throw new ClassifyError("bad_input", "classify takes a Blob, File, ArrayBuffer or typed array.");
}

let shared = null;

/**
 * load starts loading the shared classifier (if not yet started) and returns
 * it; await load().ready to know when it can answer.
 */
export function load({ onProgress } = {}) {
  if (!shared) {
    shared = new Classifier({ onProgress });
  } else if (onProgress) {
    shared.onProgress(onProgress);
  }
  return shared;
}

/** classify classifies one image with the shared classifier. */
export function classify(input) {
  return load().classify(input);
}
