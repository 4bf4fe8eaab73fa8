// node edge/scripts/miniflare.mjs [BINDINGS_JSON]
//
// Serves the built edge worker (edge/build, see `make edge-build`) in
// Miniflare, the local mode wrangler dev runs on: workerd with Cloudflare's
// local implementations of the bindings workerd alone lacks, the Workers
// Cache API among them (in memory here). BINDINGS_JSON is an object of
// text bindings (vars and secrets, e.g. {"HIWL_API_KEYS": "k1"}). Prints
// "url=http://127.0.0.1:PORT/" once it serves, and stops when its standard
// input closes. Nothing leaves the machine: no cf.json download (cf: false),
// no persistence. edge/e2e's TestResultCache starts it.
import { Miniflare } from "miniflare";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const build = path.join(root, "edge", "build");
const bindings = JSON.parse(process.argv[2] || "{}");

const mf = new Miniflare({
  host: "127.0.0.1",
  port: 0,
  modulesRoot: build,
  // The same modules as edge/config.capnp, the entry module first.
  modules: [
    { type: "ESModule", path: path.join(build, "entry.mjs") },
    { type: "ESModule", path: path.join(build, "wasm_exec.js") },
    { type: "ESModule", path: path.join(build, "runtime.mjs") },
    { type: "CompiledWasm", path: path.join(build, "app.wasm") },
  ],
  compatibilityDate: "2025-07-01", // edge/config.capnp's
  compatibilityFlags: ["enable_request_signal"], // edge/config.capnp's
  bindings,
  cache: true,
  cf: false,
});
const url = await mf.ready;
console.log(`url=${url.href}`);
process.stdin.resume();
process.stdin.on("close", async () => {
  await mf.dispose();
  process.exit(0);
});
