// Model bytes in Node: a file path or file: URL is read from disk, any other URL downloaded
// (shared/model-fetch.js). The model session checks them either way.
import { readFile } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isAbsolute, resolve as resolvePath } from 'node:path';
import { EffnetError, ErrorCode } from '../shared/errors.js';
import { download } from '../shared/model-fetch.js';

/** A URL as given, or a file path (relative to the working directory) as a file: URL. */
export function toUrl(where) {
  if (where instanceof URL) return where;
  // a scheme, but not a Windows drive letter (C:\)
  if (/^[a-z][a-z0-9+.-]*:/i.test(where) && !/^[a-z]:[\\/]/i.test(where)) return new URL(where);
  return pathToFileURL(isAbsolute(where) ? where : resolvePath(where));
}

/** @returns {Promise<Uint8Array|ArrayBuffer>} */
export async function readModel(url, entry, onProgress) {
  if (url.protocol !== 'file:') return download(url.href, entry.bytes, onProgress);
  try {
    const buf = await readFile(fileURLToPath(url));
    onProgress?.({ phase: 'download', loadedBytes: buf.byteLength, totalBytes: buf.byteLength });
    return buf;
  } catch (e) {
    throw new EffnetError(ErrorCode.MODEL_FETCH, `cannot read ${fileURLToPath(url)}: ${e.code ?? e.message}`, { cause: e });
  }
}
