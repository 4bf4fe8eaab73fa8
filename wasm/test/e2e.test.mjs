// End-to-end test of the in-browser classifier in real headless Chromium:
// the page served by wasm/serve, the Go module in its worker, and its
// answers compared with the native Go classifier's for the same files.
//
//   make wasm-build && node --test wasm/test/e2e.test.mjs
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { createServer } from "node:http";
import { extname, join } from "node:path";
import { gzipSync } from "node:zlib";
import { execFileSync } from "node:child_process";
import { expected, launch, root, startServer, writeAtomic } from "./harness.mjs";

const tolerance = 1e-4;
const example = "wasm/static/examples/848953.jpg"; // clicked on the page
const apiExample = "wasm/static/examples/953804.jpg"; // through hiwl.js
const dropped = "../shared/data/gz-challenge-spiral/validation/non_spirals/178752.jpg"; // dropped onto the page
const hierarchyPick = "../shared/data/gz-challenge-5class/edge-on/440481.jpg"; // labelled edge-on though spiral is likelier
// A video frame from Go's own image test data, the picture issue 29 was
// filed with: not a galaxy cutout.
const photo = join(execFileSync("go", ["env", "GOROOT"], { encoding: "utf8" }).trim(), "src/image/testdata/video-001.jpeg");
const domainNote = "This does not look like a Galaxy Zoo-style galaxy cutout; the answer below may mean nothing.";
const screenshot = join(root, "out/wasm/page.png");
const photoShot = join(root, "out/wasm/page-not-a-galaxy.png");

let server, browser, page, want;
const requests = [];
const origins = []; // of the servers this test started
const problems = []; // uncaught page errors and console errors

before(async () => {
  want = expected([example, apiExample, dropped, hierarchyPick, photo]);
  server = await startServer();
  browser = await launch();
  page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  watch(page);
  page.setDefaultTimeout(60_000);
});

function watch(p) {
  p.on("request", (r) => requests.push(r.url()));
  p.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  p.on("console", (m) => { if (m.type() === "error") problems.push(`console: ${m.text()}`); });
}

