// app.js drives the demo page, through hiwl.js's public API only: it takes
// one image (file picker, drop, example button) into the detail view, or
// many (several files, a folder) into a grid classified one after another,
// and draws the answers. Sites that want their own page use hiwl.js.
import * as hiwl from "./hiwl.js";
import { toCSV } from "./csv.js";

const { ClassifyError } = hiwl;
const $ = (id) => document.getElementById(id);

// The page works with whatever the first create() gave; if it failed, the
// next image tries again.
let starting = null;
function classifier() {
  if (!starting) {
    starting = hiwl.create({ onProgress: showProgress });
    starting.catch(() => { starting = null; });
  }
  return starting;
}
$("load").dataset.startedAt = Math.round(performance.now()); // ms since navigation start, for the benchmark
const firstStart = classifier();

let info = null; // the module's description, from ready
let shown = null; // {result, scale} of the result on screen
let latest = 0; // number of the newest single request: older answers are dropped

// ---- loading ----------------------------------------------------------

const mb = (n) => (n / 1e6).toFixed(1);

function showProgress(p) {
  const box = $("load");
  const text = $("load-text");
  const bar = $("load-progress");
  switch (p.stage) {
    case "download":
      box.dataset.state = "loading";
      if (p.source === "cache") {
        bar.removeAttribute("value");
        text.textContent = "Starting the classifier from this browser's cache…";
      } else if (p.fraction == null || !p.total) {
        bar.removeAttribute("value"); // indeterminate
        text.textContent = p.loaded ? `Downloading the classifier… ${mb(p.loaded)} MB` : "Downloading the classifier…";
      } else {
        bar.value = p.fraction;
        text.textContent = `Downloading the classifier… ${Math.round(p.fraction * 100)}% (${mb(p.loaded)} of ${mb(p.total)} MB)`;
      }
      break;
    case "compile":
      bar.removeAttribute("value");
      text.textContent = "Compiling the classifier…";
      break;
    case "model":
      bar.removeAttribute("value");
      text.textContent = "Loading the model…";
      break;
    case "ready":
      info = p.info;
      box.dataset.state = "ready";
      box.dataset.timings = JSON.stringify(p.timings); // read by the benchmark
      box.dataset.readyAt = Math.round(performance.now()); // ms since navigation start
      bar.value = 1;
      text.textContent = `Ready: model ${p.info.model_version}, ` +
        (p.timings.source === "cache" ? "started from this browser's cache" : "loaded") +
        ` in ${(p.timings.total_ms / 1000).toFixed(1)} s.`;
      fillFilter();
      break;
    case "error":
      box.dataset.state = "failed";
      bar.value = 0;
      text.textContent = p.error.code === "crashed"
        ? "The classifier stopped working. It restarts with the next image."
        : `The classifier could not be loaded (${p.error.detail || p.error.message}). Reload the page to try again.`;
      break;
  }
}

// ---- examples ---------------------------------------------------------

// examples/examples.json lists the bundled images, so they can be swapped
// without touching this code.
async function loadExamples() {
  const list = $("examples");
  let examples;
  try {
    const res = await fetch("examples/examples.json");
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    examples = (await res.json()).examples;
    if (!Array.isArray(examples)) throw new Error("no examples list");
  } catch (err) {
    list.replaceChildren(el("li", { class: "hint" }, `The examples could not be loaded (${err.message}).`));
    return;
  }
  list.replaceChildren(...examples.filter((x) => x && typeof x.file === "string").map((x) => {
    const url = `examples/${x.file}`;
    const id = x.galaxy_id || x.file.replace(/\.[^.]*$/, "");
    // The thumbnails load once the first start of the classifier has
    // finished, or failed: fetched and decoded beside the worker's start
    // they slowed it on a two-core machine (in Chromium the second visit
    // was ready 4-113 ms later, three alternated runs; wasm/README.md).
    const img = el("img", { alt: `Galaxy Zoo picture of galaxy ${id}`, width: "96", height: "96" });
    const show = () => { img.src = url; };
    firstStart.then(show, show);
    const button = el("button", { type: "button", "data-example": url },
      img, el("span", {}, `Galaxy ${id}`), el("small", {}, `volunteers: ${x.volunteers || "unknown"}`));
    button.addEventListener("click", () => classifyExample(url));
    return el("li", {}, button);
  }));
  list.dataset.ready = "true";
}
loadExamples();

