// Export: JSON and CSV of the results (pure functions, then a download), and, on request,
// XMP sidecars (xmp.js) written next to the photos through the File System Access API.
import pkg from '../../package.json' with { type: 'json' };
import { shortLabel } from './tags.js';
import { isOurs, xmpName, xmpSidecar } from './xmp.js';

const GENERATOR = `effnet-wasm ${pkg.version} tagger`;

const round = (x) => Math.round(x * 1e4) / 1e4;
const modelVersion = (m) => (m?.sha256 ? `sha256:${m.sha256.slice(0, 16)}` : '');

/** One plain object per photo: what both formats and the sidecars hold. */
export function toRow(r) {
  return {
    file: r.name,
    path: r.path,
    size: r.size,
    lastModified: new Date(r.lastModified).toISOString(),
    model: r.model?.id ?? null,
    modelVersion: modelVersion(r.model),
    ...(r.error
      ? { error: r.error.message }
      : {
          label: r.label,
          tags: r.tags.map((t) => ({ tag: t.tag, score: round(t.score), kind: t.kind })),
          top5: r.top5.map((c) => ({ index: c.index, label: c.label, score: round(c.score) })),
          // the taught tags the photo has (page-side, taught.js): confirmed = one of its examples
          taught: (r.taught ?? []).map((t) => ({ tag: t.tag, score: round(t.score), confirmed: !!t.confirmed })),
        }),
  };
}

/**
 * @param {object[]} records
 * @param {{taughtTags?: {name: string, threshold: number, positives: any[], negatives: any[]}[]}} [o]
 *   the taught tags, listed by name with their counts (their vectors are the taught-tags file's)
 */
export function toJSON(records, { taughtTags = [] } = {}) {
  return JSON.stringify(
    {
      generator: GENERATOR,
      exportedAt: new Date().toISOString(),
      taughtTags: taughtTags.map((t) => ({ name: t.name, threshold: t.threshold, examples: t.positives.length, rejected: t.negatives.length })),
      photos: records.map(toRow),
    },
    null,
    1,
  );
}

const CSV_HEAD = ['file', 'path', 'size', 'last_modified', 'label', 'label_score', 'tags', 'top5', 'taught_tags', 'model', 'model_version', 'error'];
/** One CSV cell. A text starting with = + - @ (or tab, CR) would run as a formula in a
 * spreadsheet (a photo named "=HYPERLINK(…)"): a leading ' keeps it text (OWASP CSV injection). */
export const cell = (v) => {
  let s = v == null ? '' : String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
};

/** RFC 4180 CSV; `tags` is "dog:0.9731;animal:0.9990" (tag:score, best first), `top5` the same
 * for the five best classes (first name of each label; the JSON has the full label and index),
 * `taught_tags` the taught tags the photo has, "Rex:confirmed" for an example, "Rex:0.81" for a suggestion. */
export function toCSV(records) {
  const lines = [CSV_HEAD.join(',')];
  for (const r of records) {
    const row = toRow(r);
    lines.push(
      [
        row.file,
        row.path,
        row.size,
        row.lastModified,
        row.label ?? '',
        row.top5 ? row.top5[0].score : '',
        (row.tags ?? []).map((t) => `${t.tag}:${t.score}`).join(';'),
        (row.top5 ?? []).map((c) => `${shortLabel(c.label)}:${c.score}`).join(';'),
        (row.taught ?? []).map((t) => `${t.tag}:${t.confirmed ? 'confirmed' : t.score}`).join(';'),
        row.model,
        row.modelVersion,
        row.error ?? '',
      ]
        .map(cell)
        .join(','),
    );
  }
  return lines.join('\r\n') + '\r\n';
}

/** Saves `text` as a file through a temporary link; the object URL is revoked right after. */
export function download(text, name, type) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

/** The sidecar's name: "IMG_0001.cr2" -> "IMG_0001.cr2.xmp", or with naming 'base' (Lightroom's)
 * "IMG_0001.xmp" (the photo itself is never touched; see xmp.js). */
export const sidecarName = xmpName;

/** The XMP sidecar of a record: its taught tags confirmed on it as the user's, the rest as machine tags. */
export function sidecar(record, { date } = {}) {
  const taught = record.taught ?? [];
  return xmpSidecar(record, {
    confirmed: taught.filter((t) => t.confirmed).map((t) => t.tag),
    taught: taught.filter((t) => !t.confirmed),
    generator: GENERATOR,
    date,
  });
}

/** Whether a sidecar may be written: none there yet, or one this tagger wrote. Another
 * application's (darktable's, digiKam's) is left alone: merging into it is not done here. */
async function mayWrite(dir, name) {
  let existing;
  try {
    existing = await dir.getFileHandle(name);
  } catch (e) {
    if (e.name === 'NotFoundError' || e.name === 'TypeMismatchError') return e.name === 'NotFoundError';
    throw e;
  }
  return isOurs(await (await existing.getFile()).text());
}

/**
 * Writes an XMP sidecar next to each photo whose directory handle is known, after asking for
 * write permission once per directory. Returns how many were written, how many were left
 * alone (another application's sidecar is there) and what failed.
 * @param {{record: object, dir: FileSystemDirectoryHandle}[]} items
 * @param {{onProgress?: (n: number, total: number) => void, naming?: 'full' | 'base'}} [o] naming: see xmpName
 */
export async function writeSidecars(items, { onProgress, naming = 'full' } = {}) {
  const granted = new Map();
  let written = 0;
  const kept = [];
  const failed = [];
  for (const { record, dir } of items) {
    const name = sidecarName(record.name, naming);
    try {
      if (!granted.has(dir)) {
        let state = await dir.queryPermission?.({ mode: 'readwrite' });
        if (state !== 'granted') state = await dir.requestPermission?.({ mode: 'readwrite' });
        granted.set(dir, state === 'granted' || state === undefined);
      }
      if (!granted.get(dir)) throw new Error('write permission was not given');
      if (!(await mayWrite(dir, name))) {
        kept.push(record.path);
        continue;
      }
      const handle = await dir.getFileHandle(name, { create: true });
      const w = await handle.createWritable();
      try {
        await w.write(sidecar(record));
        await w.close();
      } catch (e) {
        // abort drops the half-written temporary file (.crswap) instead of leaving it beside the photo
        await w.abort().catch(() => {});
        throw new Error(`${name} could not be written: ${e.message}`);
      }
      written++;
    } catch (e) {
      failed.push({ path: record.path, message: e.message });
    } finally {
      onProgress?.(written + kept.length + failed.length, items.length);
    }
  }
  return { written, kept, failed };
}