// plainHost serves wasm/static under prefix like a generic static host that
// knows nothing about wasm: hiwl.wasm goes out gzip-encoded (so Content-Length
// is not its size) as application/octet-stream.
async function plainHost(prefix) {
  const dir = join(root, "wasm/static");
  const types = { ".html": "text/html", ".js": "text/javascript", ".css": "text/css", ".jpg": "image/jpeg" };
  const wasm = gzipSync(readFileSync(join(dir, "hiwl.wasm")), { level: 1 });
  const served = [];
  const srv = createServer((req, res) => {
    const path = new URL(req.url, "http://host").pathname;
    served.push(path);
    const rel = path === prefix ? "index.html" : path.slice(prefix.length);
    if (!path.startsWith(prefix) || rel.includes("..")) {
      res.writeHead(404).end();
    } else if (rel === "hiwl.wasm") {
      res.writeHead(200, { "Content-Type": "application/octet-stream", "Content-Encoding": "gzip", "Content-Length": wasm.length }).end(wasm);
    } else {
      try {
        const body = readFileSync(join(dir, rel));
        res.writeHead(200, { "Content-Type": types[extname(rel)] || "application/octet-stream" }).end(body);
      } catch {
        res.writeHead(404).end();
      }
    }
  });
  await new Promise((resolve) => srv.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${srv.address().port}`;
  origins.push(origin);
  return { url: `${origin}${prefix}`, served, close: () => new Promise((resolve) => srv.close(resolve)) };
}

after(async () => {
  await browser?.close();
  await server?.close();
});

function near(got, wantValue, what) {
  assert.equal(typeof got, "number", `${what}: not a number (${got})`);
  assert.ok(Math.abs(got - wantValue) <= tolerance, `${what}: got ${got}, native Go says ${wantValue}`);
}

// assertSameAsNative compares a result with the native classifier's for
// file: label, probabilities, both networks and, where the result has them
// (hiwl.js does, the page does not), all five attention maps.
function assertSameAsNative(got, file) {
  const w = want[file];
  assert.equal(got.label, w.label, `${file}: label`);
  assert.equal(got.class, w.class, `${file}: class`);
  assert.equal(got.model_version, w.model_version, `${file}: model version`);
  assert.deepEqual(Object.keys(got.probabilities).sort(), Object.keys(w.probabilities).sort());
  for (const [slug, p] of Object.entries(w.probabilities)) near(got.probabilities[slug], p, `${file}: p(${slug})`);
  for (const [name, p] of Object.entries(w.hierarchy.a)) near(got.hierarchy.a[name], p, `${file}: A ${name}`);
  for (const [name, p] of Object.entries(w.hierarchy.b)) near(got.hierarchy.b[name], p, `${file}: B ${name}`);
  assert.equal(got.hierarchy.a_decision, w.hierarchy.a_decision);
  assert.equal(got.hierarchy.b_decision, w.hierarchy.b_decision);
  // The in-domain score: the same flag, and the same number to within what
  // the runtimes' features differ by (relative: a distance is tens of units).
  assert.ok(w.domain, `${file}: the native result has a domain score`);
  assert.equal(got.domain.out_of_domain, w.domain.out_of_domain, `${file}: out_of_domain`);
  assert.ok(Math.abs(got.domain.score - w.domain.score) <= tolerance * Math.max(1, w.domain.score),
    `${file}: domain score ${got.domain.score}, native Go says ${w.domain.score}`);
  if (!got.cams) return;
  for (const [slug, values] of Object.entries(w.cams)) {
    assert.equal(got.cams[slug].values.length, values.length, `${file}: CAM ${slug} size`);
    values.forEach((v, i) => near(got.cams[slug].values[i], v, `${file}: CAM ${slug}[${i}]`));
  }
}

// pageResult reads the result as the page shows it, from the DOM (the bars
// keep their exact values in data-value), in the shape of a result.
async function pageResult(p = page) {
  return p.evaluate(() => {
    const values = (sel, key) => Object.fromEntries(
      [...document.querySelectorAll(sel)].map((li) => [li.dataset[key], Number(li.dataset.value)]));
    const meta = document.getElementById("meta").textContent;
    return {
      label: document.getElementById("label").textContent,
      class: document.getElementById("label").dataset.class,
      chosen: document.querySelector("#probs li.chosen")?.dataset.class,
      probabilities: values("#probs li", "class"),
      hierarchy: {
        a: values("#step-a li", "output"),
        b: values("#step-b li", "output"),
        a_decision: document.getElementById("step-a").dataset.decision,
        b_decision: document.getElementById("step-b").dataset.decision,
      },
      model_version: (meta.match(/Model (\S+),/) || [])[1],
      domain: {
        score: Number(document.getElementById("result").dataset.domainScore),
        out_of_domain: !document.getElementById("domain-note").hidden,
      },
    };
  });
}

async function assertPageShows(file, p = page) {
  const got = await pageResult(p);
  assertSameAsNative(got, file);
  assert.equal(got.chosen, want[file].class, "the predicted class's bar is highlighted");
}

// overlayPixels reads the overlay canvas and where, in canvas pixels, the
// crop the network saw is (recomputed here as model.CenterCrop does it).
async function overlayPixels() {
  return page.evaluate(() => {
    const c = document.getElementById("overlay");
    const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
    return { width: c.width, height: c.height, data: Array.from(d), camClass: c.dataset.camClass, opacity: c.style.opacity };
  });
}

function cropOf(width, height) {
  const side = Math.max(1, Math.floor(Math.min(width, height) * (240 / 424) + 0.5));
  return { x: Math.floor((width - side) / 2), y: Math.floor((height - side) / 2), side };
}

// assertOverlay checks that the map of one class is drawn, coloured, only
// inside the crop, with its strongest cell where the native map has it.
function assertOverlay(px, cam) {
  assert.ok(Math.max(...cam) > 0, "the native map has positive evidence to draw");
  const crop = cropOf(px.width, px.height);
  let inside = 0;
  let outside = 0;
  for (let y = 0; y < px.height; y++) {
    for (let x = 0; x < px.width; x++) {
      const i = 4 * (y * px.width + x);
      const [r, g, b, a] = px.data.slice(i, i + 4);
      const inCrop = x >= crop.x && x < crop.x + crop.side && y >= crop.y && y < crop.y + crop.side;
      if (!inCrop && a > 0) outside++;
      if (inCrop && a >= 32 && Math.max(r, g, b) - Math.min(r, g, b) >= 40) inside++;
    }
  }
  assert.equal(outside, 0, "nothing is drawn outside the crop the network saw");
  assert.ok(inside > 0, "the overlay has coloured, non-transparent pixels inside the crop");
  // The strongest cell's centre is drawn nearly opaque and bright (the top of
  // the colour map is pale yellow).
  const s = Math.round(Math.sqrt(cam.length));
  const k = cam.indexOf(Math.max(...cam));
  const cx = crop.x + Math.floor(((k % s) + 0.5) * crop.side / s);
  const cy = crop.y + Math.floor((Math.floor(k / s) + 0.5) * crop.side / s);
  const i = 4 * (cy * px.width + cx);
  const [r, g, , a] = px.data.slice(i, i + 4);
  assert.ok(a >= 230 && r >= 200 && g >= 180, `strongest cell at (${cx},${cy}) drawn as rgba(${r},${g},…,${a})`);
}

describe("in-browser classifier", () => {
  test("loads the module and the model in a worker", async () => {
    await page.goto(server.url);
    await page.waitForSelector('#load[data-state="ready"]');
    const text = await page.textContent("#load-text");
    assert.match(text, new RegExp(`Ready: model ${want[example].model_version}`));
    // Inference runs off the main thread: the Go module lives in the worker.
    assert.equal(await page.evaluate(() => typeof globalThis.hiwl), "undefined");
    assert.ok(page.workers().some((w) => w.url().endsWith("/worker.js")), "worker.js is running");
  });

  test("classifies a bundled example like the native Go classifier and draws the map", async () => {
    await page.click('[data-example="examples/848953.jpg"]');
    await page.waitForSelector('#result[data-source="848953.jpg"]:not([hidden])');
    await assertPageShows(example);
    assert.equal(await page.isHidden("#error"), true);

    const w = want[example];
    const px = await overlayPixels();
    assert.equal(px.camClass, w.class, "the map shown first is the predicted class's");
    assertOverlay(px, w.cams[w.class]);

    // Another class's map, chosen in the menu, is drawn from its own values.
    const other = Object.keys(w.cams).find((c) => c !== w.class && Math.max(...w.cams[c]) > 0);
    assert.ok(other, "some other class has positive evidence");
    await page.selectOption("#cam-class", other);
    const px2 = await overlayPixels();
    assert.equal(px2.camClass, other);
    assertOverlay(px2, w.cams[other]);

    // The slider sets the overlay's opacity.
    await page.fill("#opacity", "30");
    assert.equal((await overlayPixels()).opacity, "0.3");
    assert.equal(await page.textContent("#opacity-value"), "30%");
    await page.fill("#opacity", "65");
    await page.selectOption("#cam-class", w.class);

    writeAtomic(screenshot, await page.screenshot({ fullPage: true }));
  });

  test("accessibility: axe-core finds no violation on the page after a classification", async () => {
    // axe-core from node_modules, evaluated through the DevTools protocol:
    // no request leaves the test's servers, and the page's CSP (no inline
    // scripts) stays as it ships. WCAG 2.0/2.1 A and AA, axe's best practices.
    const axe = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
    await page.evaluate(axe);
    const r = await page.evaluate(() => window.axe.run(document, {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] },
    }));
    const found = r.violations.map((v) => `${v.id} (${v.impact}): ${v.help}; ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
    assert.deepEqual(found, [], `axe-core violations:\n${found.join("\n")}`);
    assert.ok(r.passes.length >= 30, `only ${r.passes.length} rules passed: the audit did not run on the page`);
    console.log(`# axe-core ${r.testEngine.version}: ${r.passes.length} rules pass, ${r.incomplete.length} need review, 0 violations`);
  });

  test("a label the hierarchy chose over a likelier class is explained", async () => {
    const w = want[hierarchyPick];
    assert.ok(w.label_note, "the native classifier explains this image's label");
    await page.setInputFiles("#file", { name: "440481.jpg", mimeType: "image/jpeg", buffer: readFileSync(join(root, hierarchyPick)) });
    await page.waitForSelector('#result[data-source="440481.jpg"]:not([hidden])');
    assert.equal(await page.textContent("#label"), w.label);
    assert.equal(await page.isVisible("#label-note"), true);
    assert.equal(await page.textContent("#label-note"), w.label_note);
    // An ordinary label has no note.
    await page.setInputFiles("#file", { name: "ordinary.jpg", mimeType: "image/jpeg", buffer: readFileSync(join(root, example)) });
    await page.waitForSelector('#result[data-source="ordinary.jpg"]:not([hidden])');
    assert.equal(want[example].label_note, undefined);
    assert.equal(await page.isHidden("#label-note"), true);
  });

  test("a non-image file shows an error, and the page still works afterwards", async () => {
    await page.setInputFiles("#file", { name: "notes.txt", mimeType: "text/plain", buffer: Buffer.from("These are my notes, not a galaxy.\n") });
    await page.waitForSelector('#error[data-code="not_image"]:not([hidden])');
    assert.match(await page.textContent("#error"), /notes\.txt.*not a JPEG, PNG or GIF image/);
    assert.equal(await page.isHidden("#result"), true, "no stale result next to the error");

    const jpeg = readFileSync(join(root, example));
    await page.setInputFiles("#file", { name: "cut.jpg", mimeType: "image/jpeg", buffer: jpeg.subarray(0, jpeg.length >> 2) });
    await page.waitForSelector('#error[data-code="corrupt"]:not([hidden])');

    // Dropped onto the page, like a visitor dragging a file in.
    const bytes = readFileSync(join(root, dropped)).toString("base64");
    const dt = await page.evaluateHandle((b64) => {
      const dt = new DataTransfer();
      const raw = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      dt.items.add(new File([raw], "178752.jpg", { type: "image/jpeg" }));
      return dt;
    }, bytes);
    await page.dispatchEvent("#drop", "drop", { dataTransfer: dt });
    await page.waitForSelector('#result[data-source="178752.jpg"]:not([hidden])');
    assert.equal(await page.isHidden("#error"), true, "the error is cleared");
    await assertPageShows(dropped);
    const w = want[dropped];
    assertOverlay(await overlayPixels(), w.cams[w.class]);
    assert.equal(await page.isHidden("#domain-note"), true, "a real galaxy cutout gets no note");
  });

  test("a photo that is not a galaxy gets the note, and its answer is still shown", async () => {
    const bytes = readFileSync(photo).toString("base64");
    const dt = await page.evaluateHandle((b64) => {
      const dt = new DataTransfer();
      const raw = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      dt.items.add(new File([raw], "video-001.jpeg", { type: "image/jpeg" }));
      return dt;
    }, bytes);
    await page.dispatchEvent("#drop", "drop", { dataTransfer: dt });
    await page.waitForSelector('#result[data-source="video-001.jpeg"]:not([hidden])');
    assert.equal(want[photo].domain.out_of_domain, true, "the native classifier calls the video frame out of domain");
    assert.equal(await page.isVisible("#domain-note"), true, "the note is shown");
    assert.equal((await page.textContent("#domain-note")).replace(/\s+/g, " ").trim(), domainNote);
    // The answer is still there, the native classifier's.
    assert.equal(await page.isVisible("#label"), true);
    await assertPageShows(photo);
    assert.match(await page.textContent("#announce"), /does not look like a Galaxy Zoo-style galaxy cutout/);
    writeAtomic(photoShot, await page.screenshot({ fullPage: true }));
  });

  test("a photo with EXIF orientation is drawn as the network saw it", async () => {
    // A 424x300 JPEG made in the page, tagged "rotated 90° clockwise": the
    // browser shows it 300x424, Go (and so the network) reads it 424x300.
    const made = await page.evaluate(async () => {
      const src = await createImageBitmap(await (await fetch("examples/953804.jpg")).blob());
      const c = new OffscreenCanvas(424, 300);
      c.getContext("2d").drawImage(src, 0, -62);
      const jpeg = new Uint8Array(await (await c.convertToBlob({ type: "image/jpeg", quality: 0.95 })).arrayBuffer());
      const tiff = [0x49, 0x49, 0x2a, 0, 8, 0, 0, 0, 1, 0, 0x12, 0x01, 3, 0, 1, 0, 0, 0, 6, 0, 0, 0, 0, 0, 0, 0];
      const app1 = [0x45, 0x78, 0x69, 0x66, 0, 0, ...tiff];
      const tagged = [...jpeg.slice(0, 2), 0xff, 0xe1, 0, app1.length + 2, ...app1, ...jpeg.slice(2)];
      const shown = await createImageBitmap(new Blob([new Uint8Array(tagged)]));
      return { tagged, shownSize: [shown.width, shown.height] };
    });
    assert.deepEqual(made.shownSize, [300, 424], "the browser applies the orientation tag");
    const file = join(mkdtempSync(join(tmpdir(), "hiwl-wasm-")), "rotated.jpg");
    writeFileSync(file, Buffer.from(made.tagged));
    const w = expected([file])[file];

    await page.setInputFiles("#file", { name: "rotated.jpg", mimeType: "image/jpeg", buffer: Buffer.from(made.tagged) });
    await page.waitForSelector('#result[data-source="rotated.jpg"]:not([hidden])');
    want[file] = w;
    await assertPageShows(file);
    // The canvas holds the stored 424x300 pixels, identical to drawing the
    // untagged JPEG, and the map lies in that layout's crop.
    const diff = await page.evaluate(async (tagged) => {
      const bytes = new Uint8Array(tagged);
      const untagged = new Uint8Array([...bytes.slice(0, 2), ...bytes.slice(2 + 4 + 32)]);
      const raw = await createImageBitmap(new Blob([untagged]));
      const ref = new OffscreenCanvas(raw.width, raw.height).getContext("2d");
      ref.drawImage(raw, 0, 0);
      const page = document.getElementById("image-canvas");
      const a = page.getContext("2d").getImageData(0, 0, page.width, page.height).data;
      const b = ref.getImageData(0, 0, raw.width, raw.height).data;
      let sum = 0;
      for (let i = 0; i < b.length; i++) sum += Math.abs(a[i] - b[i]);
      return { size: [page.width, page.height], rawSize: [raw.width, raw.height], mean: sum / b.length };
    }, made.tagged);
    assert.deepEqual(diff.rawSize, [424, 300]);
    assert.deepEqual(diff.size, [424, 300]);
    assert.ok(diff.mean < 1, `page canvas differs from the stored pixels by ${diff.mean} per channel`);
    assertOverlay(await overlayPixels(), w.cams[w.class]);
  });

  test("hiwl.js: classify(blob) resolves like the native classifier, reports progress, rejects bad input", async () => {
    const got = await page.evaluate(async () => {
      const { Classifier, ClassifyError } = await import("./hiwl.js");
      const progress = [];
      const c = new Classifier({ onProgress: (p) => progress.push({ stage: p.stage, fraction: p.fraction }) });
      const ready = await c.ready;
      const blob = await (await fetch("examples/953804.jpg")).blob();
      const result = await c.classify(blob);
      const fromBytes = await c.classify(new Uint8Array(await blob.arrayBuffer()));
      const refusals = [];
      for (const bad of [new Blob(["not an image"]), new Blob([]), "a string"]) {
        try {
          await c.classify(bad);
          refusals.push("resolved");
        } catch (err) {
          refusals.push(err instanceof ClassifyError ? err.code : `other: ${err}`);
        }
      }
      const after = await c.classify(blob);
      // A stopped (or crashed) classifier starts a fresh worker on next use.
      c.terminate();
      const restarted = await c.classify(blob);
      c.terminate();
      return { progress, info: ready.info, result, fromBytes, refusals, after, restarted };
    });
    assertSameAsNative(got.result, apiExample);
    assertSameAsNative(got.fromBytes, apiExample);
    assertSameAsNative(got.after, apiExample);
    assertSameAsNative(got.restarted, apiExample);
    assert.deepEqual(got.refusals, ["not_image", "empty", "bad_input"]);
    const w = want[apiExample];
    assert.equal(got.info.model_version, w.model_version);
    assert.deepEqual(got.info.classes.map((c) => c.class), ["round", "in-between", "cigar", "edge-on", "spiral"]);
    const crop = cropOf(424, 424);
    assert.deepEqual(got.result.crop, { x: crop.x, y: crop.y, width: crop.side, height: crop.side });
    assert.deepEqual(got.result.image, { width: 424, height: 424 });

    // Load progress: download percentages up to 100%, then compile, model, ready.
    const stages = got.progress.map((p) => p.stage).filter((s, i, a) => s !== a[i - 1]);
    assert.deepEqual(stages, ["download", "compile", "model", "ready", "download", "compile", "model", "ready"]);
    const firstLoad = got.progress.slice(0, got.progress.findIndex((p) => p.stage === "ready"));
    const fractions = firstLoad.filter((p) => p.stage === "download").map((p) => p.fraction);
    assert.ok(fractions.length >= 2, "download progress was reported");
    assert.deepEqual(fractions, [...fractions].sort((a, b) => a - b), "download progress only grows");
    assert.equal(fractions.at(-1), 1);
  });

  test("works from a plain static host, under a sub-path, with hiwl.wasm gzipped and mislabelled", async () => {
    const host = await plainHost("/outreach/galaxies/");
    const other = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    watch(other);
    other.setDefaultTimeout(60_000);
    try {
      await other.goto(host.url);
      await other.waitForSelector('#load[data-state="ready"]');
      await other.click('[data-example="examples/848953.jpg"]');
      await other.waitForSelector('#result[data-source="848953.jpg"]:not([hidden])');
      await assertPageShows(example, other);
      assert.ok(host.served.includes("/outreach/galaxies/hiwl.wasm"));
    } finally {
      await other.close();
      await host.close();
    }
  });

  test("no request leaves 127.0.0.1, and nothing failed", async () => {
    assert.ok(requests.some((u) => u.endsWith("/hiwl.wasm")), "the worker's requests are seen");
    const local = [server.origin, ...origins];
    const foreign = requests.filter((u) => !local.some((o) => u.startsWith(`${o}/`)) && !/^(blob|data):/.test(u));
    assert.deepEqual(foreign, []);
    assert.deepEqual(problems, []);
  });
});
