// The "person" tag. ImageNet-1k has no class for a person as such (three for a kind of person:
// ballplayer, groom, scuba diver), so "person", "people", the first words many users type,
// would find almost nothing. What the classes do know is what people wear: a suit, a uniform,
// a gown, a helmet. A photo whose probability mass on those classes (and the three person
// classes) reaches PERSON_THRESHOLD is tagged "person", kind 'inferred', and the page says how
// far to trust it (PERSON_NOTE). Pure: no DOM.

/** ImageNet-1k class index -> first name of its label (checked against the label file by tests/js/tagger-similar.test.mjs). */
export const PERSON_CLASSES = Object.freeze({
  // worn: clothes, uniforms, headwear, seen on someone far more often than alone.
  // Left out, as photographed on their own as often: shoes, socks, stockings, mittens, masks, seat belts.
  399: 'abaya', 400: 'academic gown', 411: 'apron', 433: 'bathing cap', 439: 'bearskin', 445: 'bikini',
  451: 'bolo tie', 452: 'bonnet', 457: 'bow tie', 459: 'brassiere', 465: 'bulletproof vest', 474: 'cardigan',
  501: 'cloak', 515: 'cowboy hat', 518: 'crash helmet', 552: 'feather boa', 560: 'football helmet', 568: 'fur coat',
  570: 'gasmask', 578: 'gown', 601: 'hoopskirt', 608: 'jean', 610: 'jersey', 614: 'kimono', 617: 'lab coat',
  638: 'maillot', 639: 'maillot', 652: 'military uniform', 655: 'miniskirt', 667: 'mortarboard', 678: 'neck brace',
  689: 'overskirt', 691: 'oxygen mask', 697: 'pajama', 735: 'poncho', 775: 'sarong', 793: 'shower cap',
  796: 'ski mask', 808: 'sombrero', 824: 'stole', 834: 'suit', 836: 'sunglass', 837: 'sunglasses',
  841: 'sweatshirt', 842: 'swimming trunks', 869: 'trench coat', 887: 'vestment', 903: 'wig', 906: 'Windsor tie',
  // the person classes themselves
  981: 'ballplayer', 982: 'groom', 983: 'scuba diver',
});

const INDICES = Object.keys(PERSON_CLASSES).map(Number);

/**
 * The summed probability a photo needs to be tagged "person". astronaut.png (a person in a
 * space suit, which ImageNet calls "football helmet", "crash helmet"...) gets 0.23; the other
 * fixtures 0.013 at most (tests/js/tagger-similar.test.mjs prints them).
 */
export const PERSON_THRESHOLD = 0.15;

export const PERSON_TAG = 'person';

/** Words that search for the person tag. */
export const PERSON_WORDS = Object.freeze(['person', 'persons', 'people', 'human', 'humans', 'man', 'men', 'woman', 'women', 'child', 'children', 'kid', 'kids']);

/** What the page says about the tag: an honest measure of how far to trust it. */
export const PERSON_NOTE =
  '“person” is a guess: ImageNet has no person class, so it is inferred from what people wear (suits, uniforms, gowns, helmets, swimwear…). ' +
  'It misses people whose clothes it does not recognise (faces, crowds, everyday clothes) and also tags clothes photographed on their own. ' +
  'Its precision has been checked on a handful of test photos only.';

/** The person score of a probability vector: the mass on PERSON_CLASSES. */
export function personScore(probabilities) {
  let s = 0;
  for (const i of INDICES) s += probabilities[i] ?? 0;
  return Math.min(1, s);
}

/**
 * `tags` (deriveTags's) with the person tag added or raised to the inferred score when that
 * reaches the threshold. Only for ImageNet-1k outputs (the caller checks the label set).
 */
export function withPerson(tags, probabilities, { threshold = PERSON_THRESHOLD } = {}) {
  const score = personScore(probabilities);
  if (score < threshold) return tags;
  const rest = tags.filter((t) => t.tag !== PERSON_TAG);
  const old = tags.find((t) => t.tag === PERSON_TAG);
  return [...rest, { tag: PERSON_TAG, score: Math.max(score, old?.score ?? 0), kind: 'inferred' }].sort((a, b) => b.score - a.score);
}

/** The search a query means: a person word searches the person tag. */
export const searchTerm = (q) => (PERSON_WORDS.includes(q.trim().toLowerCase()) ? PERSON_TAG : q);
