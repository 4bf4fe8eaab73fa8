// End-to-end tests of "load once, classify many" in headless Chromium: the
// module arrives compressed and is kept in the Cache API, so a second visit
// downloads none of it; a new build replaces the cached one; twenty real
// images dropped at once all get results whose CSV matches the native
// classify command; the grid sorts, filters and opens the detail view; the
// result is brought into view and labels stay on one line, on a phone too;
// hiwl.create / classify / dispose behave as documented.
//
//   make wasm-build && node --test wasm/test/many.test.mjs
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { createServer, get } from "node:http";
import { basename, extname, join } from "node:path";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { launch, nativeCLI, root, startServer, writeAtomic } from "./harness.mjs";

const tolerance = 1e-4;
const classes = ["round", "in-between", "cigar", "edge-on", "spiral"];
const data = "../shared/data/gz-challenge-5class";
// Four real images of each class: twenty, dropped at once.
const twenty = classes.flatMap((c) => readdirSync(join(root, data, c)).filter((f) => f.endsWith(".jpg")).sort().slice(0, 4)
  .map((f) => `${data}/${c}/${f}`));
const gridShot = join(root, "out/wasm/page-grid.png");
const wasmBytes = readFileSync(join(root, "wasm/static/hiwl.wasm"));
const manifest = JSON.parse(readFileSync(join(root, "wasm/static/hiwl.json"), "utf8"));

let server, browser, native;
const origins = [];
const requests = [];
const problems = [];

before(async () => {
  native = nativeCLI(twenty);
  server = await startServer();
  origins.push(server.origin);
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

function watch(p) {
  p.on("request", (r) => requests.push(r.url()));
  p.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  p.on("console", (m) => { if (m.type() === "error") problems.push(`console: ${m.text()}`); });
  p.setDefaultTimeout(120_000);
}

// visit opens the page in context and waits until the classifier is ready;
// it returns the page, the worker's load timings, and what the server sent
// during the visit.
async function visit(context, url = server.url, log = server.served) {
  const start = log().length;
  const page = await context.newPage();
  watch(page);
  await page.goto(url);
  await page.waitForSelector('#load[data-state="ready"]');
  const timings = JSON.parse(await page.getAttribute("#load", "data-timings"));
  return { page, timings, served: () => log().slice(start) };
}

const wasmRequests = (served) => served.filter((r) => /\/hiwl\.wasm(\.br|\.gz)?$/.test(r.path));

function near(got, want, what) {
  assert.ok(Number.isFinite(got), `${what}: not a number (${got})`);
  assert.ok(Math.abs(got - want) <= tolerance, `${what}: got ${got}, native says ${want}`);
}

// parseCSV reads RFC 4180 text (quoted fields, CRLF) into arrays.
function parseCSV(text) {
  const rows = [];
  let row = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { field += '"'; i++; } else if (ch === '"') quoted = false; else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") { row.push(field); field = ""; } else if (ch === "\n") { row.push(field.replace(/\r$/, "")); rows.push(row); row = []; field = ""; } else field += ch;
  }
  if (field || row.length) { row.push(field); rows.push(row); }
  return rows;
}

// dropFiles dispatches one drop of the given files ({name, path | bytes}) on
// the drop zone, as a visitor dragging them in from a file manager.
async function dropFiles(page, files) {
  const payload = files.map((f) => ({ name: f.name, b64: (f.bytes ?? readFileSync(join(root, f.path))).toString("base64") }));
  const dt = await page.evaluateHandle((list) => {
    const dt = new DataTransfer();
    for (const { name, b64 } of list) {
      const raw = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      dt.items.add(new File([raw], name, { type: name.endsWith(".jpg") ? "image/jpeg" : "text/plain" }));
    }
    return dt;
  }, payload);
  await page.dispatchEvent("#drop", "drop", { dataTransfer: dt });
}

// gridState reads the grid as shown: visible cells in order.
function gridState(page) {
  return page.$$eval("#grid li:not([hidden]) .cell", (cells) => cells.map((c) => ({
    file: c.dataset.file,
    status: c.dataset.status,
    class: c.dataset.class,
    confidence: Number(c.dataset.confidence),
    alt: c.querySelector("img")?.alt ?? null,
    text: c.textContent,
  })));
}

function httpGet(url, accept) {
  return new Promise((resolve, reject) => {
    get(url, { headers: accept == null ? {} : { "Accept-Encoding": accept } }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
    }).on("error", reject);
  });
}

