// The page's exports, views of the library: JSON and CSV of what is searched (the library
// says which records: library.forExport), and the XMP sidecars written next to the photos of
// folders opened through the picker (their directory handles, kept for this visit only).
import { download, toCSV, toJSON, writeSidecars } from './export.js';
import { fileKey } from './folder.js';
import { plural } from '../ui/plural.js';

/**
 * @param {{library: import('./library.js').Library, $: (id: string) => HTMLElement, query: () => string, onError: (message: string) => void}} o
 * @returns {{remember: (entries: {file: File, path: string, dir: FileSystemDirectoryHandle}[]) => void}}
 */
export function exportUI({ library, $, query, onError }) {
  const dirs = new Map(); // record key -> directory handle (folders chosen with the picker, this visit)
  const status = (text) => ($('export-status').textContent = text);

  function exportAs(kind) {
    const records = library.forExport(query());
    const stamp = new Date().toISOString().slice(0, 10);
    if (kind === 'json') download(toJSON(records, { taughtTags: library.taughtTags() }), `photo-tags-${stamp}.json`, 'application/json');
    else download(toCSV(records), `photo-tags-${stamp}.csv`, 'text/csv');
    status(`Exported ${plural(records.length, 'photo')} as ${kind.toUpperCase()}.`);
  }

  async function sidecars() {
    const items = library.tagged().filter((r) => dirs.has(r.key)).map((r) => ({ record: r, dir: dirs.get(r.key) }));
    const naming = $('sidecar-naming').value;
    const { written, kept, failed } = await writeSidecars(items, { naming, onProgress: (n, total) => status(`Writing tag files: ${n} / ${total}`) });
    const notes = [
      kept.length && `${kept.length} left alone: another application's XMP file is there (${kept[0]})`,
      failed.length && `${failed.length} failed (${failed[0].path}: ${failed[0].message})`,
    ].filter(Boolean);
    status(`Wrote ${plural(written, 'XMP tag file')} next to the photos` + (notes.length ? `; ${notes.join('; ')}` : '.'));
  }

  $('export-json').addEventListener('click', () => exportAs('json'));
  $('export-csv').addEventListener('click', () => exportAs('csv'));
  $('write-sidecars').addEventListener('click', () => sidecars().catch((e) => onError(`Writing tag files failed: ${e.message}`)));
  library.addEventListener('reset', ({ cause }) => {
    if (cause !== 'clear') return;
    dirs.clear();
    $('write-sidecars').hidden = $('sidecar-naming-label').hidden = true;
  });

  return {
    /** Photos read through the picker: their folders can take sidecars. */
    remember(entries) {
      for (const e of entries) dirs.set(fileKey(e), e.dir);
      $('write-sidecars').hidden = $('sidecar-naming-label').hidden = dirs.size === 0;
    },
  };
}
