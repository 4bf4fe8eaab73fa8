// harness.mjs holds what the browser test and the benchmark share: the repo
// root, the static server, headless Chromium, and the native classifier's
// answers to compare against.
import { spawn, execFileSync } from "node:child_process";
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const root = fileURLToPath(new URL("../../", import.meta.url));

// Headless Chromium: scripts/headless-chromium.mjs has its flags and why.
export { launch } from "../../scripts/headless-chromium.mjs";

// goBuild builds a native command of this repo into build/wasm and returns
// its path; running the binary (not `go run`) means killing it stops it.
function goBuild(pkg, name) {
  const out = join(root, "build", "wasm", name);
  execFileSync("go", ["build", "-o", out, pkg], { cwd: root, stdio: ["ignore", "inherit", "inherit"] });
  return out;
}

/**
 * startServer runs wasm/serve on a free loopback port: {url, origin, close,
 * served}. served() lists the requests it answered so far, from its -log
 * lines: {method, path, status, encoding, bytes} (bytes: body bytes sent).
 */
export async function startServer() {
  const bin = goBuild("./wasm/serve", "serve");
  const proc = spawn(bin, ["-addr", "127.0.0.1:0", "-dir", join(root, "wasm/static"), "-log"], {
    cwd: root,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  proc.stderr.on("data", (d) => { stderr += d; });
  const served = () => stderr.split("\n").map((l) => l.match(/^serve: (\S+) (\S+) (\d+) (\S+) (\d+)$/)).filter(Boolean)
    .map(([, method, path, status, encoding, bytes]) => ({ method, path, status: Number(status), encoding, bytes: Number(bytes) }));
  const url = await new Promise((resolve, reject) => {
    let out = "";
    proc.stdout.on("data", (d) => {
      out += d;
      const line = out.split("\n")[0];
      if (out.includes("\n")) resolve(line.trim());
    });
    proc.on("exit", (code) => reject(new Error(`wasm/serve exited (${code}): ${stderr}`)));
  });
  return {
    url,
    origin: new URL(url).origin,
    served,
    close: () => new Promise((resolve) => {
      if (proc.exitCode !== null) return resolve();
      proc.once("exit", resolve);
      proc.kill("SIGTERM");
    }),
  };
}

// quiet runs a native command with its stderr captured, not inherited: its
// summary (the classify command's class table) is not the tests' output.
// When the command fails, execFileSync's error carries that stderr.
const quiet = { cwd: root, encoding: "utf8", maxBuffer: 1 << 26, stdio: ["ignore", "pipe", "pipe"] };

/**
 * expected runs the native Go classifier (model.Default, not the wasm code)
 * on files given relative to the repo root: {file: result with "cams"}.
 */
export function expected(files) {
  const bin = goBuild("./wasm/internal/expect", "expect");
  return JSON.parse(execFileSync(bin, files, quiet));
}

/**
 * nativeCLI runs the native classify command (model/cmd/classify) on files
 * relative to the repo root: {file: its JSON line}.
 */
export function nativeCLI(files) {
  const bin = goBuild("./model/cmd/classify", "classify");
  const out = execFileSync(bin, files, quiet);
  return Object.fromEntries(out.trim().split("\n").map((l) => JSON.parse(l)).map((r) => [r.file, r]));
}

/** writeAtomic writes a file via a temporary name in the same folder. */
export function writeAtomic(path, data) {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}
