// XMP sidecars photo applications read: dc:subject keywords and lr:hierarchicalSubject paths
// from the WordNet tags (animal|mammal|cat). Pure: no DOM.
//
// Machine tags and confirmed ones are told apart by where their path sits:
// - confirmed (a taught tag the user gave the photo, or confirmed on it): at the top, "Rex";
// - machine (the classifier's tags and taught-tag suggestions nobody confirmed): under
//   "effnet-wasm|machine|…", e.g. "effnet-wasm|machine|animal|mammal|cat".
// digiKam, darktable and Lightroom Classic show lr:hierarchicalSubject as a keyword tree, so
// the machine tags sit in one branch a user can review, promote or delete at once; dc:subject
// holds every leaf name ("cat"), so a flat keyword search (Windows, macOS, a web gallery) finds
// the photo too. The scores and the model go in the tagger's own namespace (effnet:).
import { TAG_TABLE, shortLabel } from './tags.js';

export const MACHINE_ROOT = ['effnet-wasm', 'machine'];
export const NS = 'urn:effnet-wasm:xmp:tagger:1.0:';

/**
 * The sidecar's name. 'full' (the default): "photo.cr2" -> "photo.cr2.xmp", darktable's and
 * digiKam's, one per file even where photo.jpg and photo.cr2 sit side by side. 'base':
 * "photo.cr2" -> "photo.xmp", Lightroom's (it reads no other), shared by files of one name.
 */
export const xmpName = (name, naming = 'full') => (naming === 'base' ? `${name.replace(/\.[^./]*$/, '')}.xmp` : `${name}.xmp`);

/** XML text: & < > " ' escaped, and the characters XML 1.0 cannot hold at all dropped. */
export const escapeXml = (s) =>
  String(s)
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')
    .replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]);

/** A keyword as a path segment: '|' separates levels, so it cannot be in a name. */
const segment = (s) => String(s).replaceAll('|', '/');

/**
 * Each coarse tag's path of broader tags, from the table: a tag's parent is the smallest tag
 * whose classes include all of its own (cat ⊂ mammal ⊂ animal).
 * @returns {Map<string, string[]>} tag -> ['animal', 'mammal', 'cat']
 */
export function tagPaths(table = TAG_TABLE) {
  const members = new Map(table.tags.map((t) => [t.tag, new Set()]));
  table.classes.forEach((tags, i) => tags.forEach((t) => members.get(t)?.add(i)));
  const order = table.tags.map((t) => t.tag);
  const parent = new Map();
  for (const b of order) {
    const mb = members.get(b);
    if (!mb.size) continue;
    let best = null;
    for (const a of order) {
      const ma = members.get(a);
      if (a === b || ma.size < mb.size || (best && ma.size >= members.get(best).size)) continue;
      // equal sets: the one listed later is the broader (the table lists specific kinds first)
      if (ma.size === mb.size && order.indexOf(a) < order.indexOf(b)) continue;
      if ([...mb].every((i) => ma.has(i))) best = a;
    }
    if (best) parent.set(b, best);
  }
  const paths = new Map();
  const pathOf = (t, seen = new Set()) => {
    if (paths.has(t)) return paths.get(t);
    seen.add(t);
    const p = parent.has(t) && !seen.has(parent.get(t)) ? [...pathOf(parent.get(t), seen), t] : [t];
    paths.set(t, p);
    return p;
  };
  order.forEach((t) => pathOf(t));
  return paths;
}

let shared = null;
const defaultPaths = () => (shared ??= tagPaths());

/**
 * The path of one of a record's tags: a coarse tag's WordNet path; a fine label below its
 * class's most specific coarse tag (animal|mammal|cat|tiger cat); any other tag (person,
 * taught) on its own.
 */
export function pathOf(tag, record, { paths = defaultPaths(), table = TAG_TABLE } = {}) {
  if (tag.kind === 'coarse' && paths.has(tag.tag)) return paths.get(tag.tag);
  if (tag.kind === 'label') {
    const c = record.top5?.find((x) => shortLabel(x.label) === tag.tag);
    const above = (c && table.classes[c.index]?.map((t) => paths.get(t) ?? [t])) ?? [];
    const deepest = above.sort((a, b) => b.length - a.length)[0] ?? [];
    return [...deepest, tag.tag];
  }
  return [tag.tag];
}

const bag = (items) => (items.length ? `<rdf:Bag>\n${items.map((s) => `     <rdf:li>${escapeXml(s)}</rdf:li>`).join('\n')}\n    </rdf:Bag>` : '<rdf:Bag/>');

/**
 * The XMP packet for one record.
 * @param {object} record a tagger record (tags, top5, model)
 * @param {{confirmed?: string[], taught?: {tag: string, score: number}[], generator?: string, date?: Date}} [o]
 *   confirmed: taught tags the user gave this photo; taught: taught-tag suggestions (machine)
 */
export function xmpSidecar(record, { confirmed = [], taught = [], generator = 'effnet-wasm tagger', date = new Date(), paths } = {}) {
  const machine = [...(record.tags ?? []), ...taught.map((t) => ({ ...t, kind: 'taught' }))].filter((t) => !confirmed.includes(t.tag));
  const subjects = [...new Set([...confirmed, ...machine.map((t) => t.tag)])];
  const hierarchical = [...new Set([...confirmed.map(segment), ...machine.map((t) => [...MACHINE_ROOT, ...pathOf(t, record, paths ? { paths } : {})].map(segment).join('|'))])];
  const scored = machine.map((t) => `${t.tag};${t.kind};${(Math.round(t.score * 1e4) / 1e4).toFixed(4)}`);
  const model = record.model?.id ? `${record.model.id}${record.model.sha256 ? ` sha256:${record.model.sha256.slice(0, 16)}` : ''}` : '';
  return `<?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/" x:xmptk="${escapeXml(generator)}">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about=""
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:lr="http://ns.adobe.com/lightroom/1.0/"
    xmlns:xmp="http://ns.adobe.com/xap/1.0/"
    xmlns:effnet="${NS}">
   <xmp:CreatorTool>${escapeXml(generator)}</xmp:CreatorTool>
   <xmp:MetadataDate>${date.toISOString()}</xmp:MetadataDate>
   <dc:subject>
    ${bag(subjects)}
   </dc:subject>
   <lr:hierarchicalSubject>
    ${bag(hierarchical)}
   </lr:hierarchicalSubject>
   <effnet:Model>${escapeXml(model)}</effnet:Model>
   <effnet:MachineTags>
    ${bag(scored)}
   </effnet:MachineTags>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>
`;
}

/** Whether an existing sidecar's text is one this tagger wrote (then it may be replaced). */
export const isOurs = (text) => text.includes(`xmlns:effnet="${NS}"`);
