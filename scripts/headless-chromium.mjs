// headless-chromium.mjs launches the headless Chromium that the page's
// tests and benchmarks use: Debian's /usr/bin/chromium (or $CHROMIUM),
// driven by playwright-core, with the flags of shared/RECIPES.md and
// without the browser's own toolbar and omnibox pages.
//
// Why those pages go: headless Chromium 156 never shows a toolbar or an
// omnibox, yet as a test opens a tab it starts the omnibox popup's WebUI
// in a renderer of its own (chrome://omnibox-popup.top-chrome, with its
// scripts parsed and compiled). A Chromium trace of one second visit of
// the page showed that renderer's main thread busy 440 ms and its
// thread pool 700 ms within the 640 ms traced, on a two-core host where
// the page's worker needs one core. The page has no part in it, and a
// visitor's omnibox is already running when they navigate. Turning it
// off moved the page's second-visit "ready" from 258-311 ms to 173-188 ms
// (the two launch configurations alternated three times, medians of 6
// visits each; AMD EPYC, 2 cores; wasm/README.md).
//
// Chromium keeps only the last value of a repeated switch, so a second
// --disable-features would undo Playwright's own list: both go in one
// switch. Playwright's list is copied here (playwright-core 1.65.1, as
// package-lock.json pins it); every launch reads the command line that
// Playwright actually ran (from /proc, where there is one) and fails if
// its list has an entry this copy lacks, so an upgrade cannot drop one
// silently.
import { readdirSync, readFileSync } from "node:fs";
import { chromium } from "playwright-core";

const chromiumPath = process.env.CHROMIUM || "/usr/bin/chromium";

const playwrightDisabled = [
  "AvoidUnnecessaryBeforeUnloadCheckSync", "DestroyProfileOnBrowserClose", "HttpsUpgrades",
  "HttpsFirstBalancedModeAutoEnable", "LensOverlay", "MediaRouter", "PaintHolding",
  "ThirdPartyStoragePartitioning", "AvoidCorsURLLoaderRestartOnRedirect", "TcpPortRandomizationWin",
  "OptimizationHints", "NetworkTimeServiceQuerying", "AimEnabled", "PreconnectToSearch",
  "msForceBrowserSignIn", "msEdgeUpdateLaunchServicesPreferredVersion",
];

// The toolbar's and the omnibox popup's WebUI, and their preloading.
const browserUIFeatures = [
  "InitialWebUI", "WebUIToolbarProcessOverheadExperiment", "PreloadTopChromeWebUI",
  "WebUIOmniboxPopup", "WebUIOmniboxAimPopup",
];

const chromiumArgs = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-dev-shm-usage",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  `--disable-features=${[...playwrightDisabled, ...browserUIFeatures].join(",")}`,
];

/**
 * launch starts headless Chromium: chromium.launch, or chromium.launchServer
 * with {server: true}.
 */
export async function launch({ server = false } = {}) {
  const options = { executablePath: chromiumPath, args: chromiumArgs, headless: true };
  const browser = await (server ? chromium.launchServer(options) : chromium.launch(options));
  const argv = server ? browser.process().spawnargs : browserArgs();
  if (argv === null) return browser; // no /proc: nothing to check against
  // The first --disable-features is Playwright's, ours comes after it.
  const theirs = argv.find((a) => a.startsWith("--disable-features="));
  const missing = theirs === undefined ? ["(no --disable-features on Chromium's command line)"]
    : theirs.slice("--disable-features=".length).split(",").filter((f) => f && !playwrightDisabled.includes(f));
  if (missing.length) {
    await browser.close();
    throw new Error(`Playwright now disables features that scripts/headless-chromium.mjs does not pass on: ${missing.join(", ")}; add them to playwrightDisabled`);
  }
  return browser;
}

// browserArgs is the command line of the browser that chromium.launch
// started (it does not expose the process): this process's child that
// Playwright talks to over a pipe. /usr/bin/chromium is a script that
// execs the browser, so the child's pid stays the same. null where there
// is no /proc to read (not Linux).
function browserArgs() {
  const parent = parentPids();
  if (parent === null) return null;
  for (const [pid, ppid] of parent) {
    if (ppid !== process.pid) continue;
    try {
      const argv = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
      if (argv.includes("--remote-debugging-pipe")) return argv;
    } catch {
      // gone meanwhile
    }
  }
  return [];
}

/**
 * parentPids maps each running process's pid to its parent's, from /proc;
 * null where there is none (not Linux). The browser's own processes are
 * found through it (here, and for the benchmarks' renderer memory).
 */
export function parentPids() {
  let pids;
  try {
    pids = readdirSync("/proc");
  } catch {
    return null;
  }
  const parent = new Map();
  for (const pid of pids) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      parent.set(Number(pid), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch {
      // gone meanwhile
    }
  }
  return parent;
}
