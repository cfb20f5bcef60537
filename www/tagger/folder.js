// Picking photos: a folder (File System Access API where there is one, else a webkitdirectory
// input), dropped files and folders. Every entry becomes { file, path, dir } where `path` is
// relative to the chosen folder (name included) and `dir` the parent directory handle when the
// browser gave one (needed to write sidecar files next to the photo). A file that cannot be read
// (moved, locked, permission) is listed in `unreadable` with its path; the rest is tagged.

import { Skipped } from './skipped.js';

// camera RAWs are tagged through their embedded preview (crate/src/decode/raw/)
export const RAW_EXT = ['dng', 'cr2', 'cr3', 'nef', 'arw', 'raf', 'orf', 'rw2'];
const IMAGE_EXT = new RegExp(`\\.(jpe?g|jfif|png|webp|gif|avif|bmp|ico|tiff?|heic|heif|${RAW_EXT.join('|')})$`, 'i');

/** Photos by MIME type or, when the browser gives none (a corrupt file, HEIC, a camera RAW), by name. */
export const isImageName = (name, type = '') => type.startsWith('image/') || IMAGE_EXT.test(name);

export const canPickDirectory = () => typeof globalThis.showDirectoryPicker === 'function';

/**
 * Walks a FileSystemDirectoryHandle depth first, in name order.
 * @returns {Promise<{entries: {file: File, path: string, dir: FileSystemDirectoryHandle}[], skipped: number, skippedKinds: Record<string, number>, unreadable: {path: string, message: string}[]}>}
 */
export async function walkHandle(root, { signal } = {}) {
  const entries = [];
  const unreadable = [];
  const skipped = new Skipped();
  async function visit(dir, prefix) {
    const children = [];
    for await (const child of dir.values()) children.push(child);
    children.sort((a, b) => a.name.localeCompare(b.name));
    for (const child of children) {
      signal?.throwIfAborted();
      if (child.kind === 'directory') await visit(child, `${prefix}${child.name}/`);
      else if (!isImageName(child.name)) skipped.add(child.name);
      else {
        const path = prefix + child.name;
        try {
          entries.push({ file: await child.getFile(), path, dir });
        } catch (e) {
          unreadable.push(notRead(path, e));
        }
      }
    }
  }
  await visit(root, `${root.name}/`);
  return { entries, skipped: skipped.count, skippedKinds: skipped.kinds, unreadable };
}

const notRead = (path, e) => ({ path, message: `could not be read (${e?.name ?? 'Error'}: ${e?.message ?? e})` });

/** Files from `<input type=file webkitdirectory>` or a plain multiple input. */
export function fromFileList(files) {
  const entries = [];
  const skipped = new Skipped();
  for (const file of files) {
    if (!isImageName(file.name, file.type)) {
      skipped.add(file.name, file.type);
      continue;
    }
    entries.push({ file, path: file.webkitRelativePath || file.name, dir: null });
  }
  entries.sort((a, b) => a.path.localeCompare(b.path));
  return { entries, skipped: skipped.count, skippedKinds: skipped.kinds, unreadable: [] };
}

/** Dropped items: files and whole folders (walked through the entries API). */
export async function fromDrop(dataTransfer) {
  const roots = [...dataTransfer.items].filter((i) => i.kind === 'file').map((i) => i.webkitGetAsEntry?.()).filter(Boolean);
  if (!roots.length) return fromFileList(dataTransfer.files);
  const files = [];
  const unreadable = [];
  const skipped = new Skipped();
  const readAll = (reader) =>
    new Promise((ok, fail) => {
      const all = [];
      const next = () =>
        reader.readEntries((batch) => (batch.length ? (all.push(...batch), next()) : ok(all)), fail);
      next();
    });
  async function visit(entry) {
    if (entry.isFile) {
      const path = entry.fullPath.replace(/^\//, '');
      try {
        files.push({ file: await new Promise((ok, fail) => entry.file(ok, fail)), path });
      } catch (e) {
        if (isImageName(entry.name)) unreadable.push(notRead(path, e));
        else skipped.add(entry.name);
      }
    } else if (entry.isDirectory) {
      for (const child of await readAll(entry.createReader())) await visit(child);
    }
  }
  for (const r of roots) await visit(r);
  const out = fromFileList(files.map((f) => f.file));
  const pathOf = new Map(files.map((f) => [f.file, f.path]));
  for (const e of out.entries) e.path = pathOf.get(e.file) ?? e.path;
  out.entries.sort((a, b) => a.path.localeCompare(b.path));
  for (const [k, n] of Object.entries(skipped.kinds)) out.skippedKinds[k] = (out.skippedKinds[k] ?? 0) + n;
  out.skipped += skipped.count;
  out.unreadable = unreadable;
  return out;
}

/** Which stored result belongs to this file: same place, same size, same modification time. */
export const fileKey = ({ file, path }) => `${path}\u0000${file.size}\u0000${file.lastModified}`;
