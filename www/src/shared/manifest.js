// The one manifest (models/manifest.json), read by Rust and JS alike.
import manifest from '../../../models/manifest.json' with { type: 'json' };
import { EffnetError, ErrorCode } from './errors.js';
import { entryProblem } from './model-entry.js';

export { manifest };

/** False for a model whose weights the user supplies and that is not built (no sha256 yet). */
export function isAvailable(entry) {
  return !(entry.weights?.userSupplied && !entry.sha256);
}

/** The manifest's model entries; `available` says whether the model file exists to load. */
export const models = Object.freeze(manifest.models.map((m) => Object.freeze({ ...m, available: isAvailable(m) })));

function notBuilt(entry) {
  return new EffnetError(
    ErrorCode.MODEL_NOT_FOUND,
    `model '${entry.id}' is not built: its weights are not distributed here. Export your own ` +
      `(${entry.weights?.checkpoint ?? 'checkpoint'}) with \`npm run models -- --from <checkpoint> --only ${entry.id}\`, ` +
      "or pass { model: { id, url } } with the URL of your .onnx file",
  );
}

/** Rejects an entry Rust would reject, before anything is fetched: a bad entry of the caller's is
 *  BAD_OPTIONS, one of the package's own manifest BAD_MANIFEST (as wasm reports it). */
function checked(entry, code) {
  const problem = entryProblem(entry);
  if (problem) throw new EffnetError(code, `model '${entry.id}': ${problem}`);
  return entry;
}

/** A manifest id, or the caller's own entry `{ id, url, input, preprocess, output, ... }`. */
export function resolveModel(model) {
  if (typeof model === 'string') {
    const entry = models.find((m) => m.id === model);
    if (!entry) {
      throw new EffnetError(
        ErrorCode.MODEL_NOT_FOUND,
        `unknown model id '${model}' (known: ${models.map((m) => m.id).join(', ')})`,
      );
    }
    if (!entry.available) throw notBuilt(entry);
    return checked(entry, ErrorCode.BAD_MANIFEST);
  }
  if (model && typeof model === 'object' && typeof model.id === 'string') {
    const base = models.find((m) => m.id === model.id) ?? {};
    const entry = { ...base, ...model };
    // a manifest model that is not built can still be loaded from the caller's own URL
    if (base.id && !base.available && !model.url) throw notBuilt(base);
    checked(entry, ErrorCode.BAD_OPTIONS);
    if (!entry.url && !entry.file) throw new EffnetError(ErrorCode.BAD_OPTIONS, `model '${entry.id}': url is missing`);
    return entry;
  }
  throw new EffnetError(ErrorCode.BAD_OPTIONS, "'model' must be a manifest id or a model entry object");
}

/** The model create() loads when the caller names none. */
export const DEFAULT_MODEL = 'efficientnet-lite0';

/**
 * Which model, and where its .onnx file is, for both hosts: the entry's own url (against the
 * base), else the packaged file of a manifest model, else its file under modelBaseUrl.
 * @param {{model?: string|object, modelBaseUrl?: string|URL}} options create()'s
 * @param {{base: (modelBaseUrl: string|URL) => URL, packagedBase: URL, packaged?: Record<string, () => URL>}} host
 *   base reads the caller's modelBaseUrl; packagedBase is the package's models/ folder;
 *   packaged, the URLs a host names literally so that bundlers ship those files
 * @returns {{entry: object, url: URL}}
 */
export function locateModel({ model = DEFAULT_MODEL, modelBaseUrl } = {}, { base, packagedBase, packaged = {} }) {
  const entry = resolveModel(model);
  const from = modelBaseUrl ? base(modelBaseUrl) : packagedBase;
  if (entry.url) return { entry, url: new URL(entry.url, from) };
  if (!modelBaseUrl && packaged[entry.id]) return { entry, url: packaged[entry.id]() };
  return { entry, url: new URL(entry.file, from) };
}

/** BAD_OPTIONS for embed() or withEmbedding with a model whose entry names no embedding
 *  output (as Rust's `Error::NoEmbedding` words it), before any image is converted. */
export function checkEmbedding(entry) {
  if (!entry.output?.embedding) {
    throw new EffnetError(ErrorCode.BAD_OPTIONS, `model ${entry.id} has no embedding output (its manifest entry names none in output.embedding)`);
  }
}
