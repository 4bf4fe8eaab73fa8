// bench.mjs measures the in-browser classifier in headless Chromium and
// writes out/bench/wasm.json:
//   - hiwl.wasm size, raw and gzipped;
//   - time to first result and bytes sent, on a first visit (fresh browser
//     context: empty HTTP cache and Cache API) and on a second visit in the
//     same context (module from the Cache API): the page opens, the worker
//     gets, compiles and starts the module and its model, and an example is
//     classified (median of several rounds);
//   - per-image latency: classify() round trips through hiwl.js on a loaded
//     page (median and p90 over 20 runs), and the worker's own time.
// The server is on loopback, so download time here is not a network's.
//
//   make bench-wasm      (or: make wasm-build && node wasm/test/bench.mjs)
import { readFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { gzipSync, constants } from "node:zlib";
import { launch, root, startServer, writeAtomic } from "./harness.mjs";

const coldLoads = Number(process.env.WASM_BENCH_LOADS || 5);
const runs = Number(process.env.WASM_BENCH_RUNS || 20);
const examples = ["848953.jpg", "953804.jpg", "995423.jpg", "395316.jpg"];

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
const manifest = JSON.parse(readFileSync(join(root, "wasm/static/hiwl.json"), "utf8"));
const size = {
  raw_bytes: wasm.length,
  gzip_bytes: gzipSync(wasm).length, // level 6, what servers typically use
  gzip9_bytes: gzipSync(wasm, { level: constants.Z_BEST_COMPRESSION }).length,
  // The build's precompressed copies, which wasm/serve sends.
  served_br_bytes: manifest.wasm.br_bytes ?? null,
  served_gzip_bytes: manifest.wasm.gzip_bytes ?? null,
};
console.log(`hiwl.wasm: ${(size.raw_bytes / 1e6).toFixed(2)} MB raw, ${(size.gzip_bytes / 1e6).toFixed(2)} MB gzip -6, ${(size.gzip9_bytes / 1e6).toFixed(2)} MB gzip -9`);

const server = await startServer();
const browser = await launch();
try {
  // Each round is a new context (empty HTTP and Cache API storage): a first
  // visit, then a second one in the same context, as a visitor returning.
  // Bytes are the response bodies wasm/serve sent during the visit.
  const loads = [];
  const visit = async (context) => {
    const start = server.served().length;
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
    // The page's own clock starts at navigation: it leaves out the new tab
    // and the harness's round trips that the wall times above include.
    const pageStart = Number(await page.getAttribute("#load", "data-started-at"));
    const pageReady = Number(await page.getAttribute("#load", "data-ready-at"));
    const pageFirst = Number(await page.getAttribute("#result", "data-shown-at"));
    const pageAsked = Number(await page.getAttribute("#result", "data-asked-at"));
    const inference = Number(((await page.textContent("#meta")).match(/answered in (\d+) ms/) || [])[1]);
    await page.close();
    const sent = server.served().slice(start);
    const wasmSent = sent.filter((r) => /\/hiwl\.wasm/.test(r.path));
    return {
      ready_ms: round(ready),
      first_result_ms: round(first),
      navigation_to_script_ms: pageStart,
      navigation_to_ready_ms: pageReady,
      navigation_to_first_result_ms: pageFirst,
      // The harness clicks only after it has seen "ready", some time after
      // the page was: ready plus click-to-result is what a visitor who
      // clicks at once would wait.
      click_to_result_ms: pageFirst - pageAsked,
      navigation_to_result_if_clicked_at_ready_ms: pageReady + (pageFirst - pageAsked),
      worker_lookup_ms: round(t.lookup_ms),
      worker_download_ms: round(t.download_ms),
      worker_compile_ms: round(t.compile_ms),
      worker_model_ms: round(t.model_ms),
      worker_go_start_ms: round(t.go_start_ms),
      worker_model_load_ms: round(t.model_load_ms),
      first_inference_ms: inference, // the worker's time for the first image
      module_source: t.source,
      bytes_sent: sent.reduce((n, r) => n + r.bytes, 0),
      wasm_bytes_sent: wasmSent.reduce((n, r) => n + r.bytes, 0),
      wasm_encoding: wasmSent.map((r) => r.encoding).join(",") || null,
      requests: sent.length,
    };
  };
  for (let i = 0; i < coldLoads; i++) {
    const context = await browser.newContext();
    const first = await visit(context);
    const second = await visit(context);
    await context.close();
    loads.push({ first, second });
    for (const [what, v] of [["first", first], ["second", second]]) {
      console.log(`round ${i + 1}, ${what} visit: ready ${v.ready_ms} ms (module from ${v.module_source}: lookup ${v.worker_lookup_ms}, download ${v.worker_download_ms}, ` +
        `compile ${v.worker_compile_ms}, model ${v.worker_model_ms} ms: Go start ${v.worker_go_start_ms}, load ${v.worker_model_load_ms}), first result ${v.first_result_ms} ms ` +
        `(inference ${v.first_inference_ms} ms; page clock from navigation: script ${v.navigation_to_script_ms}, ready ${v.navigation_to_ready_ms}, ` +
        `result ${v.navigation_to_first_result_ms} ms, click to result ${v.click_to_result_ms} ms), ` +
        `${v.bytes_sent} bytes sent (module ${v.wasm_bytes_sent}, ${v.wasm_encoding || "not sent"}), ${v.requests} requests`);
    }
  }

  // Latency on a loaded page, through the public API.
  const context = await browser.newContext();
  const page = await context.newPage();
  page.setDefaultTimeout(120_000);
  await page.goto(server.url);
  await page.waitForSelector('#load[data-state="ready"]');
  const samples = await page.evaluate(async ({ examples, runs }) => {
    const hiwl = await import("./hiwl.js");
    const clf = await hiwl.create();
    const classify = (b) => clf.classify(b, { cam: true });
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
    load_average: loadavg().map(round), // other work on the machine makes every time here longer
    what: "hiwl in-browser classifier (wasm/), headless Chromium",
    date: new Date().toISOString(),
    browser: `Chromium ${browser.version()}`,
    cpu: `${cpus()[0]?.model} x${cpus().length}`,
    wasm: size,
    time_to_first_result: Object.fromEntries(["first", "second"].map((k) => [`${k}_visit`, {
      rounds: loads.length,
      ready_ms: summary(loads.map((l) => l[k].ready_ms)),
      worker_lookup_ms: summary(loads.map((l) => l[k].worker_lookup_ms)),
      worker_download_ms: summary(loads.map((l) => l[k].worker_download_ms)),
      worker_compile_ms: summary(loads.map((l) => l[k].worker_compile_ms)),
      worker_model_ms: summary(loads.map((l) => l[k].worker_model_ms)),
      worker_go_start_ms: summary(loads.map((l) => l[k].worker_go_start_ms)),
      worker_model_load_ms: summary(loads.map((l) => l[k].worker_model_load_ms)),
      first_inference_ms: summary(loads.map((l) => l[k].first_inference_ms)),
      first_result_ms: summary(loads.map((l) => l[k].first_result_ms)),
      navigation_to_script_ms: summary(loads.map((l) => l[k].navigation_to_script_ms)),
      navigation_to_ready_ms: summary(loads.map((l) => l[k].navigation_to_ready_ms)),
      navigation_to_first_result_ms: summary(loads.map((l) => l[k].navigation_to_first_result_ms)),
      click_to_result_ms: summary(loads.map((l) => l[k].click_to_result_ms)),
      navigation_to_result_if_clicked_at_ready_ms: summary(loads.map((l) => l[k].navigation_to_result_if_clicked_at_ready_ms)),
      bytes_sent: summary(loads.map((l) => l[k].bytes_sent)),
      wasm_bytes_sent: summary(loads.map((l) => l[k].wasm_bytes_sent)),
      runs: loads.map((l) => l[k]),
    }])),
    per_image_latency: {
      images: examples,
      round_trip_ms: summary(samples.out.map((s) => s.round_trip_ms)),
      worker_ms: summary(samples.out.map((s) => s.worker_ms)),
      main_thread_longest_timer_gap_ms: round(samples.longestGap),
    },
  };
  const out = join(root, "out/bench/wasm.json");
  writeAtomic(out, `${JSON.stringify(result, null, 2)}\n`);
  for (const k of ["first_visit", "second_visit"]) {
    const v = result.time_to_first_result[k];
    console.log(`${k.replace("_", " ")}: time to first result median ${v.first_result_ms.median} ms, ` +
      `${v.navigation_to_first_result_ms.median} ms from navigation start on the page's clock, ` +
      `${v.navigation_to_result_if_clicked_at_ready_ms.median} ms if clicked at ready (page ready ${v.navigation_to_ready_ms.median} ms + click to result ${v.click_to_result_ms.median} ms; harness ready ${v.ready_ms.median} ms, ` +
      `module ${v.worker_download_ms.median} + ${v.worker_compile_ms.median} ms, model ${v.worker_model_ms.median} ms (Go start ${v.worker_go_start_ms.median}, load ${v.worker_model_load_ms.median}), first inference ${v.first_inference_ms.median} ms), ` +
      `${v.bytes_sent.median} bytes sent, of which module ${v.wasm_bytes_sent.median}`);
  }
  const lat = result.per_image_latency;
  console.log(`per-image latency: median ${lat.round_trip_ms.median} ms, p90 ${lat.round_trip_ms.p90} ms ` +
    `(worker ${lat.worker_ms.median} ms); longest 10 ms timer gap on the page meanwhile ${lat.main_thread_longest_timer_gap_ms} ms`);
  console.log(`wrote ${out}`);
} finally {
  await browser.close();
  await server.close();
}
