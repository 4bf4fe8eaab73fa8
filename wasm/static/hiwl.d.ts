// Types of hiwl.js, the in-browser galaxy classifier (wasm/README.md).

/** The five Galaxy Zoo classes, by slug, in probability order. */
export type ClassSlug = "round" | "in-between" | "cigar" | "edge-on" | "spiral";

/** Stable codes of ClassifyError. */
export type ErrorCode =
  | "empty"          // the file has no bytes
  | "not_image"      // not JPEG, PNG or GIF
  | "corrupt"        // truncated or damaged image data
  | "too_large"      // over 8192 px a side or 16.7 megapixels
  | "too_small"      // under 8x8 pixels
  | "file_too_large" // over 32 MB
  | "bad_input"      // not a Blob/ArrayBuffer/typed array, an unreadable file, a bad base
  | "load_failed"    // the worker or module could not be loaded
  | "crashed"        // the module hit a fault; the next call starts a fresh worker
  | "disposed"       // the classifier was disposed
  | "internal";

/** Every hiwl.js promise rejects with a ClassifyError. */
export class ClassifyError extends Error {
  constructor(code: ErrorCode, message: string, detail?: string);
  readonly name: "ClassifyError";
  /** For programs; one of ErrorCode. */
  readonly code: ErrorCode;
  /** For people. */
  readonly message: string;
  /** The underlying error, for bug reports. */
  readonly detail: string;
}

export interface Progress {
  stage: "download" | "compile" | "model" | "ready" | "error";
  /** Module bytes received so far (decoded). */
  loaded: number;
  /** Module size in bytes; 0 while unknown. */
  total: number;
  /** loaded/total during "download" (null when the size is unknown), 1 after. */
  fraction: number | null;
  /** "cache" when the module came from the Cache API, "network" otherwise. */
  source?: "network" | "cache" | null;
  info?: Info;
  timings?: Timings;
  error?: ClassifyError;
}

/** The model's description (model.Description in Go, the edge's GET /model too) and the page's limits. */
export interface Info {
  model_version: string;
  input_size: number;
  /** Widest centred crop, as a fraction of the image's shorter side. */
  crop_fraction: number;
  /** In probability order; class is the slug, label the Galaxy Zoo name. */
  classes: { class: ClassSlug; label: string }[];
  /** Output names of networks A and B, in the order of Result.hierarchy. */
  network_a: string[];
  network_b: string[];
  limits: { max_side: number; max_pixels: number; min_side: number };
  max_file_bytes: number;
  /** The CSV columns of the page's download and the batch CLI (model.CSVHeader). */
  csv_header: string[];
}

export interface Timings {
  /** Worker start to the cached module found (or not): manifest check and Cache API lookup. */
  lookup_ms: number;
  download_ms: number;
  compile_ms: number;
  /** Go's start and the model's load: go_start_ms + model_load_ms. */
  model_ms: number;
  /** Go's runtime and package initialisation, until its main runs. */
  go_start_ms: number;
  /** model.Default: onnx-go's decoding and the engine's plan. */
  model_load_ms: number;
  total_ms: number;
  wasm_bytes: number;
  source: "network" | "cache";
  /** hiwl.json's version, the Cache API key; null without a manifest. */
  version: string | null;
  manifest_matches: boolean | null;
}

export interface CAM {
  class: ClassSlug;
  /** The map is side x side cells, row-major, over `crop`. */
  side: number;
  /** Normalised to 0..1. */
  values: number[];
}

export interface Result {
  /** The class's Galaxy Zoo name, by the paper's rule: A's choice, then B's. */
  label: string;
  class: ClassSlug;
  /** Sum to 1. */
  probabilities: Record<ClassSlug, number>;
  hierarchy: {
    /** Network A: "in-between smooth", "cigar-shaped or edge-on", "completely round smooth", "spiral". */
    a: Record<string, number>;
    a_decision: string;
    /** Network B: "cigar-shaped smooth", "edge-on". */
    b: Record<string, number>;
    b_decision: string;
  };
  model_version: string;
  /** Only where label is not the largest probability: how the hierarchy chose it. */
  label_note?: string;
  /** The predicted class's map; absent with {cam: false}. */
  cam?: CAM;
  /** All five classes' maps; absent with {cam: false}. */
  cams?: Record<ClassSlug, CAM>;
  /** The square of the image, in pixels, that the network saw. */
  crop: { x: number; y: number; width: number; height: number };
  /** As decoded (EXIF orientation not applied). */
  image: { width: number; height: number };
  input_size: number;
  /** Time inside the worker. */
  elapsed_ms: number;
}

export type ImageInput = Blob | ArrayBuffer | ArrayBufferView;

export interface CreateOptions {
  /** Folder (URL, same origin) holding worker.js and hiwl.wasm; default: hiwl.js's own. */
  base?: string | URL;
  onProgress?: (p: Progress) => void;
}

export interface ClassifyOptions {
  /** Include the attention maps (default true). */
  cam?: boolean;
}

export class Classifier {
  constructor(options?: CreateOptions);
  /** Settles when the module and model are loaded. */
  readonly ready: Promise<{ info: Info; timings: Timings }>;
  readonly info: Info | null;
  readonly timings: Timings | null;
  /** Calls are answered in order, one at a time, in the worker. */
  classify(input: ImageInput, options?: ClassifyOptions): Promise<Result>;
  /** Adds a progress listener; returns its remover. */
  onProgress(fn: (p: Progress) => void): () => void;
  /** Stops the worker for good. */
  dispose(): void;
  /** Stops the worker; the next classify starts a fresh one. */
  terminate(): void;
}

/** Starts a classifier; resolves once it can answer. */
export function create(options?: CreateOptions): Promise<Classifier>;

/** @deprecated The first API: a shared classifier. Use create(). */
export function load(options?: { onProgress?: (p: Progress) => void }): Classifier;
/** @deprecated Classifies with the shared classifier. Use create(). */
export function classify(input: ImageInput, options?: ClassifyOptions): Promise<Result>;

declare const hiwl: {
  create: typeof create;
  Classifier: typeof Classifier;
  ClassifyError: typeof ClassifyError;
  load: typeof load;
  classify: typeof classify;
};
export default hiwl;
