// The tagger's own typed errors (the page's, not the library's: the library's codes are
// www/src/shared/error-codes.json). Each has a stable `code` and a message naming what was wrong.
export const TAGGER_ERRORS = Object.freeze({
  BAD_VECTOR: 'an embedding of the wrong length or with values that are not finite numbers',
  BAD_TAUGHT_TAGS: 'a taught-tags file that is not JSON of the expected version and shape (names the field)',
  BAD_TAG_NAME: 'a taught tag name that is empty, too long, or already a name in use',
  TOO_FEW_EXAMPLES: 'a tag taught from no photo with an embedding',
});

export class TaggerError extends Error {
  constructor(code, message, options) {
    if (!(code in TAGGER_ERRORS)) throw new TypeError(`unknown tagger error code ${code}`);
    super(message, options);
    this.name = 'TaggerError';
    this.code = code;
  }
}
