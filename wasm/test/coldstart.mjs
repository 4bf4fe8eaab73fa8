// coldstart.mjs: how long hiwl.wasm takes in Node from go.run to a
// published globalThis.hiwl (Go start-up, package initialisation, model
// decoding and plan compile), in wall time and in the process's CPU time
// (steadier on a shared machine; it includes V8's background compiling).
// The module is compiled before the clock starts.
//
//   node wasm/test/coldstart.mjs [-n RUNS] [MODULE.wasm ...]
//
// Each run is a fresh Node process; with several modules the runs
// alternate between them (A B A B ...), so a drift in the machine's speed
// falls on both. Default: wasm/static/hiwl.wasm (make wasm-build).
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));

if (process.argv[2] === "--child") {
  const [wasmPath, execPath] = process.argv.slice(3);
  await import(pathToFileURL(execPath).href);
  const go = new globalThis.Go();
  go.env = { GOGC: "off" }; // as static/worker.js starts it
  const { instance } = await WebAssembly.instantiate(readFileSync(wasmPath), go.importObject);
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  go.run(instance);
  while (!globalThis.hiwl) await new Promise((r) => setTimeout(r, 1));
  const c = process.cpuUsage(c0);
  if (globalThis.hiwl.loadError) throw new Error(globalThis.hiwl.loadError);
  console.log(JSON.stringify({ wall_ms: performance.now() - t0, cpu_ms: (c.user + c.system) / 1000 }));
  process.exit(0);
}

const args = process.argv.slice(2);
let runs = 7;
if (args[0] === "-n") {
  runs = Number(args[1]);
  args.splice(0, 2);
}
const modules = args.length ? args : [join(here, "..", "static", "hiwl.wasm")];
const goroot = execFileSync("go", ["env", "GOROOT"], { encoding: "utf8" }).trim();
const wasmExec = join(goroot, "lib", "wasm", "wasm_exec.js");
const samples = modules.map(() => []);
for (let i = 0; i < runs; i++) {
  modules.forEach((m, j) => {
    const out = execFileSync(process.execPath, [fileURLToPath(import.meta.url), "--child", m, wasmExec], { encoding: "utf8" });
    samples[j].push(JSON.parse(out));
  });
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
modules.forEach((m, j) => {
  const s = samples[j];
  let line = `${m}: go.run to ready, median of ${runs}: wall ${median(s.map((x) => x.wall_ms)).toFixed(1)} ms, cpu ${median(s.map((x) => x.cpu_ms)).toFixed(1)} ms`;
  if (j > 0) line += `; cpu / first module, paired median ${median(s.map((x, i) => x.cpu_ms / samples[0][i].cpu_ms)).toFixed(3)}`;
  console.log(line);
});
