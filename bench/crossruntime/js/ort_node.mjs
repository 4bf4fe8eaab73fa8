// ort_node.mjs runs the reference, onnxruntime, in Node on the manifest's
// model and preprocessed tensors:
//
//   node ort_node.mjs --backend node --manifest M --out R   onnxruntime-node (native CPU library)
//   node ort_node.mjs --backend web  --manifest M --out R   onnxruntime-web (wasm, one thread)
//
// Both use one thread so they compare with hiwl's single-threaded runtimes.
import { readFileSync } from "node:fs";
import { args, peakRSSkB, run } from "./node_lib.mjs";
import { measure, ortInfer, ortSessionOptions, tensorsFrom } from "./measure.mjs";

// onnxruntime-node 1.30's native library keeps a telemetry device id and an
// event cache under ~/.cache/Microsoft/DeveloperTools/.onnxruntime and
// uploads them; ORT_DISABLE_TELEMETRY=1, set before the library loads (the
// import below), turns all of it off (microsoft/onnxruntime#27379).
// TestParity checks that no such file appears.
process.env.ORT_DISABLE_TELEMETRY = "1";

const { manifest: m, out } = args();
const backend = process.argv[process.argv.indexOf("--backend") + 1];
if (backend !== "node" && backend !== "web") throw new Error("--backend node|web");

await run(out, async () => {
  const buf = readFileSync(m.tensors);
  const inputs = tensorsFrom(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length), m.images.length, m.input_size);
  let ort;
  const r = await measure(m, inputs, async () => {
    // The module load is part of the cold start.
    ort = backend === "node" ? await import("onnxruntime-node") : await import("onnxruntime-web");
    const opts = { ...ortSessionOptions };
    if (backend === "web") {
      ort.env.wasm.numThreads = 1;
      opts.executionProviders = ["wasm"];
    } else {
      opts.executionProviders = ["cpu"];
    }
    return ort.InferenceSession.create(new Uint8Array(readFileSync(m.model)), opts);
  }, (session, x) => ortInfer(ort, session, x, m.input_size));
  return {
    ...r,
    peak_rss_kb: peakRSSkB(),
    info: { ort_version: ort.env.versions?.common ?? "", node: process.version },
  };
});
