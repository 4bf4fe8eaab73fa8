// chromium.mjs measures the in-browser runtimes in headless Chromium
// (scripts/headless-chromium.mjs: Debian's /usr/bin/chromium driven by
// playwright-core): onnxruntime-web and hiwl.wasm, each in its own
// browser so that one's memory does not count against the other.
//
//   node chromium.mjs --manifest M --out R
//
// Every cold start is a fresh browser context (empty HTTP and code caches)
// opening a blank page from a loopback server; peak memory is the largest
// VmHWM among the browser's renderer processes, read while the measured
// page is still open (a page's JS heap alone, performance.memory, would
// leave out wasm memory).
import { createServer } from "node:http";
import { createReadStream, readFileSync, statSync } from "node:fs";
import { extname, join, resolve, sep } from "node:path";
import { chromium } from "playwright-core";
import { launch, parentPids } from "../../../scripts/headless-chromium.mjs";
import { args, peakRSSkB, run } from "./node_lib.mjs";

const { manifest: m, out } = args();
const here = new URL(".", import.meta.url).pathname;

const types = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".wasm": "application/wasm",
};

// serve answers on 127.0.0.1 only, from a few fixed folders; anything
// outside them is 404.
function serve() {
  const mounts = {
    "/cr/": here,
    "/ort/": join(m.root, "node_modules", "onnxruntime-web", "dist"),
    "/hiwl/": join(m.root, "wasm", "static"),
    "/work/": m.work,
  };
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, "http://x").pathname);
    let file = null;
    if (path === "/") {
      res.writeHead(200, { "Content-Type": types[".html"] });
      res.end("<!doctype html><meta charset=utf-8><title>hiwl crossruntime</title>");
      return;
    }
    const img = path.match(/^\/img\/(\d+)$/);
    if (img && Number(img[1]) < m.images.length) file = m.images[Number(img[1])];
    for (const [prefix, dir] of Object.entries(mounts)) {
      if (!file && path.startsWith(prefix)) {
        const f = resolve(dir, path.slice(prefix.length));
        if (f.startsWith(resolve(dir) + sep)) file = f;
      }
    }
    let size = -1;
    try { size = file ? statSync(file).size : -1; } catch {}
    if (size < 0) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, {
      "Content-Type": types[extname(file)] || "application/octet-stream",
      "Content-Length": size,
      "Cache-Control": "no-cache",
    });
    createReadStream(file).pipe(res);
  });
  return new Promise((ok) => server.listen(0, "127.0.0.1", () => ok(server)));
}

// rendererPeakkB is the largest VmHWM among the renderer processes that
// descend from the browser process.
function rendererPeakkB(browserPid) {
  const parent = parentPids() || new Map();
  const descends = (pid) => {
    for (let p = pid, i = 0; p > 1 && i < 64; p = parent.get(p), i++) if (p === browserPid) return true;
    return false;
  };
  let peak = 0;
  for (const pid of parent.keys()) {
    if (pid === browserPid || !descends(pid)) continue;
    try {
      if (!readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("--type=renderer")) continue;
      peak = Math.max(peak, peakRSSkB(pid));
    } catch {}
  }
  return peak;
}

async function measureIn(kind, origin) {
  const server = await launch({ server: true });
  const browser = await chromium.connect(server.wsEndpoint());
  const bench = async (cfg) => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    await page.goto(`${origin}/`);
    try {
      const r = await page.evaluate(async ([kind, cfg]) => {
        const { bench } = await import("/cr/page.mjs");
        return bench(kind, cfg);
      }, [kind, cfg]);
      return { r, context };
    } catch (err) {
      await context.close();
      throw new Error(`${kind} in Chromium: ${err.message}${errors.length ? `; page errors: ${errors.join("; ")}` : ""}`);
    }
  };
  try {
    const base = { count: m.images.length, input_size: m.input_size };
    const cold = [];
    for (let i = 1; i < m.cold_starts; i++) {
      const { r, context } = await bench({ ...base, warmup: 0, runs: 0 });
      cold.push(...r.cold_ms);
      await context.close();
    }
    const { r, context } = await bench({ ...base, warmup: m.warmup, warmup_ms: m.warmup_ms, runs: m.runs });
    const peak = rendererPeakkB(server.process().pid);
    await context.close();
    return {
      ...r,
      cold_ms: [...r.cold_ms, ...cold],
      peak_rss_kb: peak,
      info: { browser: `Chromium ${browser.version()}` },
    };
  } finally {
    await browser.close().catch(() => {});
    await server.close();
  }
}

await run(out, async () => {
  const server = await serve();
  const origin = `http://127.0.0.1:${server.address().port}`;
  try {
    const result = {};
    for (const kind of m.chromium_runtimes) result[kind] = await measureIn(kind, origin);
    return result;
  } finally {
    server.close();
  }
});
