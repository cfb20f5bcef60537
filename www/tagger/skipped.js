// Files a folder holds that are not photos: counted by kind, so that the summary says what was
// passed over ("12 files skipped: 10 videos, 2 text files") and nothing vanishes unsaid.
import { plural } from '../ui/plural.js';

const KINDS = [
  ['video', /\.(mp4|m4v|mov|avi|mkv|webm|3gp|mts|m2ts|mpe?g|wmv)$/i, 'video/'],
  ['sidecar', /\.(xmp|aae|thm)$/i, null],
  ['text file', /\.(txt|md|csv|json|xml|html?|log|ini|yaml|yml)$/i, 'text/'],
  ['document', /\.(pdf|docx?|odt|rtf|xlsx?|ods|pptx?)$/i, 'application/pdf'],
  ['audio file', /\.(mp3|wav|m4a|aac|flac|ogg|opus|wma)$/i, 'audio/'],
];

/** The kind of a file that is not a photo: 'video', 'sidecar', 'text file', … or 'other file'. */
export function kindOf(name, type = '') {
  for (const [kind, ext, mime] of KINDS) if (ext.test(name) || (mime && type.startsWith(mime))) return kind;
  return 'other file';
}

/** Counts by kind, as folder.js gathers them. */
export class Skipped {
  /** @type {Record<string, number>} */
  kinds = {};

  add(name, type = '') {
    const k = kindOf(name, type);
    this.kinds[k] = (this.kinds[k] ?? 0) + 1;
  }

  get count() {
    return Object.values(this.kinds).reduce((a, b) => a + b, 0);
  }
}

/** "12 files skipped: 10 videos, 2 text files", the largest kinds first; '' for none. */
export function describeSkipped(kinds = {}) {
  const entries = Object.entries(kinds).filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const total = entries.reduce((s, [, n]) => s + n, 0);
  if (!total) return '';
  return `${plural(total, 'file')} skipped: ${entries.map(([k, n]) => plural(n, k)).join(', ')}`;
}
