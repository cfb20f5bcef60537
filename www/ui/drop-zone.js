// A drop zone, as both pages have one (styles: .drop in ../theme.css): highlighted while
// something is dragged over it, handing what was dropped to `onDrop`.

/** @param {HTMLElement} element @param {(data: DataTransfer) => void} onDrop */
export function dropZone(element, onDrop) {
  element.addEventListener('dragover', (e) => {
    e.preventDefault(); // else the browser opens the file instead of dropping it here
    element.classList.add('over');
  });
  element.addEventListener('dragleave', () => element.classList.remove('over'));
  element.addEventListener('drop', (e) => {
    e.preventDefault();
    element.classList.remove('over');
    onDrop(e.dataTransfer);
  });
}
