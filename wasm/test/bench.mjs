// bench.mjs measures the in-browser classifier in headless Chromium and
// writes out/bench/wasm.json:
//   - hiwl.wasm size, raw and gzipped;
//   - time to first result: a fresh browser context (empty cache) opens the
//     page, the worker downloads, compiles and starts the module and its
//     model, and an example is classified (median of several cold loads);
//   - per-image latency: classify() round trips through hiwl.js on a loaded
//     page (median and p90 over 20 runs), and the worker's own time.
// The server is on loopback, so download time here is not a network's.
//
//   make bench-wasm      (or: make wasm-build && node wasm/test/bench.mjs)
import { readFileSync } from "node:fs";
import { cpus } from "node:os";
import { join } from "node:path";
import { gzipSync, constants } from "node:zlib";
import { launch, root, startServer, writeAtomic } from "./harness.mjs";

const coldLoads = Number(process.env.WASM_BENCH_LOADS || 5);
const runs = Number(process.env.WASM_BENCH_RUNS || 20);
const examples = ["109132.jpg", "170676.jpg", "105757.jpg", "133542.jpg"];

const median = (xs) => quantile(xs, 0.5);
function quantile(xs, q) {
  const s = [...xs].sort((a, b) => a - b);
  const i = (s.length - 1) * q;
  const lo = Math.floor(i);
  return s[lo] + (s[Math.min(lo + 1, s.length - 1)] - s[lo]) * (i - lo);
}
const summary = (xs) => ({
  n: xs.length,
  median: round(median(xs)),
  p90: round(quantile(xs, 0.9)),
  min: round(Math.min(...xs)),
  max: round(Math.max(...xs)),
});
const round = (x) => Math.round(x * 10) / 10;

const wasm = readFileSync(join(root, "wasm/static/hiwl.wasm"));
const size = {
  raw_bytes: wasm.length,
  gzip_bytes: gzipSync(wasm).length, // level 6, what servers typically use
  gzip9_bytes: gzipSync(wasm, { level: constants.Z_BEST_COMPRESSION }).length,
};
console.log(`hiwl.wasm: ${(size.raw_bytes / 1e6).toFixed(2)} MB raw, ${(size.gzip_bytes / 1e6).toFixed(2)} MB gzip -6, ${(size.gzip9_bytes / 1e6).toFixed(2)} MB gzip -9`);

const server = await startServer();
const browser = await launch();
try {
  // Cold loads: each in a new context, so nothing is cached.
  const loads = [];
  for (let i = 0; i < coldLoads; i++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    page.setDefaultTimeout(120_000);
    const t0 = performance.now();
    await page.goto(server.url);
    await page.waitForSelector('#load[data-state="ready"]');
    const ready = performance.now() - t0;
    await page.click(`[data-example="examples/${examples[0]}"]`);
    await page.waitForSelector(`#result[data-source="${examples[0]}"]:not([hidden])`);
    const first = performance.now() - t0;
    const t = JSON.parse(await page.getAttribute("#load", "data-timings"));
    loads.push({
      ready_ms: round(ready),
      first_result_ms: round(first),
      worker_download_ms: round(t.download_ms),
      worker_compile_ms: round(t.compile_ms),
      worker_model_ms: round(t.model_ms),
    });
    console.log(`cold load ${i + 1}: ready ${ready.toFixed(0)} ms (worker: download ${t.download_ms.toFixed(0)}, ` +
      `compile ${t.compile_ms.toFixed(0)}, model ${t.model_ms.toFixed(0)} ms), first result ${first.toFixed(0)} ms`);
    await context.close();
  }

  // Latency on a loaded page, through the public API.
  const context = await browser.newContext();
  const page = await context.newPage();
  page.setDefaultTimeout(120_000);
  await page.goto(server.url);
  await page.waitForSelector('#load[data-state="ready"]');
  const samples = await page.evaluate(async ({ examples, runs }) => {
    const { classify } = await import("./hiwl.js");
    const blobs = await Promise.all(examples.map(async (e) => (await fetch(`examples/${e}`)).blob()));
    await classify(blobs[0]); // warm-up, not counted
    // The longest wait of a 10 ms timer while classifying shows whether the
    // page stays responsive (inference runs in the worker).
    let last = performance.now();
    let longestGap = 0;
    const timer = setInterval(() => {
      const now = performance.now();
      longestGap = Math.max(longestGap, now - last);
      last = now;
    }, 10);
    const out = [];
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      const r = await classify(blobs[i % blobs.length]);
      out.push({ round_trip_ms: performance.now() - t0, worker_ms: r.elapsed_ms });
    }
    clearInterval(timer);
    return { out, longestGap };
  }, { examples, runs });
  await context.close();

  const result = {
    what: "hiwl in-browser classifier (wasm/), headless Chromium",
    date: new Date().toISOString(),
    browser: `Chromium ${browser.version()}`,
    cpu: `${cpus()[0]?.model} x${cpus().length}`,
    wasm: size,
    time_to_first_result: {
      cold_loads: loads.length,
      ready_ms: summary(loads.map((l) => l.ready_ms)),
      worker_download_ms: summary(loads.map((l) => l.worker_download_ms)),
      worker_compile_ms: summary(loads.map((l) => l.worker_compile_ms)),
      worker_model_ms: summary(loads.map((l) => l.worker_model_ms)),
      first_result_ms: summary(loads.map((l) => l.first_result_ms)),
      runs: loads,
    },
    per_image_latency: {
      images: examples,
      round_trip_ms: summary(samples.out.map((s) => s.round_trip_ms)),
      worker_ms: summary(samples.out.map((s) => s.worker_ms)),
      main_thread_longest_timer_gap_ms: round(samples.longestGap),
    },
  };
  const out = join(root, "out/bench/wasm.json");
  writeAtomic(out, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`time to first result: median ${result.time_to_first_result.first_result_ms.median} ms (ready ${result.time_to_first_result.ready_ms.median} ms)`);
  const lat = result.per_image_latency;
  console.log(`per-image latency: median ${lat.round_trip_ms.median} ms, p90 ${lat.round_trip_ms.p90} ms ` +
    `(worker ${lat.worker_ms.median} ms); longest 10 ms timer gap on the page meanwhile ${lat.main_thread_longest_timer_gap_ms} ms`);
  console.log(`wrote ${out}`);
} finally {
  await browser.close();
  await server.close();
}