async function classifyExample(url) {
  const name = url.split("/").pop();
  $("result").dataset.askedAt = Math.round(performance.now()); // for the benchmark: click to result
  try {
    const res = await fetch(url);
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    classifyInput(await res.blob(), name);
  } catch (err) {
    showError(name, new ClassifyError("load_failed", "The example image could not be loaded.", String(err)));
  }
}

// ---- input ------------------------------------------------------------

$("file").addEventListener("change", (e) => {
  const files = [...e.target.files];
  e.target.value = ""; // picking the same files again must fire change again
  take(files.map((f) => ({ file: f, name: f.name })), false);
});

$("folder").addEventListener("change", (e) => {
  const files = [...e.target.files];
  e.target.value = "";
  take(files.map((f) => ({ file: f, name: f.webkitRelativePath || f.name })), true);
});

// take sends one picked or dropped file to the detail view and several to
// the grid. Inside folders only image files count, as in the native
// classify command; files chosen one by one are all tried.
function take(entries, fromFolder) {
  if (fromFolder) entries = entries.filter((x) => isImageName(x.name));
  if (entries.length === 0) {
    if (fromFolder) showError("the folder", new ClassifyError("not_image", "The folder has no JPEG, PNG or GIF images."));
    return;
  }
  if (entries.length === 1 && !fromFolder) {
    classifyInput(entries[0].file, entries[0].name);
    return;
  }
  addToBatch(entries);
}

const isImageName = (name) => /\.(jpe?g|png|gif)$/i.test(name);

// Drops are accepted anywhere on the page; the drop zone shows they are.
let dragDepth = 0;
document.addEventListener("dragenter", (e) => {
  if (!hasFiles(e)) return;
  dragDepth++;
  $("drop").classList.add("dragging");
});
document.addEventListener("dragleave", () => {
  dragDepth = Math.max(0, dragDepth - 1);
  if (dragDepth === 0) $("drop").classList.remove("dragging");
});
document.addEventListener("dragover", (e) => {
  e.preventDefault(); // allows the drop
  if (e.dataTransfer) e.dataTransfer.dropEffect = "copy";
});
document.addEventListener("drop", async (e) => {
  e.preventDefault();
  dragDepth = 0;
  $("drop").classList.remove("dragging");
  // Items are only readable during the event: take them all now, walk the
  // folders afterwards.
  const files = [];
  const folders = [];
  for (const item of e.dataTransfer ? [...e.dataTransfer.items] : []) {
    if (item.kind !== "file") continue;
    const entry = item.webkitGetAsEntry ? item.webkitGetAsEntry() : null;
    if (entry && entry.isDirectory) {
      folders.push(entry);
    } else {
      const f = item.getAsFile();
      if (f) files.push({ file: f, name: f.name });
    }
  }
  if (files.length === 0 && folders.length === 0) {
    // A picture dragged from another site arrives as a URL; fetching it
    // would send a request off this page, which this page never does.
    showError("the dropped item", new ClassifyError("not_image", "Drop image files from your computer, or save the picture first."));
    return;
  }
  if (folders.length === 0) {
    take(files, false);
    return;
  }
  const inFolders = [];
  for (const f of folders) await walk(f, inFolders);
  take([...files, ...inFolders.filter((x) => isImageName(x.name))], files.length === 0);
});

