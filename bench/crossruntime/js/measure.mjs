// measure.mjs: the one measuring protocol of every JavaScript-hosted
// runtime, in Node and in the browser (no Node APIs here).
//
//   cold start  load() (module + model) and the first inference, timed
//               together from before the module is touched;
//   warm-up     at least `warmup` inferences and at least `warmup_ms` of
//               them (at most 500), not counted: V8 first runs wasm
//               through its baseline compiler and optimises hot functions
//               later, so a few runs would time the baseline code;
//   latency     `runs` inferences cycling through the inputs, each timed.
//
// infer(handle, input) must return {a, b} (the two networks' probabilities)
// or {result} (a model.Result answer of hiwl's own runtimes).
export async function measure({ warmup, warmup_ms: warmupMs = 0, runs }, inputs, load, infer) {
  const t0 = performance.now();
  const handle = await load();
  const loadMs = performance.now() - t0;
  const first = await infer(handle, inputs[0]);
  const coldMs = performance.now() - t0;
  const tw = performance.now();
  let warm = 0;
  while (warm < warmup || (runs > 0 && warm < 500 && performance.now() - tw < warmupMs)) {
    await infer(handle, inputs[warm++ % inputs.length]);
  }
  const latency = [];
  const cpu = [];
  // process.cpuUsage exists in Node: the CPU time of each run, which a
  // loaded machine inflates far less than wall time.
  const usage = globalThis.process?.cpuUsage?.bind(globalThis.process);
  const outputs = new Array(inputs.length).fill(null);
  outputs[0] = first;
  for (let i = 0; i < runs; i++) {
    const k = i % inputs.length;
    const u = usage?.();
    const t = performance.now();
    const out = await infer(handle, inputs[k]);
    latency.push(performance.now() - t);
    if (u) {
      const d = usage(u);
      cpu.push((d.user + d.system) / 1000);
    }
    // The timed pass gives the compared outputs (the first call may differ
    // only if a runtime keeps state between runs, which parity would show).
    if (i < inputs.length) outputs[k] = out;
  }
  return { cold_ms: [coldMs], load_ms: loadMs, latency_ms: latency, cpu_ms: cpu, outputs, warmup_runs: warm };
}

// tensorsFrom splits the little-endian float32 file of preprocessed inputs
// (what Go's model.Preprocess made) into one Float32Array per image.
export function tensorsFrom(buffer, count, size) {
  const n = 3 * size * size;
  if (buffer.byteLength !== count * n * 4) {
    throw new Error(`tensor file has ${buffer.byteLength} bytes, want ${count * n * 4}`);
  }
  const all = new Float32Array(buffer);
  return Array.from({ length: count }, (_, i) => all.slice(i * n, (i + 1) * n));
}

// ortSessionOptions: one thread, sequential, full graph optimisation (the
// onnxruntime default): the single-core reference.
export const ortSessionOptions = {
  intraOpNumThreads: 1,
  interOpNumThreads: 1,
  executionMode: "sequential",
  graphOptimizationLevel: "all",
};

// ortInfer runs one tensor through an onnxruntime session (node or web).
export async function ortInfer(ort, session, x, size) {
  const r = await session.run({ image: new ort.Tensor("float32", x, [1, 3, size, size]) });
  return { a: Array.from(r.prob_a.data), b: Array.from(r.prob_b.data) };
}

// hiwlInfer calls the wasm module's classify (a JSON string back) and keeps
// what is compared.
export function hiwlInfer(hiwl, bytes) {
  const answer = JSON.parse(hiwl.classify(bytes));
  if (answer.code) throw new Error(`hiwl.classify: ${answer.code}: ${answer.error} (${answer.detail})`);
  const { probabilities, hierarchy, model_version, label, class: cls } = answer;
  return { result: { label, class: cls, probabilities, hierarchy, model_version } };
}

// hiwlTensorInfer calls the wasm module's classifyTensor on a preprocessed
// tensor (inference only, no attention maps): the like-for-like comparison
// with onnxruntime-web.
export function hiwlTensorInfer(hiwl, x) {
  const answer = JSON.parse(hiwl.classifyTensor(x));
  if (answer.code) throw new Error(`hiwl.classifyTensor: ${answer.code}: ${answer.error} (${answer.detail})`);
  const { probabilities, hierarchy, model_version, label, class: cls } = answer;
  return { result: { label, class: cls, probabilities, hierarchy, model_version } };
}
