// Public API of effnet-wasm (browser and Node share these names).

/** What each code means: ./shared/error-codes.json, the one table of codes. */
export type ErrorCodeName =
  | 'MODEL_NOT_FOUND'
  | 'MODEL_FETCH'
  | 'MODEL_INTEGRITY'
  | 'UNSUPPORTED_BROWSER'
  | 'BAD_IMAGE'
  | 'BAD_OPTIONS'
  | 'BAD_MANIFEST'
  | 'BAD_EMBEDDING'
  | 'DISPOSED'
  | 'WORKER_CRASHED'
  | 'RUNTIME_FETCH'
  | 'RUNTIME_INTEGRITY'
  | 'INFERENCE';

export declare const ErrorCode: Readonly<{ [K in ErrorCodeName]: K }>;

export declare class EffnetError extends Error {
  readonly name: 'EffnetError';
  readonly code: ErrorCodeName;
  constructor(code: ErrorCodeName, message: string, options?: { cause?: unknown });
}

export type Layout = 'NCHW' | 'NHWC';

/** The preprocessing fields every resize mode has. */
export interface PreprocessCommon {
  size: number;
  interpolation: 'bicubic' | 'bilinear';
  /** pixels are scaled from 0..255 to 0..valueRange before mean and std apply */
  valueRange: number;
  mean: [number, number, number];
  std: [number, number, number];
  channelOrder: 'RGB' | 'BGR';
}

/** timm/torchvision eval: the short side resized to size / cropPct, then a centred size x size crop */
export interface ShortSideThenCenterCrop {
  resize: 'shortSideThenCenterCrop';
  /** in (0, 1] */
  cropPct: number;
}

/** TF EfficientNet eval's crop: a centred square of side size / (size + cropPadding) x the short
 *  side, resized with Pillow's antialiased filter (not TF's) */
export interface CenterCropThenResize {
  resize: 'centerCropThenResize';
  /** an integer >= 0 */
  cropPadding: number;
}

/** A model's preprocessing: `resize` says which crop parameter it carries (the manifest's JSON). */
export type Preprocess = PreprocessCommon & (ShortSideThenCenterCrop | CenterCropThenResize);

export interface ModelEntry {
  id: string;
  name?: string;
  /** file name under modelBaseUrl (manifest models) */
  file?: string;
  /** absolute or base-relative URL (your own models) */
  url?: string;
  sha256?: string | null;
  bytes?: number | null;
  input: { name: string; shape: number[]; layout: Layout };
  preprocess: Preprocess;
  output: {
    name: string;
    kind: 'logits' | 'probabilities';
    labels: string;
    /** the graph's second output: the pooled features before the classifier head (what
     *  embed() returns); absent for a model without one */
    embedding?: { name: string; size: number } | null;
  };
  /** userSupplied: the weights are not distributed; the model has a file only once built */
  weights?: { pypi?: string; userSupplied?: boolean; checkpoint?: string; license?: string };
  /** manifest models: false when the model is not built (create() would reject) */
  readonly available?: boolean;
  license?: string;
  source?: string;
  reference?: { top1?: number; paramsM?: number; source?: string };
  /** another storage of this manifest model's graph: same input, preprocessing and output */
  variantOf?: string;
  /** a variant's weights: fp16 (computed in float32) or int8 (quantised) */
  storage?: 'fp16' | 'int8';
}

/** The manifest's models. */
export declare const models: readonly ModelEntry[];

/**
 * One step of a classifier's start. Each event is about one resource: the wasm engine
 * (`download` only) or the model (`download`, `compile`, `ready`); `loadedBytes` and
 * `totalBytes` are that resource's, `total` adds up every resource, for one progress bar (its
 * `totalBytes` is fixed from the first event, its `loadedBytes` only grows, and it ends equal).
 */
export interface Progress {
  phase: 'download' | 'compile' | 'ready';
  resource: 'wasm' | 'model';
  loadedBytes: number;
  totalBytes: number;
  /** every resource's bytes added up; cachedBytes: those read from a cache, not downloaded */
  total: { loadedBytes: number; totalBytes: number; cachedBytes: number };
  /** true when the bytes came from a cache: the model's from IndexedDB, the wasm's from the Cache API (cacheRuntime) */
  cached?: boolean;
}