// walk collects the files below a dropped folder, up to maxFolderFiles.
const maxFolderFiles = 20000;
async function walk(dir, out) {
  const reader = dir.createReader();
  for (;;) {
    const batch = await new Promise((resolve) => reader.readEntries(resolve, () => resolve([])));
    if (batch.length === 0) return;
    for (const entry of batch) {
      if (out.length >= maxFolderFiles) return;
      if (entry.isDirectory) {
        await walk(entry, out);
      } else if (isImageName(entry.name)) {
        const file = await new Promise((resolve) => entry.file(resolve, () => resolve(null)));
        if (file) out.push({ file, name: entry.fullPath.replace(/^\//, "") });
      }
    }
  }
}

function hasFiles(e) {
  return e.dataTransfer && Array.from(e.dataTransfer.types || []).includes("Files");
}

// ---- classify one -----------------------------------------------------

async function classifyInput(blob, name) {
  const mine = ++latest;
  hideError();
  $("result").setAttribute("aria-busy", "true");
  $("busy").textContent = info ? `Classifying ${name}…` : `Classifying ${name} once the classifier has loaded…`;
  document.body.dataset.busy = "true";
  let result;
  try {
    result = await (await classifier()).classify(blob, { cam: true });
  } catch (err) {
    if (mine === latest) {
      done();
      showError(name, err);
    }
    return;
  }
  const pic = await picture(blob);
  if (mine !== latest) {
    pic?.bitmap.close();
    return;
  }
  done();
  render(result, pic, name, null);
}

// picture decodes the browser's own copy for display. It is called only
// once Go has checked the image's size: a decompression bomb never reaches
// the browser's decoder.
function picture(blob) {
  return Promise.all([createImageBitmap(blob), exifOrientation(blob)])
    .then(([bitmap, orientation]) => ({ bitmap, orientation }))
    .catch(() => null);
}

function done() {
  $("busy").textContent = "";
  $("result").setAttribute("aria-busy", "false");
  delete document.body.dataset.busy;
}

function showError(name, err) {
  const box = $("error");
  const code = err instanceof ClassifyError ? err.code : "internal";
  const message = err instanceof ClassifyError ? err.message : `Something went wrong: ${err}`;
  box.dataset.code = code;
  box.replaceChildren(
    el("strong", {}, `Could not classify ${name}. `),
    el("span", {}, message),
  );
  box.hidden = false;
  // A stale result next to an error would read as the answer for the bad file.
  $("result").hidden = true;
  shown = null;
}

function hideError() {
  $("error").hidden = true;
  delete $("error").dataset.code;
}

// ---- classify many ----------------------------------------------------

// items are the grid's images in the order added; the queue is worked
// through one at a time, so only one file's bytes are in flight and the
// page stays responsive for a folder of thousands.
let items = [];
let nextItem = 0; // index of the next item to classify
let running = false;
let generation = 0; // bumped by Clear, so a running loop stops

function addToBatch(entries) {
  hideError();
  const first = items.length;
  for (const { file, name } of entries) {
    const item = { index: items.length, name, file, status: "queued", result: null, error: null, url: null, cell: null };
    item.cell = cell(item);
    items.push(item);
  }
  $("batch").hidden = false;
  placeCells();
  updateCount();
  $("announce").textContent = `Classifying ${entries.length} images.`;
  if (first === 0) $("batch").scrollIntoView({ block: "start", behavior: motion() });
  run();
}

async function run() {
  if (running) return;
  running = true;
  const mine = generation;
  try {
    while (nextItem < items.length && mine === generation) {
      const item = items[nextItem++];
      item.status = "busy";
      try {
        const clf = await classifier();
        item.result = await clf.classify(item.file, { cam: true });
        item.status = "done";
        // Shown only after Go accepted the image's size (see picture()).
        item.url = URL.createObjectURL(item.file);
      } catch (err) {
        if (err instanceof ClassifyError && err.code === "load_failed") {
          // Without a classifier every other file would fail the same way
          // (and each try would download again): stop, keep them queued,
          // and go on with the next drop or pick.
          item.status = "queued";
          nextItem--;
          showError(`${items.length - nextItem} images`, err);
          break;
        }
        item.status = "error";
        item.error = err instanceof ClassifyError ? err : new ClassifyError("internal", String(err));
      }
      if (mine !== generation) break;
      fillCell(item);
      placeCells();
      updateCount();
    }
  } finally {
    running = false;
  }
  if (mine !== generation) {
    // Cleared while a file was in the worker: images dropped since then
    // are waiting for this loop to end.
    if (nextItem < items.length) run();
  } else if (nextItem >= items.length) {
    finishBatch();
  }
}

function finishBatch() {
  const failed = items.filter((x) => x.status === "error").length;
  const counts = new Map();
  for (const x of items) if (x.status === "done") counts.set(x.result.label, (counts.get(x.result.label) || 0) + 1);
  const summary = [...counts].sort((a, b) => b[1] - a[1]).map(([label, n]) => `${n} ${label}`).join(", ");
  $("announce").textContent = `Classified ${items.length} images${summary ? `: ${summary}` : ""}` +
    (failed ? `; ${failed} could not be classified.` : ".");
  $("batch").dataset.state = "done";
}

function updateCount() {
  const finished = items.filter((x) => x.status === "done" || x.status === "error").length;
  const failed = items.filter((x) => x.status === "error").length;
  $("batch-count").textContent = `Classified ${finished} of ${items.length}` + (failed ? ` (${failed} could not be read)` : "");
  $("batch-progress").value = items.length ? finished / items.length : 0;
  $("batch").dataset.finished = String(finished);
  $("batch").dataset.total = String(items.length);
  if (finished < items.length) $("batch").dataset.state = "running";
  $("csv").disabled = finished === 0;
}

const confidence = (x) => (x.status === "done" ? x.result.probabilities[x.result.class] : null);

function cell(item) {
  const button = el("button", { type: "button", class: "cell", "data-file": item.name, "data-status": "queued" },
    el("span", { class: "thumb" }),
    el("span", { class: "cell-name" }, item.name),
    el("span", { class: "cell-label" }, "waiting…"));
  button.addEventListener("click", () => openItem(item));
  return el("li", {}, button);
}

function fillCell(item) {
  const button = item.cell.firstChild;
  button.dataset.status = item.status;
  const thumb = button.querySelector(".thumb");
  const label = button.querySelector(".cell-label");
  if (item.status === "done") {
    const r = item.result;
    const c = confidence(item);
    button.dataset.class = r.class;
    button.dataset.confidence = String(c);
    button.dataset.outOfDomain = String(outOfDomain(r));
    // A label the hierarchy chose over a likelier class carries its note;
    // a picture unlike a galaxy cutout says so.
    const said = `${item.name}: ${r.label}, ${pct(c)}` + (r.label_note ? `. ${r.label_note}` : "") +
      (outOfDomain(r) ? ". It does not look like a galaxy cutout" : "");
    thumb.replaceChildren(el("img", {
      src: item.url, width: "96", height: "96", loading: "lazy", decoding: "async", alt: said,
    }));
    label.replaceChildren(el("strong", { "data-class": r.class }, r.label), " ", el("span", { class: "conf" }, pct(c)),
      ...(outOfDomain(r) ? [" ", el("span", { class: "cell-odd" }, "not a galaxy cutout?")] : []));
    button.title = said;
    // The thumbnail's alt text says it all; the visible text would only be
    // read a second time.
    for (const span of button.querySelectorAll(".cell-name, .cell-label")) span.setAttribute("aria-hidden", "true");
  } else {
    button.dataset.class = "error";
    button.dataset.code = item.error.code;
    thumb.replaceChildren(el("span", { class: "thumb-error", "aria-hidden": "true" }, "!"));
    label.replaceChildren(el("span", { class: "cell-error" }, item.error.message));
    button.title = `${item.name}: ${item.error.message}`;
  }
}

// placeCells puts the cells in the chosen order and hides those the filter
// leaves out. Queued ones stay at the end, in the order added.
function placeCells() {
  const sort = $("sort").value;
  const filter = $("filter").value;
  const rank = (x) => (x.status === "done" ? 0 : x.status === "error" ? 1 : 2);
  const order = info ? info.classes.map((c) => c.class) : [];
  const by = {
    added: () => 0,
    uncertain: (a, b) => confidence(a) - confidence(b),
    certain: (a, b) => confidence(b) - confidence(a),
    class: (a, b) => order.indexOf(a.result.class) - order.indexOf(b.result.class) || confidence(b) - confidence(a),
  }[sort] || (() => 0);
  const sorted = sort === "added"
    ? [...items]
    : [...items].sort((a, b) => rank(a) - rank(b) || (rank(a) === 0 ? by(a, b) : 0) || a.index - b.index);
  let visible = 0;
  for (const x of sorted) {
    const keep = filter === "all" ||
      (filter === "error" ? x.status === "error"
        : filter === "odd" ? x.status === "done" && outOfDomain(x.result)
        : filter === "cutout" ? x.status === "done" && !outOfDomain(x.result)
        : x.status === "done" && x.result.class === filter);
    x.cell.hidden = !keep;
    if (keep) visible++;
  }
  // Moving only what moved keeps focus on the cell a keyboard user is on.
  const grid = $("grid");
  sorted.forEach((x, i) => {
    if (grid.children[i] !== x.cell) grid.insertBefore(x.cell, grid.children[i] || null);
  });
  $("grid-empty").hidden = visible > 0 || items.length === 0;
}

function fillFilter() {
  const select = $("filter");
  if (select.options.length > 1) return;
  for (const c of info.classes) select.append(el("option", { value: c.class }, c.label));
  select.append(el("option", { value: "cutout" }, "like a galaxy cutout"));
  select.append(el("option", { value: "odd" }, "not like a galaxy cutout"));
  select.append(el("option", { value: "error" }, "could not be classified"));
}

$("sort").addEventListener("change", placeCells);
$("filter").addEventListener("change", placeCells);

$("clear").addEventListener("click", () => {
  generation++;
  for (const x of items) if (x.url) URL.revokeObjectURL(x.url);
  items = [];
  nextItem = 0;
  $("grid").replaceChildren();
  $("batch").hidden = true;
  $("back").hidden = true;
  $("announce").textContent = "The grid was cleared.";
});

$("csv").addEventListener("click", () => {
  const rows = items.filter((x) => x.status === "done" || x.status === "error")
    .map((x) => ({ file: x.name, result: x.result, error: x.error && x.error.message }));
  const blob = new Blob([toCSV(rows, info)], { type: "text/csv" });
  const a = el("a", { href: URL.createObjectURL(blob), download: "hiwl-classified.csv" });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
});

let opened = null; // the grid item shown in the detail view

async function openItem(item) {
  if (item.status === "queued" || item.status === "busy") return;
  latest++; // a single classification still running must not replace this
  hideError();
  if (item.status === "error") {
    showError(item.name, item.error);
    return;
  }
  const pic = await picture(item.file);
  opened = item;
  render(item.result, pic, item.name, item);
}

$("back").addEventListener("click", () => {
  const button = opened && opened.cell.firstChild;
  $("result").hidden = true;
  $("back").hidden = true;
  shown = null;
  if (button && !opened.cell.hidden) {
    button.scrollIntoView({ block: "center", behavior: motion() });
    button.focus({ preventScroll: true });
  } else {
    $("batch").scrollIntoView({ block: "start", behavior: motion() });
  }
});

// Escape in a detail view opened from the grid goes back to the grid.
document.addEventListener("keydown", (e) => {
  if (e.key === "Escape" && !$("back").hidden && !$("result").hidden) $("back").click();
});

const motion = () => (matchMedia("(prefers-reduced-motion: reduce)").matches ? "auto" : "smooth");

// ---- results ----------------------------------------------------------

// outOfDomain: the result's in-domain score says the picture is not like a
// Galaxy Zoo-style cutout (a model without a domain fit says nothing).
const outOfDomain = (r) => Boolean(r && r.domain && r.domain.out_of_domain);

const pct = (p) => (p < 0.001 ? "<0.1%" : `${(p * 100).toFixed(1)}%`);

// render shows one result in the detail view and brings it into view;
// item is the grid's entry when it was opened from the grid.
function render(result, picture, name, item) {
  const section = $("result");
  $("back").hidden = !item;
  if (!item) opened = null;
  section.dataset.source = name;
  $("source-name").textContent = name;
  $("label").textContent = result.label;
  // Where the hierarchy chose a label that is not the largest probability,
  // say why (model.Prediction.LabelNote, the CLI's and the viewer's words).
  $("label-note").textContent = result.label_note || "";
  $("label-note").hidden = !result.label_note;
  $("label").dataset.class = result.class;
  // The five classes assume a galaxy: a photograph still gets one of them,
  // so the model's in-domain score decides whether the answer is worth
  // reading. The answer stays: the note says how far to trust it.
  const odd = outOfDomain(result);
  $("domain-note").hidden = !odd;
  section.dataset.outOfDomain = String(odd);
  section.dataset.domainScore = result.domain ? String(result.domain.score) : "";

  const classes = info.classes;
  $("probs").replaceChildren(...classes.map((c) =>
    bar(c.label, result.probabilities[c.class], c.class === result.class, { class: c.class })));

  renderHierarchy(result);

  const select = $("cam-class");
  select.replaceChildren(...classes.map((c) =>
    el("option", { value: c.class }, c.class === result.class ? `${c.label} (predicted)` : c.label)));
  select.value = result.class;

  const scale = drawImage(result, picture);
  shown = { result, scale };
  drawOverlay();

  $("meta").textContent = `Model ${result.model_version}, ${result.input_size}×${result.input_size} network input, ` +
    `${result.image.width}×${result.image.height} image, answered in ${Math.round(result.elapsed_ms)} ms.`;
  $("image-canvas").setAttribute("aria-label",
    `${name}, with the network's attention map for ${$("cam-class").selectedOptions[0].textContent} drawn over it`);
  section.hidden = false;
  section.dataset.shownAt = Math.round(performance.now()); // ms since navigation start, for the benchmark
  $("announce").textContent = (odd ? `${name}: ${$("domain-note").textContent.replace(/\s+/g, " ").trim()} ` : `${name}: `) +
    `${result.label}, ${pct(result.probabilities[result.class])}.`;
  // The answer is below the fold on most screens: bring it up, and move
  // keyboard and screen-reader users to its heading.
  section.scrollIntoView({ block: "start", behavior: motion() });
  $("result-title").focus({ preventScroll: true });
}

function renderHierarchy(result) {
  const h = result.hierarchy;
  const merged = info.network_a[1]; // network A's "cigar-shaped or edge-on" output
  const usedB = h.a_decision === merged;
  const stepA = el("div", { class: "step", "data-decision": h.a_decision, id: "step-a" },
    el("h4", {}, "1. The first network looks at every galaxy"),
    el("ol", { class: "bars small" }, ...info.network_a.map((n) => bar(n, h.a[n], n === h.a_decision, { output: n }))),
    el("p", {}, "It picks ", el("strong", {}, h.a_decision), "."));
  const stepB = el("div", { class: usedB ? "step" : "step unused", "data-decision": h.b_decision, id: "step-b" },
    el("h4", {}, "2. The second network knows only elongated galaxies"),
    el("ol", { class: "bars small" }, ...info.network_b.map((n) => bar(n, h.b[n], n === h.b_decision, { output: n }))),
    usedB
      ? el("p", {}, "It decides between the two: ", el("strong", {}, h.b_decision), ".")
      : el("p", {}, "Not needed for this galaxy, because the first network did not pick an elongated shape."));
  $("hierarchy").replaceChildren(stepA, stepB);
}

// bar is one labelled probability bar; data-value keeps the exact number.
function bar(name, value, chosen, data) {
  const fill = el("span", { class: "fill" });
  fill.style.width = `${(value * 100).toFixed(2)}%`;
  const attrs = { class: chosen ? "chosen" : "", "data-value": String(value) };
  for (const [k, v] of Object.entries(data)) attrs[`data-${k}`] = v;
  return el("li", attrs,
    el("span", { class: "name" }, name),
    el("span", { class: "track", "aria-hidden": "true" }, fill),
    el("span", { class: "value" }, pct(value)));
}

// The canvases keep the image's own pixels up to this side, so crop and
// attention map line up exactly; CSS scales them to the layout.
const maxCanvasSide = 1024;

function drawImage(result, picture) {
  const { width, height } = result.image;
  const scale = Math.min(1, maxCanvasSide / Math.max(width, height));
  const w = Math.max(1, Math.round(width * scale));
  const h = Math.max(1, Math.round(height * scale));
  for (const c of [$("image-canvas"), $("overlay")]) {
    c.width = w;
    c.height = h;
  }
  const ctx = $("image-canvas").getContext("2d");
  if (picture) {
    // Go ignores EXIF orientation and the browser applies it, so the
    // browser's picture is turned back to the stored pixel layout: the one
    // the network saw and the crop and map refer to.
    const m = unorient[picture.orientation] || unorient[1];
    ctx.setTransform(scale, 0, 0, scale, 0, 0);
    ctx.transform(...m(width, height));
    ctx.drawImage(picture.bitmap, 0, 0);
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    picture.bitmap.close();
  } else {
    // Go could read the file but this browser cannot show it.
    ctx.fillStyle = "#333";
    ctx.fillRect(0, 0, w, h);
  }
  const box = $("crop-box");
  const c = result.crop;
  box.style.left = `${(100 * c.x) / width}%`;
  box.style.top = `${(100 * c.y) / height}%`;
  box.style.width = `${(100 * c.width) / width}%`;
  box.style.height = `${(100 * c.height) / height}%`;
  return scale;
}

// unorient[o](w, h) is the canvas transform that draws a picture shown with
// EXIF orientation o back in its stored w x h layout (the inverse of o).
const unorient = {
  1: () => [1, 0, 0, 1, 0, 0],
  2: (w) => [-1, 0, 0, 1, w, 0], // mirrored
  3: (w, h) => [-1, 0, 0, -1, w, h], // rotated 180°
  4: (w, h) => [1, 0, 0, -1, 0, h], // flipped
  5: () => [0, 1, 1, 0, 0, 0], // transposed
  6: (w, h) => [0, -1, 1, 0, 0, h], // rotated 90° clockwise
  7: (w, h) => [0, -1, -1, 0, w, h], // transversed
  8: (w) => [0, 1, -1, 0, w, 0], // rotated 90° anticlockwise
};

// exifOrientation reads the EXIF orientation (1-8) of a JPEG, 1 if none.
async function exifOrientation(blob) {
  const d = new DataView(await blob.slice(0, 1 << 16).arrayBuffer());
  if (d.byteLength < 4 || d.getUint16(0) !== 0xffd8) return 1;
  for (let at = 2; at + 4 <= d.byteLength;) {
    const marker = d.getUint16(at);
    const size = d.getUint16(at + 2);
    if ((marker & 0xff00) !== 0xff00 || marker === 0xffda) return 1; // not a marker, or pixel data began
    if (marker === 0xffe1 && at + 10 <= d.byteLength && d.getUint32(at + 4) === 0x45786966) { // "Exif"
      const tiff = at + 10;
      if (tiff + 8 > d.byteLength) return 1;
      const le = d.getUint16(tiff) === 0x4949;
      const ifd = tiff + d.getUint32(tiff + 4, le);
      if (ifd + 2 > d.byteLength) return 1;
      const n = d.getUint16(ifd, le);
      for (let i = 0; i < n; i++) {
        const e = ifd + 2 + 12 * i;
        if (e + 10 > d.byteLength) return 1;
        if (d.getUint16(e, le) === 0x0112) {
          const o = d.getUint16(e + 8, le);
          return o >= 1 && o <= 8 ? o : 1;
        }
      }
      return 1;
    }
    at += 2 + size;
  }
  return 1;
}

// drawOverlay paints the selected class's attention map over the crop the
// network saw: bilinear between cell centres, coloured by the inferno map,
// transparent where there is no attention. Opacity is left to CSS so the
// slider does not redraw.
function drawOverlay() {
  if (!shown) return;
  const { result, scale } = shown;
  const slug = $("cam-class").value;
  const cam = result.cams[slug];
  const canvas = $("overlay");
  const ctx = canvas.getContext("2d");
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  const x0 = Math.round(result.crop.x * scale);
  const y0 = Math.round(result.crop.y * scale);
  const w = Math.min(canvas.width - x0, Math.round(result.crop.width * scale));
  const h = Math.min(canvas.height - y0, Math.round(result.crop.height * scale));
  const note = $("cam-note");
  const peak = Math.max(0, ...cam.values);
  note.hidden = peak > 0;
  note.textContent = peak > 0 ? "" : "The network found no evidence for this class anywhere in the picture.";
  canvas.dataset.camClass = slug;
  if (w < 1 || h < 1 || peak <= 0) return;

  const img = ctx.createImageData(w, h);
  const s = cam.side;
  const v = cam.values;
  const px = img.data;
  for (let y = 0; y < h; y++) {
    const fy = clamp(((y + 0.5) / h) * s - 0.5, 0, s - 1);
    const r0 = Math.floor(fy);
    const r1 = Math.min(r0 + 1, s - 1);
    const ty = fy - r0;
    for (let x = 0; x < w; x++) {
      const fx = clamp(((x + 0.5) / w) * s - 0.5, 0, s - 1);
      const c0 = Math.floor(fx);
      const c1 = Math.min(c0 + 1, s - 1);
      const tx = fx - c0;
      const top = v[r0 * s + c0] * (1 - tx) + v[r0 * s + c1] * tx;
      const bottom = v[r1 * s + c0] * (1 - tx) + v[r1 * s + c1] * tx;
      const a = top * (1 - ty) + bottom * ty;
      const k = Math.round(clamp(a, 0, 1) * 255);
      const i = 4 * (y * w + x);
      px[i] = inferno[3 * k];
      px[i + 1] = inferno[3 * k + 1];
      px[i + 2] = inferno[3 * k + 2];
      // Square root: weak attention stays faintly visible instead of vanishing.
      px[i + 3] = Math.round(255 * Math.sqrt(clamp(a, 0, 1)));
    }
  }
  ctx.putImageData(img, x0, y0);
}

const clamp = (x, lo, hi) => Math.min(hi, Math.max(lo, x));

// inferno: matplotlib's perceptually uniform map, from its samples at
// tenths, as a 256-entry RGB table.
const inferno = (() => {
  const stops = ["000004", "160b39", "420a68", "6a176e", "932667", "bc3754", "dd513a", "f37819", "fca50a", "f6d746", "fcffa4"]
    .map((h) => [0, 2, 4].map((i) => parseInt(h.slice(i, i + 2), 16)));
  const lut = new Uint8ClampedArray(256 * 3);
  for (let k = 0; k < 256; k++) {
    const t = (k / 255) * (stops.length - 1);
    const i = Math.min(Math.floor(t), stops.length - 2);
    const f = t - i;
    for (let ch = 0; ch < 3; ch++) lut[3 * k + ch] = Math.round(stops[i][ch] * (1 - f) + stops[i + 1][ch] * f);
  }
  return lut;
})();

$("cam-class").addEventListener("change", () => {
  drawOverlay();
  const name = $("source-name").textContent;
  $("image-canvas").setAttribute("aria-label",
    `${name}, with the network's attention map for ${$("cam-class").selectedOptions[0].textContent} drawn over it`);
});

function setOpacity() {
  const v = Number($("opacity").value);
  $("overlay").style.opacity = String(v / 100);
  $("opacity-value").textContent = `${v}%`;
}
$("opacity").addEventListener("input", setOpacity);
setOpacity();

// el builds an element; attributes with empty values are left out.
function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v !== "" && v != null) e.setAttribute(k, v);
  }
  e.append(...children);
  return e;
}