describe("load once", () => {
  test("wasm/serve sends hiwl.wasm compressed when the request accepts it", async () => {
    const url = new URL("hiwl.wasm", server.url).href;
    const br = await httpGet(url, "gzip, deflate, br");
    assert.equal(br.headers["content-encoding"], "br");
    assert.equal(br.headers["content-type"], "application/wasm");
    assert.match(br.headers.vary, /Accept-Encoding/);
    // A third: brotli 9 leaves 27% of the module since the protobuf
    // runtimes (which compressed well) went (third_party/onnx-go/HIWL.md).
    assert.ok(br.body.length < wasmBytes.length / 3, `brotli body ${br.body.length} bytes of ${wasmBytes.length}`);
    assert.ok(brotliDecompressSync(br.body).equals(wasmBytes), "the brotli body decodes to hiwl.wasm");

    const gz = await httpGet(url, "gzip");
    assert.equal(gz.headers["content-encoding"], "gzip");
    assert.ok(gunzipSync(gz.body).equals(wasmBytes), "the gzip body decodes to hiwl.wasm");

    const plain = await httpGet(url, "identity");
    assert.equal(plain.headers["content-encoding"], undefined);
    assert.match(plain.headers.vary, /Accept-Encoding/);
    assert.equal(plain.body.length, wasmBytes.length);
  });

  test("Chromium receives the module compressed, and a second visit downloads none of it", async () => {
    const context = await browser.newContext();
    try {
      const seenBefore = requests.length;
      const first = await visit(context);
      // The worker's requests are seen by the browser-side count too, so its
      // zero on the second visit means something.
      assert.ok(requests.slice(seenBefore).some((u) => /\/hiwl\.wasm$/.test(u)), "the first visit's module request is seen");
      assert.equal(first.timings.source, "network");
      assert.equal(first.timings.version, manifest.version);
      assert.equal(first.timings.manifest_matches, true, "hiwl.json names the module's model version");
      // model_ms splits into Go's start and the model's load, both measured.
      for (const k of ["go_start_ms", "model_load_ms"]) {
        assert.ok(first.timings[k] > 0, `timings.${k} ${first.timings[k]}`);
      }
      assert.ok(Math.abs(first.timings.go_start_ms + first.timings.model_load_ms - first.timings.model_ms) < 20,
        `go_start_ms + model_load_ms ≈ model_ms: ${JSON.stringify(first.timings)}`);
      const got = wasmRequests(first.served());
      assert.equal(got.length, 1, `one download of the module: ${JSON.stringify(got)}`);
      assert.ok(["br", "gzip"].includes(got[0].encoding), `sent with Content-Encoding ${got[0].encoding}`);
      const sent = got[0].encoding === "br" ? manifest.wasm.br_bytes : manifest.wasm.gzip_bytes;
      assert.equal(got[0].bytes, sent, "the whole precompressed file, not the raw module, went over the wire");
      assert.equal(first.timings.wasm_bytes, wasmBytes.length, "the worker got the whole decoded module");
      await first.page.close();

      const seen = requests.length;
      const second = await visit(context);
      assert.equal(second.timings.source, "cache");
      assert.deepEqual(wasmRequests(second.served()), [], "the server sent no module bytes on the second visit");
      assert.deepEqual(requests.slice(seen).filter((u) => /hiwl\.wasm/.test(u)), [], "the browser requested no module");
      // It still classifies, from the cached module.
      await second.page.waitForSelector('[data-example="examples/848953.jpg"]');
      await second.page.click('[data-example="examples/848953.jpg"]');
      await second.page.waitForSelector('#result[data-source="848953.jpg"]:not([hidden])');
      await second.page.close();
    } finally {
      await context.close();
    }
  });

  test("a new version replaces the cached module", async () => {
    // A static host whose hiwl.json can be bumped, as a deploy would.
    let version = "test-build-1";
    const host = await staticHost((rel) => rel === "hiwl.json" ? JSON.stringify({ ...manifest, version }) : undefined);
    const origin = host.origin;
    const log = host.log;
    const keys = (page) => page.evaluate(async () => (await (await caches.open("hiwl-wasm")).keys()).map((r) => new URL(r.url).search));
    const context = await browser.newContext();
    try {
      const a = await visit(context, `${origin}/`, log);
      assert.equal(a.timings.source, "network");
      assert.deepEqual(await keys(a.page), ["?v=test-build-1"]);
      await a.page.close();

      const b = await visit(context, `${origin}/`, log);
      assert.equal(b.timings.source, "cache");
      assert.equal(wasmRequests(b.served()).length, 0);
      await b.page.close();

      version = "test-build-2";
      const c = await visit(context, `${origin}/`, log);
      assert.equal(c.timings.source, "network", "a new version is downloaded");
      assert.equal(wasmRequests(c.served()).length, 1);
      assert.deepEqual(await keys(c.page), ["?v=test-build-2"], "and replaces the old entry");
      // A damaged entry (a disk error, a half-written file) is dropped and
      // the module downloaded again, rather than breaking the page for good.
      await c.page.evaluate(async () => {
        const cache = await caches.open("hiwl-wasm");
        const [key] = await cache.keys();
        await cache.put(key, new Response(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 99]), { headers: { "Content-Type": "application/wasm" } }));
      });
      await c.page.close();
      const d = await visit(context, `${origin}/`, log);
      assert.equal(d.timings.source, "network");
      assert.equal(d.timings.wasm_bytes, wasmBytes.length);
      assert.equal(wasmRequests(d.served()).length, 1);
      const size = await d.page.evaluate(async () => {
        const cache = await caches.open("hiwl-wasm");
        return (await (await cache.match((await cache.keys())[0])).arrayBuffer()).byteLength;
      });
      assert.equal(size, wasmBytes.length, "the good module is stored again");
      await d.page.close();
    } finally {
      await context.close();
      await host.close();
    }
  });

  test("when the module cannot be loaded, a batch stops with a message instead of retrying every file", async () => {
    const host = await staticHost((rel) => (rel === "hiwl.wasm" || rel === "hiwl.json" ? null : undefined));
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      watch(page);
      await page.goto(`${host.origin}/`);
      await page.waitForSelector('#load[data-state="failed"]');
      await dropFiles(page, twenty.slice(0, 3).map((path) => ({ name: basename(path), path })));
      await page.waitForSelector('#error[data-code="load_failed"]:not([hidden])');
      assert.equal(await page.textContent("#batch-count"), "Classified 0 of 3");
      assert.deepEqual((await gridState(page)).map((c) => c.status), ["queued", "queued", "queued"]);
      const tries = wasmRequests(host.log()).length;
      assert.ok(tries >= 1 && tries <= 2, `hiwl.wasm was requested ${tries} times for one page and a batch of three`);
    } finally {
      await context.close();
      await host.close();
    }
  });
});