export interface CreateOptions {
  /** a manifest id, or your own model entry; default 'efficientnet-lite0' */
  model?: string | (Partial<ModelEntry> & { id: string });
  /** where manifest models are fetched from; default: the package's models/ */
  modelBaseUrl?: string | URL;
  /** Node only: a file path or URL of the .onnx file */
  modelPath?: string | URL;
  /** 'auto' (default: navigator.hardwareConcurrency, at most 8; a claim above two cores is
   *  checked by measuring, never going below two) or a number of threads; 1 forces the
   *  single-threaded build */
  threads?: 'auto' | number;
  /** use the relaxed-SIMD build where the browser has relaxed SIMD (default true); false keeps
   *  the baseline SIMD build, whose float results do not depend on the CPU's FMA support */
  relaxedSimd?: boolean;
  /** keep the model in IndexedDB (browser); default true */
  cache?: boolean;
  /** keep the wasm engine in the Cache API (browser), checked against the size and sha256
   *  recorded at build time before each use (RUNTIME_INTEGRITY otherwise); default false */
  cacheRuntime?: boolean;
  onProgress?: (e: Progress) => void;
}

export interface ClassifyOptions {
  /** how many categories, best first; default 5, -1 for all */
  maxResults?: number;
  /** drop categories scoring below this probability, in [0, 1]; default 0 */
  scoreThreshold?: number;
  /** keep only these labels (whole label or one of its comma-separated names) */
  categoryAllowlist?: string[];
  /** drop these labels; exclusive with categoryAllowlist */
  categoryDenylist?: string[];
  /** also return every class's probability as `probabilities` (default false) */
  withProbabilities?: boolean;
  /** also return `embedding`, L2-normalised, from the same inference (default false; the
   *  model must have an embedding output, else BAD_OPTIONS) */
  withEmbedding?: boolean;
  /**
   * how an encoded JPEG (a Blob/File, or bytes in Node) is decoded: 'exact' (default) in full;
   * 'fast' at 1/2, 1/4 or 1/8 of its size (libjpeg's scaled decode, PIL's `draft`), the largest
   * reduction that keeps the short side >= the model's resize target. Other images: as 'exact'.
   */
  decode?: 'fast' | 'exact';
  /**
   * also return `thumbnail`, a JPEG at most this wide (1..1024) made in the worker from the
   * pixels it decoded for the model, no second decode (null in Node); 0 (default): none
   */
  thumbnailWidth?: number;
}

export interface EmbedOptions {
  /** scale the embedding to unit length (default true, as MediaPipe's ImageEmbedder) */
  l2Normalize?: boolean;
  /** one signed byte per value, round(v * 127) of the L2-normalised vector (default false;
   *  needs l2Normalize) */
  quantize?: boolean;
  /** as ClassifyOptions.decode */
  decode?: 'fast' | 'exact';
}

/** MediaPipe ImageEmbedder's `Embedding` (one head): exactly one of the two arrays. */
export type Embedding = {
  headIndex: 0;
  /** the manifest's output.embedding.name: 'embedding' */
  headName: string;
} & (
  | { floatEmbedding: Float32Array; quantizedEmbedding?: undefined }
  | { quantizedEmbedding: Int8Array; floatEmbedding?: undefined }
);

export interface Timing {
  decodeMs: number;
  preprocessMs: number;
  inferenceMs: number;
  totalMs: number;
  /** decode 'fast' in the browser: reading the Blob's bytes (not in decodeMs) */
  readMs?: number;
  /** with thumbnailWidth */
  thumbnailMs?: number;
}

export interface EmbeddingResult {
  embedding: Embedding;
  timing: Timing;
}

/** The cosine of two embeddings of one model, in [-1, 1]: float or quantised arrays, or the
 *  `embedding` objects of embed() and classify(). Throws BAD_EMBEDDING when their lengths
 *  differ or one is a zero vector. */
export declare function cosineSimilarity(
  a: Embedding | Float32Array | Int8Array | ArrayLike<number>,
  b: Embedding | Float32Array | Int8Array | ArrayLike<number>,
): number;

