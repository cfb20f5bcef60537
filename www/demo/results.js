// One result card per image: the picture, its top-5 as labelled bars, timings or an error.
import { scoreBar } from '../score-bars.js';
import { photoCard } from '../ui/photo-card.js';

const ms = (t) => `${t.toFixed(1)} ms`;

/**
 * Adds a card for `name` (showing `url` if given) at the top of `list`, or after `after`,
 * and returns functions to fill it in.
 */
export function addCard(list, name, url, after = null) {
  const body = document.createElement('div');
  body.className = 'card-body';
  const title = document.createElement('h3');
  title.textContent = name;
  const status = document.createElement('p');
  status.className = 'muted';
  status.textContent = 'Classifying…';
  body.append(title, status);
  const li = photoCard({ picture: !!url, src: url, alt: name, parts: [body] });
  li.setAttribute('aria-busy', 'true');
  const img = li.querySelector('img');
  if (img) {
    img.decoding = 'async';
    img.onload = () => url.startsWith('blob:') && URL.revokeObjectURL(url);
    img.onerror = () => {
      img.remove(); // not displayable: the card says why
      if (url.startsWith('blob:')) URL.revokeObjectURL(url);
    };
  }
  if (after) after.after(li);
  else list.prepend(li);

  let bars = null;
  return {
    element: li,
    show(result) {
      li.removeAttribute('aria-busy');
      bars?.remove(); // the webcam card is refreshed in place
      bars = document.createElement('ul');
      bars.className = 'bars';
      for (const c of result.categories) {
        const row = scoreBar(c.label, c.score);
        row.title = `class ${c.index}`;
        bars.append(row);
      }
      const t = result.timing;
      status.textContent = `preprocess ${ms(t.preprocessMs)} · inference ${ms(t.inferenceMs)} · total ${ms(t.totalMs)}`;
      body.insertBefore(bars, status);
    },
    fail(error) {
      li.removeAttribute('aria-busy');
      li.classList.add('failed');
      status.className = 'error';
      status.textContent = `Could not classify: ${error.message}`;
    },
  };
}
