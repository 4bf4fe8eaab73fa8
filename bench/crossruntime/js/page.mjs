// page.mjs runs in headless Chromium (served by chromium.mjs) and measures
// one runtime on the page's main thread, where a page calling it directly
// would run it:
//
//   "ort-web"    onnxruntime-web, wasm backend, one thread, on the
//                preprocessed tensors;
//   "hiwl-wasm"  hiwl.wasm (Go js/wasm, model embedded) on the image bytes;
//   "hiwl-wasm-tensor"  hiwl.wasm's classifyTensor on the preprocessed
//                tensors (inference only, like onnxruntime-web).
//
// Inputs are fetched before the clock starts; the module, the model and
// the first inference are inside the cold start.
import { hiwlInfer, hiwlTensorInfer, measure, ortInfer, ortSessionOptions, tensorsFrom } from "./measure.mjs";

const bytesOf = async (url) => {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`${url}: HTTP ${r.status}`);
  return r.arrayBuffer();
};

export async function bench(kind, m) {
  if (kind === "ort-web") {
    const inputs = tensorsFrom(await bytesOf("/work/tensors.bin"), m.count, m.input_size);
    let ort;
    return measure(m, inputs, async () => {
      ort = await import("/ort/ort.wasm.min.mjs");
      ort.env.wasm.numThreads = 1;
      ort.env.wasm.proxy = false;
      ort.env.wasm.wasmPaths = `${location.origin}/ort/`;
      const model = new Uint8Array(await bytesOf("/work/model.onnx"));
      return ort.InferenceSession.create(model, { ...ortSessionOptions, executionProviders: ["wasm"] });
    }, (session, x) => ortInfer(ort, session, x, m.input_size));
  }
  if (kind === "hiwl-wasm") {
    const inputs = await Promise.all(
      Array.from({ length: m.count }, async (_, i) => new Uint8Array(await bytesOf(`/img/${i}`))));
    return measure(m, inputs, startGo, hiwlInfer);
  }
  if (kind === "hiwl-wasm-tensor") {
    const inputs = tensorsFrom(await bytesOf("/work/tensors.bin"), m.count, m.input_size);
    return measure(m, inputs, startGo, hiwlTensorInfer);
  }
  throw new Error(`unknown runtime ${kind}`);
}

async function startGo() {
  await new Promise((resolve, reject) => {
    const s = document.createElement("script");
    s.src = "/hiwl/wasm_exec.js";
    s.onload = resolve;
    s.onerror = () => reject(new Error("wasm_exec.js did not load"));
    document.head.append(s);
  });
  const go = new globalThis.Go();
  const { instance } = await WebAssembly.instantiateStreaming(fetch("/hiwl/hiwl.wasm"), go.importObject);
  let exited = false;
  go.run(instance).then(() => { exited = true; });
  for (let i = 0; !globalThis.hiwl; i++) {
    if (exited || i > 6000) throw new Error("hiwl.wasm did not publish globalThis.hiwl");
    await new Promise((r) => setTimeout(r, 5));
  }
  if (globalThis.hiwl.loadError) throw new Error(`hiwl.wasm: ${globalThis.hiwl.loadError}`);
  return globalThis.hiwl;
}