export interface Category {
  index: number;
  label: string;
  score: number;
}

export interface Backend {
  simd: boolean;
  relaxedSimd: boolean;
  /** never more than navigator.hardwareConcurrency says (nor 8), nor than the cores measured
   *  when it says more than two */
  threads: number;
  /** the cores the page measured (a few spinning workers), or null where it did not measure
   *  (one thread, an explicit count, or a claim of at most two cores) */
  cores: number | null;
  /** why `threads` is 1 or fewer than asked ('this browser has no SharedArrayBuffer',
   *  'not cross-origin isolated (...)', '2 cores measured (...)', 'threads: 1 was asked'),
   *  else null */
  threadsReason: string | null;
  /** the wasm build running: 'simd', 'simd-relaxed', 'simd-threads' or 'simd-threads-relaxed' */
  build: string;
}

export interface Classification {
  categories: Category[];
  /** with `withProbabilities: true`: the probability of every class, by category index */
  probabilities?: Float32Array;
  /** with `withEmbedding: true`: the same inference's embedding, float, L2-normalised */
  embedding?: Embedding;
  timing: Timing;
  /** with thumbnailWidth: the JPEG thumbnail, or null without OffscreenCanvas (Node) */
  thumbnail?: Blob | null;
  backend: Backend;
}

export interface RgbaPixels {
  data: Uint8ClampedArray | Uint8Array;
  width: number;
  height: number;
}

export type ImageSource =
  | HTMLImageElement
  | HTMLCanvasElement
  | OffscreenCanvas
  | ImageBitmap
  | ImageData
  | HTMLVideoElement
  | VideoFrame
  | Blob
  | RgbaPixels
  /** Node: the bytes of a JPEG, PNG, WebP or GIF file */
  | Uint8Array;

export interface OpTime {
  op: string;
  nodes: number;
  ms: number;
}

export interface WorkerRestart {
  reason: string;
  during: 'start' | 'call';
  retried: boolean;
  /** the worker hung starting (its wasm runtime or thread pool did not start in time); else it crashed or trapped */
  hung?: true;
}

/** Where a classifier's model came from. */
export interface ModelLoad {
  /** read from the browser's cache (IndexedDB), not downloaded or read from a file */
  cached: boolean;
  /** kept in the cache for the next start (never in Node, nor with `cache: false`, nor where
   *  the browser's storage refused it) */
  stored: boolean;
  /** the model's size */
  bytes: number;
}

export declare class ImageClassifier {
  private constructor();
  static create(options?: CreateOptions): Promise<ImageClassifier>;
  readonly model: ModelEntry;
  readonly backend: Backend;
  /** how the current worker (Node: the process) obtained the model */
  readonly load: ModelLoad;
  /** each worker replaced after it crashed, trapped or hung starting; `retried`: the call (or
   *  the start) ran again in the fresh worker, so nothing was lost. Always empty in Node (no worker) */
  readonly restarts: WorkerRestart[];
  classify(source: ImageSource, options?: ClassifyOptions): Promise<Classification>;
  /** the pooled features before the classifier head, from one inference */
  embed(source: ImageSource, options?: EmbedOptions): Promise<EmbeddingResult>;
  classifyBatch(
    sources: Iterable<ImageSource>,
    options?: ClassifyOptions,
    onProgress?: (done: number, total: number) => void,
  ): Promise<Array<Classification | { error: EffnetError }>>;
  /** per-operator times of one inference on the last classified image */
  profile(): Promise<OpTime[]>;
  dispose(): void;
}

export interface CachedModel {
  id: string;
  sha256: string;
  bytes: number;
  storedAt: number;
}

export declare const ModelCache: {
  list(): Promise<CachedModel[]>;
  /** whether the next create() of this model loads it from the cache (its current version is stored) */
  has(id: string): Promise<boolean>;
  delete(id: string): Promise<void>;
  clear(): Promise<void>;
};

export interface Capabilities {
  simd: boolean;
  relaxedSimd: boolean;
  threads: boolean;
  crossOriginIsolated: boolean;
  hardwareConcurrency: number;
}

export declare function capabilities(): Promise<Capabilities>;
