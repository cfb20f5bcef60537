// A photo's card, as both pages draw one (the demo's results, the tagger's grid and strips):
// its picture, then its parts, in order: lines of text (name, label, score…) or elements the
// caller made. The caller owns the picture's object URL.

/**
 * @param {{element?: string, className?: string, picture?: boolean, src?: string, alt?: string, width?: number, height?: number,
 *          parts?: (Node | {className: string, text: string, element?: string})[]}} o
 *   picture: false for a card without one (the demo's for a file it cannot show); src: none yet (set when seen)
 * @returns {HTMLElement}
 */
export function photoCard({ element = 'li', className = 'card', picture = true, src, alt = '', width, height, parts = [] }) {
  const card = document.createElement(element);
  card.className = className;
  if (picture) {
    const img = document.createElement('img');
    img.alt = alt;
    if (width) img.width = width;
    if (height) img.height = height;
    if (src) img.src = src;
    card.append(img);
  }
  for (const p of parts) card.append(p instanceof Node ? p : textPart(p));
  return card;
}

function textPart({ className, text, element = 'span' }) {
  const e = document.createElement(element);
  e.className = className;
  e.textContent = text;
  return e;
}
