// Export: JSON and CSV of the results (pure functions, then a download), and, on request,
// sidecar files written next to the photos through the File System Access API.
import pkg from '../../package.json' with { type: 'json' };
import { shortLabel } from './tags.js';

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
        }),
  };
}

export function toJSON(records) {
  return JSON.stringify(
    { generator: `effnet-wasm ${pkg.version} tagger`, exportedAt: new Date().toISOString(), photos: records.map(toRow) },
    null,
    1,
  );
}

const CSV_HEAD = ['file', 'path', 'size', 'last_modified', 'label', 'label_score', 'tags', 'top5', 'model', 'model_version', 'error'];
/** One CSV cell. A text starting with = + - @ (or tab, CR) would run as a formula in a
 * spreadsheet (a photo named "=HYPERLINK(…)"): a leading ' keeps it text (OWASP CSV injection). */
export const cell = (v) => {
  let s = v == null ? '' : String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
};

/** RFC 4180 CSV; `tags` is "dog:0.9731;animal:0.9990" (tag:score, best first), `top5` the same
 * for the five best classes (first name of each label; the JSON has the full label and index). */
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

/** The sidecar's name: "IMG_0001.jpg" -> "IMG_0001.jpg.tags.json" (the photo itself is never touched). */
export const sidecarName = (name) => `${name}.tags.json`;

/** An XMP-flavoured sidecar: dc:subject holds the tags, as photo managers read keywords. */
export function sidecar(record) {
  const row = toRow(record);
  return JSON.stringify(
    {
      'dc:subject': (row.tags ?? []).map((t) => t.tag),
      'xmp:CreatorTool': `effnet-wasm ${pkg.version} tagger`,
      'xmp:MetadataDate': new Date().toISOString(),
      effnet: row,
    },
    null,
    1,
  );
}

/**
 * Writes a sidecar next to each photo whose directory handle is known, after asking for
 * write permission once per directory. Returns how many were written and what failed.
 * @param {{record: object, dir: FileSystemDirectoryHandle}[]} items
 */
export async function writeSidecars(items, { onProgress } = {}) {
  const granted = new Map();
  let written = 0;
  const failed = [];
  for (const { record, dir } of items) {
    try {
      if (!granted.has(dir)) {
        let state = await dir.queryPermission?.({ mode: 'readwrite' });
        if (state !== 'granted') state = await dir.requestPermission?.({ mode: 'readwrite' });
        granted.set(dir, state === 'granted' || state === undefined);
      }
      if (!granted.get(dir)) throw new Error('write permission was not given');
      const handle = await dir.getFileHandle(sidecarName(record.name), { create: true });
      const w = await handle.createWritable();
      try {
        await w.write(sidecar(record));
        await w.close();
      } catch (e) {
        // abort drops the half-written temporary file (.crswap) instead of leaving it beside the photo
        await w.abort().catch(() => {});
        throw new Error(`${sidecarName(record.name)} could not be written: ${e.message}`);
      }
      written++;
    } catch (e) {
      failed.push({ path: record.path, message: e.message });
    }
    onProgress?.(written + failed.length, items.length);
  }
  return { written, failed };
}
