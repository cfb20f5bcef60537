// The one manifest (models/manifest.json), read by Rust and JS alike.
import manifest from '../../../models/manifest.json' with { type: 'json' };
import { EffnetError, ErrorCode } from './errors.js';

export { manifest };

/** The manifest's model entries. */
export const models = Object.freeze(manifest.models.map((m) => Object.freeze({ ...m })));

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
    return entry;
  }
  if (model && typeof model === 'object' && typeof model.id === 'string') {
    const base = models.find((m) => m.id === model.id) ?? {};
    const entry = { ...base, ...model };
    for (const key of ['input', 'preprocess', 'output']) {
      if (!entry[key]) throw new EffnetError(ErrorCode.BAD_OPTIONS, `model '${entry.id}' needs '${key}'`);
    }
    if (!entry.url && !entry.file) throw new EffnetError(ErrorCode.BAD_OPTIONS, `model '${entry.id}' needs 'url'`);
    return entry;
  }
  throw new EffnetError(ErrorCode.BAD_OPTIONS, "'model' must be a manifest id or a model entry object");
}
