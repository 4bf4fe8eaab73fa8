// hiwl_node.mjs runs hiwl's wasm module (wasm/static/hiwl.wasm, built by
// `make wasm-build`) in Node with Go's wasm_exec.js, calling the same
// globalThis.hiwl.classify the page uses, on the manifest's image files;
// with --tensor, classifyTensor on the preprocessed tensors instead
// (inference only, as onnxruntime is measured).
//
//   node hiwl_node.mjs --manifest M --out R [--tensor]
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { args, peakRSSkB, run } from "./node_lib.mjs";
import { hiwlInfer, hiwlTensorInfer, measure, tensorsFrom } from "./measure.mjs";

const { manifest: m, out } = args();

// startGo instantiates a Go js/wasm module and waits until its main has
// published globalThis.hiwl (main then blocks, keeping classify alive).
async function startGo(dir) {
  await import(pathToFileURL(join(dir, "wasm_exec.js")).href);
  const go = new globalThis.Go();
  const { instance } = await WebAssembly.instantiate(readFileSync(join(dir, "hiwl.wasm")), go.importObject);
  let exited = false;
  go.run(instance).then(() => { exited = true; });
  for (let i = 0; !globalThis.hiwl; i++) {
    if (exited || i > 6000) throw new Error("hiwl.wasm did not publish globalThis.hiwl");
    await new Promise((r) => setTimeout(r, 5));
  }
  if (globalThis.hiwl.loadError) throw new Error(`hiwl.wasm: ${globalThis.hiwl.loadError}`);
  return globalThis.hiwl;
}

const tensor = process.argv.includes("--tensor");

await run(out, async () => {
  let inputs = m.images.map((f) => new Uint8Array(readFileSync(f)));
  if (tensor) {
    const buf = readFileSync(m.tensors);
    inputs = tensorsFrom(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length), m.images.length, m.input_size);
  }
  const r = await measure(m, inputs, () => startGo(join(m.root, "wasm", "static")), tensor ? hiwlTensorInfer : hiwlInfer);
  return { ...r, peak_rss_kb: peakRSSkB(), info: { node: process.version } };
});
