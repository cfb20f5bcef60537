// The page's error line (one at a time; an empty message hides it) and its storage warning,
// shown once: results that cannot be kept are still tagged and shown, for this visit.
export class Messages {
  #error;
  #warning;
  #warned = false;

  /** @param {{error: HTMLElement, warning: HTMLElement}} o */
  constructor({ error, warning }) {
    this.#error = error;
    this.#warning = warning;
  }

  error(message) {
    this.#error.textContent = message;
    this.#error.hidden = !message;
  }

  warnOnce(message) {
    if (this.#warned) return;
    this.#warned = true;
    this.#warning.textContent = message;
    this.#warning.hidden = false;
  }
}
