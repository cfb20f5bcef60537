// A category as a labelled bar with its percentage: how the demo's results and the tagger's
// details both show a top-5 (styles in theme.css).
export const pct = (score) => `${(score * 100).toFixed(1)}%`;

/** @param {string} label @param {number} score @returns {HTMLLIElement} */
export function scoreBar(label, score) {
  const row = document.createElement('li');
  row.className = 'bar';
  row.innerHTML = '<span class="label"></span><span class="meter"><span class="fill"></span></span><span class="pct"></span>';
  row.querySelector('.label').textContent = label;
  row.querySelector('.fill').style.width = pct(score);
  row.querySelector('.pct').textContent = pct(score);
  return row;
}