// staticHost serves wasm/static on a free loopback port, like a plain static
// host; answer(rel) may replace a file: a string is its body, null a 404.
async function staticHost(answer) {
  const served = [];
  const dir = join(root, "wasm/static");
  const types = { ".html": "text/html", ".js": "text/javascript", ".css": "text/css", ".jpg": "image/jpeg", ".wasm": "application/wasm", ".json": "application/json" };
  const srv = createServer((req, res) => {
    const path = new URL(req.url, "http://host").pathname;
    const rel = path === "/" ? "index.html" : path.slice(1);
    served.push({ path });
    const special = answer(rel);
    if (special === null) {
      res.writeHead(404).end();
      return;
    }
    try {
      if (rel.includes("..")) throw new Error("outside");
      const body = special ?? readFileSync(join(dir, rel));
      res.writeHead(200, { "Content-Type": types[extname(rel)] || "application/octet-stream" }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((resolve) => srv.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${srv.address().port}`;
  origins.push(origin);
  return { origin, log: () => served, close: () => new Promise((resolve) => srv.close(resolve)) };
}

describe("classify many", () => {
  let context, page;
  before(async () => {
    context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true, reducedMotion: "reduce" });
    ({ page } = await visit(context));
  });
  after(async () => context?.close());

  test("twenty images dropped at once all get results, and the CSV matches the native classify command", async () => {
    assert.equal(twenty.length, 20);
    await dropFiles(page, twenty.map((path) => ({ name: basename(path), path })));
    await page.waitForSelector('#batch[data-state="done"][data-finished="20"]');
    assert.equal(await page.textContent("#batch-count"), "Classified 20 of 20");
    const cells = await gridState(page);
    assert.equal(cells.length, 20);
    const noteOf = Object.fromEntries(twenty.map((p) => [basename(p), native[p].label_note]));
    for (const c of cells) {
      assert.equal(c.status, "done", `${c.file}: ${c.text}`);
      assert.ok(c.alt && c.alt.startsWith(`${c.file}: `), `${c.file}: thumbnail alt text ${JSON.stringify(c.alt)}`);
      // A label the hierarchy chose over a likelier class carries the
      // native classifier's note; others carry none.
      assert.equal(c.alt.endsWith(`. ${noteOf[c.file]}`), !!noteOf[c.file], `${c.file}: note in ${JSON.stringify(c.alt)}`);
    }
    assert.match(await page.textContent("#announce"), /^Classified 20 images: /, "the finished batch is announced");

    const [download] = await Promise.all([page.waitForEvent("download"), page.click("#csv")]);
    const csv = readFileSync(await download.path(), "utf8");
    const rows = parseCSV(csv);
    assert.deepEqual(rows[0], ["file", "label", "p_round", "p_in_between", "p_cigar", "p_edge_on", "p_spiral",
      "a_in_between", "a_merged", "a_round", "a_spiral", "b_cigar", "b_edge_on", "domain_score", "out_of_domain", "model_version", "error"]);
    assert.equal(rows.length, 21);
    const byName = Object.fromEntries(twenty.map((p) => [basename(p), native[p]]));
    for (const r of rows.slice(1)) {
      const [file, label, ...rest] = r;
      const w = byName[file];
      assert.ok(w, `CSV row for an unknown file ${file}`);
      assert.equal(label, w.class, `${file}: label`);
      const nums = rest.slice(0, 11).map(Number);
      classes.forEach((c, i) => near(nums[i], w.probabilities[c], `${file}: p_${c}`));
      ["in-between smooth", "cigar-shaped or edge-on", "completely round smooth", "spiral"]
        .forEach((n, i) => near(nums[5 + i], w.hierarchy.a[n], `${file}: A ${n}`));
      ["cigar-shaped smooth", "edge-on"].forEach((n, i) => near(nums[9 + i], w.hierarchy.b[n], `${file}: B ${n}`));
      near(Number(rest[11]), w.domain.score, `${file}: domain_score`);
      assert.equal(rest[12], String(w.domain.out_of_domain), `${file}: out_of_domain`);
      assert.equal(rest[13], w.model_version);
      assert.equal(rest[14], "", `${file}: error column`);
    }
    writeAtomic(gridShot, await page.screenshot({ fullPage: true }));
  });

  test("the grid sorts by confidence and filters by class", async () => {
    const added = await gridState(page);
    assert.deepEqual(added.map((c) => c.file), twenty.map((p) => basename(p)), "first in the order added");

    await page.selectOption("#sort", "uncertain");
    const up = await gridState(page);
    const conf = up.map((c) => c.confidence);
    assert.deepEqual(conf, [...conf].sort((a, b) => a - b), "least certain first");
    const byName = Object.fromEntries(twenty.map((p) => [basename(p), native[p]]));
    for (const c of up) near(c.confidence, byName[c.file].probabilities[byName[c.file].class], `${c.file}: confidence`);
    assert.notDeepEqual(up.map((c) => c.file), added.map((c) => c.file), "sorting changed the order");

    await page.selectOption("#sort", "certain");
    const down = (await gridState(page)).map((c) => c.confidence);
    assert.deepEqual(down, [...conf].sort((a, b) => b - a), "most certain first");

    const counts = {};
    for (const p of twenty) counts[native[p].class] = (counts[native[p].class] || 0) + 1;
    for (const c of classes) {
      await page.selectOption("#filter", c);
      const shown = await gridState(page);
      assert.equal(shown.length, counts[c] || 0, `filter ${c}`);
      assert.ok(shown.every((s) => s.class === c));
      assert.equal(await page.isVisible("#grid-empty"), !counts[c], `the empty note for ${c}`);
    }
    await page.selectOption("#filter", "all");
    await page.selectOption("#sort", "added");
  });

  test("choosing a thumbnail, by keyboard too, opens the detail view with its map", async () => {
    const name = basename(twenty[17]);
    const w = native[twenty[17]];
    await page.focus(`#grid .cell[data-file="${name}"]`);
    await page.keyboard.press("Enter");
    await page.waitForSelector(`#result[data-source="${name}"]:not([hidden])`);
    assert.equal(await page.textContent("#label"), w.label);
    const probs = await page.$$eval("#probs li", (lis) => Object.fromEntries(lis.map((li) => [li.dataset.class, Number(li.dataset.value)])));
    for (const c of classes) near(probs[c], w.probabilities[c], `${name}: shown p(${c})`);
    const drawn = await page.evaluate(() => {
      const c = document.getElementById("overlay");
      const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
      return { n, camClass: c.dataset.camClass };
    });
    assert.equal(drawn.camClass, w.class);
    assert.ok(drawn.n > 0, "the attention map is drawn");
    await page.waitForFunction(() => {
      const r = document.getElementById("result").getBoundingClientRect();
      return r.top >= -1 && r.top < innerHeight / 2;
    });
    assert.equal(await page.evaluate(() => document.activeElement.id), "result-title", "focus moves to the result");
    // Back to the grid (Escape, or the button), focus on the same thumbnail.
    await page.keyboard.press("Escape");
    assert.equal(await page.isHidden("#result"), true);
    assert.equal(await page.evaluate(() => document.activeElement.dataset.file), name);
    await page.keyboard.press("Enter");
    await page.waitForSelector(`#result[data-source="${name}"]:not([hidden])`);
    await page.click("#back");
    assert.equal(await page.isHidden("#result"), true);
    assert.equal(await page.evaluate(() => document.activeElement.dataset.file), name);
  });

  test("unreadable files in a batch become error rows, not a stuck grid", async () => {
    await dropFiles(page, [
      { name: "notes.txt", bytes: Buffer.from("not a galaxy") },
      { name: "again.jpg", path: twenty[0] },
    ]);
    await page.waitForSelector('#batch[data-state="done"][data-finished="22"]');
    assert.equal(await page.textContent("#batch-count"), "Classified 22 of 22 (1 could not be read)");
    await page.selectOption("#filter", "error");
    const shown = await gridState(page);
    assert.deepEqual(shown.map((c) => [c.file, c.status]), [["notes.txt", "error"]]);
    await page.selectOption("#filter", "all");
    const [download] = await Promise.all([page.waitForEvent("download"), page.click("#csv")]);
    const rows = parseCSV(readFileSync(await download.path(), "utf8"));
    assert.equal(rows.length, 23);
    const bad = rows.find((r) => r[0] === "notes.txt");
    assert.deepEqual(bad.slice(1, 15), Array(14).fill(""));
    assert.match(bad[16], /not a JPEG, PNG or GIF/);
    const again = rows.find((r) => r[0] === "again.jpg");
    near(Number(again[2]), native[twenty[0]].probabilities.round, "again.jpg p_round");
    await page.click("#clear");
    assert.equal(await page.isHidden("#batch"), true);
  });

  test("a folder picked with \"Choose a folder\" is walked, images only, with their paths", async () => {
    const top = join(mkdtempSync(join(tmpdir(), "hiwl-folder-")), "cutouts");
    mkdirSync(join(top, "deeper"), { recursive: true });
    copyFileSync(join(root, twenty[4]), join(top, "a.jpg"));
    copyFileSync(join(root, twenty[8]), join(top, "b.JPG"));
    copyFileSync(join(root, twenty[12]), join(top, "deeper", "c.jpeg"));
    writeFileSync(join(top, "notes.txt"), "not an image");
    await page.setInputFiles("#folder", top);
    await page.waitForSelector('#batch[data-state="done"][data-finished="3"]');
    const cells = await gridState(page);
    assert.deepEqual(cells.map((c) => c.file).sort(), ["cutouts/a.jpg", "cutouts/b.JPG", "cutouts/deeper/c.jpeg"]);
    assert.ok(cells.every((c) => c.status === "done"));
    const c = cells.find((x) => x.file === "cutouts/deeper/c.jpeg");
    near(c.confidence, native[twenty[12]].probabilities[native[twenty[12]].class], "c.jpeg confidence");
    await page.click("#clear");
  });

  test("Clear while a file is in the worker, then a new drop: the new images are classified", async () => {
    // Twelve, so that some are still queued when the harness looks: with
    // three, a loaded host's slow polling could miss the short moment they
    // were (a 120 s timeout seen once, with trainings running beside).
    await dropFiles(page, twenty.slice(8, 20).map((path) => ({ name: basename(path), path })));
    await page.waitForSelector('#grid .cell[data-status="queued"]', { state: "attached" });
    await page.click("#clear");
    await dropFiles(page, twenty.slice(5, 7).map((path) => ({ name: basename(path), path })));
    await page.waitForSelector('#batch[data-state="done"][data-finished="2"]');
    assert.deepEqual((await gridState(page)).map((c) => [c.file, c.status]), twenty.slice(5, 7).map((p) => [basename(p), "done"]));
    await page.click("#clear");
  });
});

describe("page details", () => {
  // labelLines counts the rendered lines of every bar label.
  const labelLines = (page) => page.$$eval(".bars .name", (names) => names.map((n) => {
    const r = document.createRange();
    r.selectNodeContents(n);
    const tops = new Set([...r.getClientRects()].map((x) => Math.round(x.top)));
    return { text: n.textContent, lines: tops.size };
  }));

  for (const [what, viewport] of [["desktop 1280x900", { width: 1280, height: 900 }], ["phone 390x844", { width: 390, height: 844 }]]) {
    test(`${what}: the result comes into view, labels stay on one line, nothing overflows`, async () => {
      const context = await browser.newContext({ viewport, reducedMotion: "reduce" });
      try {
        const { page } = await visit(context);
        await page.waitForSelector('[data-example="examples/953804.jpg"]');
        assert.ok(await page.evaluate(() => document.getElementById("result").hidden));
        await page.click('[data-example="examples/953804.jpg"]');
        await page.waitForSelector('#result[data-source="953804.jpg"]:not([hidden])');
        await page.waitForFunction(() => {
          const r = document.getElementById("result").getBoundingClientRect();
          return r.top >= -1 && r.top < innerHeight / 2;
        });
        const lines = await labelLines(page);
        assert.ok(lines.length >= 11, "the five classes and both networks' outputs");
        for (const l of lines) assert.equal(l.lines, 1, `"${l.text}" is on ${l.lines} lines`);
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - innerWidth);
        assert.ok(overflow <= 0, `the page is ${overflow}px wider than the screen`);
        assert.match(await page.getAttribute("#image-canvas", "aria-label"), /953804\.jpg/);
        assert.match(await page.textContent("#announce"), /^953804\.jpg: /);
      } finally {
        await context.close();
      }
    });
  }
});

describe("hiwl.js API", () => {
  test("create({base}) / classify(bytes, {cam}) / dispose(), errors with code and message", async () => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      watch(page);
      await page.goto(new URL("examples/examples.json", server.url).href); // any same-origin page
      const got = await page.evaluate(async () => {
        const hiwl = await import("/hiwl.js");
        const clf = await hiwl.create({ base: "/" });
        const bytes = new Uint8Array(await (await fetch("/examples/953804.jpg")).arrayBuffer());
        const withMaps = await clf.classify(bytes, { cam: true });
        const without = await clf.classify(bytes.buffer, { cam: false });
        const errors = [];
        const fail = async (p) => {
          try { await p; errors.push("resolved"); } catch (e) { errors.push([e instanceof hiwl.ClassifyError, e.code, typeof e.message === "string" && e.message.length > 0]); }
        };
        await fail(clf.classify(new Blob(["text"])));
        await fail(clf.classify(42));
        clf.dispose();
        await fail(clf.classify(bytes));
        await fail(hiwl.create({ base: "/no-such-folder/" }));
        return {
          ready: !!clf.info && clf.info.model_version,
          withMaps: { label: withMaps.label, cams: Object.keys(withMaps.cams || {}).length, cam: !!withMaps.cam, p: withMaps.probabilities },
          without: { label: without.label, cams: "cams" in without, cam: "cam" in without, p: without.probabilities },
          errors,
          sameDefault: hiwl.default.create === hiwl.create,
          exports: Object.keys(hiwl).sort(),
        };
      });
      assert.equal(got.ready, manifest.model_version);
      assert.equal(got.withMaps.cams, 5);
      assert.equal(got.withMaps.cam, true);
      assert.equal(got.without.cams, false);
      assert.equal(got.without.cam, false);
      assert.deepEqual(got.without.p, got.withMaps.p, "maps or not, the same answer");
      assert.deepEqual(got.errors, [[true, "not_image", true], [true, "bad_input", true], [true, "disposed", true], [true, "load_failed", true]]);
      assert.equal(got.sameDefault, true);
      // hiwl.d.ts declares what hiwl.js exports, no more and no less.
      const dts = readFileSync(join(root, "wasm/static/hiwl.d.ts"), "utf8");
      const declared = [...dts.matchAll(/^export (?:declare )?(?:function|class|const) (\w+)/gm)].map((m) => m[1]);
      if (/^export default /m.test(dts)) declared.push("default");
      assert.deepEqual(declared.sort(), got.exports);
    } finally {
      await context.close();
    }
  });
});

test("no request left 127.0.0.1, and nothing failed on the pages", () => {
  const foreign = requests.filter((u) => !origins.some((o) => u.startsWith(`${o}/`)) && !/^(blob|data):/.test(u));
  assert.deepEqual(foreign, []);
  // The API test asks for a folder that does not exist, and one host has no
  // module: their 404s are expected.
  assert.deepEqual(problems.filter((p) => !/no-such-folder|404/.test(p)), []);
});
