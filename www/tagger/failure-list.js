// "Photos that could not be tagged": one line per path, with the reason. A photo failing again
// (or unreadable again) replaces its line; one tagged at last loses it.
export class FailureList {
  #box;
  #heading;
  #list;

  /** @param {{box: HTMLDetailsElement, heading: HTMLElement, list: HTMLUListElement}} o */
  constructor({ box, heading, list }) {
    this.#box = box;
    this.#heading = heading;
    this.#list = list;
  }

  #item(path) {
    return [...this.#list.children].find((li) => li.dataset.path === path);
  }

  add(path, message) {
    const li = document.createElement('li');
    li.dataset.path = path;
    li.textContent = `${path}: ${message}`;
    const old = this.#item(path);
    if (old) old.replaceWith(li);
    else this.#list.append(li);
    this.#count();
  }

  remove(path) {
    this.#item(path)?.remove();
    this.#count();
  }

  clear() {
    this.#list.replaceChildren();
    this.#count();
  }

  /** Follows the library: its failed records listed, a record tagged at last unlisted. */
  follow(library) {
    library.addEventListener('add', ({ record }) => (record.error ? this.add(record.path, record.error.message) : this.remove(record.path)));
    library.addEventListener('reset', ({ cause }) => {
      if (cause === 'clear') this.clear(); // the unreadable files' lines too: all is forgotten
      for (const r of library.all()) if (r.error) this.add(r.path, r.error.message);
    });
    return this;
  }

  #count() {
    const n = this.#list.children.length;
    this.#box.hidden = n === 0;
    this.#heading.textContent = `Photos that could not be tagged (${n})`;
  }
}
