// node_lib.mjs: what the Node-side scripts share: the manifest written by
// the Go side, the inputs it names, the process's peak memory, and the
// atomic write of the result.
import { readFileSync, renameSync, writeFileSync } from "node:fs";

// args reads `--manifest FILE --out FILE`.
export function args() {
  const a = process.argv.slice(2);
  const get = (k) => {
    const i = a.indexOf(k);
    if (i < 0 || i + 1 >= a.length) throw new Error(`usage: ${process.argv[1]} --manifest FILE --out FILE`);
    return a[i + 1];
  };
  const manifest = JSON.parse(readFileSync(get("--manifest"), "utf8"));
  const out = get("--out");
  // A watchdog bounds every script: exiting runs playwright's exit
  // handlers, which kill the browsers it started.
  if (manifest.timeout_ms > 0) {
    setTimeout(() => {
      try { writeResult(out, { error: `timed out after ${manifest.timeout_ms} ms` }); } catch {}
      console.error(`${process.argv[1]}: timed out after ${manifest.timeout_ms} ms`);
      process.exit(2);
    }, manifest.timeout_ms).unref();
  }
  return { manifest, out };
}

// peakRSSkB is VmHWM of /proc/self/status: the resident set's high-water
// mark of this process (Node itself included).
export function peakRSSkB(pid = "self") {
  const m = readFileSync(`/proc/${pid}/status`, "utf8").match(/^VmHWM:\s+(\d+)\s+kB/m);
  return m ? Number(m[1]) : 0;
}

export function writeResult(path, obj) {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, JSON.stringify(obj));
  renameSync(tmp, path);
}

// run wraps a script's main: any failure is written as {error} and exits 1,
// so the Go side reports the message instead of a missing file.
export async function run(out, main) {
  try {
    writeResult(out, await main());
  } catch (err) {
    try { writeResult(out, { error: String(err && err.stack || err) }); } catch {}
    console.error(err);
    process.exit(1);
  }
}
