// The page's ways in (folder.js reads them): "Choose a folder…" (the picker where the browser
// has one, else the folder input), "Choose photos…", and the drop zone. Each picked set is
// handed to `tag`, with `handles` when its folders can take sidecars.
import { canPickDirectory, fromDrop, fromFileList, walkHandle } from './folder.js';
import { dropZone } from '../ui/drop-zone.js';

/**
 * @param {{$: (id: string) => HTMLElement, tag: (job: {picked: object, handles: boolean}) => Promise<void>,
 *          busy: () => boolean, summary: (text: string) => void, onError: (message: string) => void}} o
 */
export function pickUI({ $, tag, busy, summary, onError }) {
  async function pickFolder() {
    if (!canPickDirectory()) return $('folder-input').click();
    let root;
    try {
      root = await showDirectoryPicker({ id: 'effnet-tagger', mode: 'read' });
    } catch (e) {
      if (e.name !== 'AbortError') onError(`The folder could not be opened: ${e.message}`);
      return;
    }
    if (!busy()) summary(`Reading ${root.name}…`);
    try {
      await tag({ picked: await walkHandle(root), handles: true });
    } catch (e) {
      onError(`The folder could not be read: ${e.message}`);
    }
  }

  $('pick-folder').addEventListener('click', pickFolder);
  $('pick-files').addEventListener('click', () => $('files-input').click());
  for (const id of ['folder-input', 'files-input']) {
    $(id).addEventListener('change', (e) => {
      const picked = fromFileList(e.target.files);
      e.target.value = ''; // at once: picking the same photos again during a run must fire change too
      tag({ picked, handles: false });
    });
  }
  dropZone($('drop'), async (data) => {
    try {
      await tag({ picked: await fromDrop(data), handles: false });
    } catch (err) {
      onError(`The dropped items could not be read: ${err.message}`);
    }
  });
}
