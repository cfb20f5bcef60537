// Both classes behind the one declaration: the browser's (www/src/client/classifier.js) and
// Node's (www/src/node/index.js) ImageClassifier each have every member index.d.ts declares,
// with a type that fits it, and a create() callable as declared. Compiled by `tsc` (npm test's
// typecheck step), the JS's types inferred from the code and its JSDoc.
// @jsquash/jpeg's declarations (Node's JPEG decoder, www/src/node/decode.js) use a namespace
// that only this file of theirs declares, and none of them references it
/// <reference path="../../node_modules/@jsquash/jpeg/emscripten-types.d.ts" />
import type { ImageClassifier, ModelLoad, WorkerRestart } from 'effnet-wasm';
import { ImageClassifier as BrowserClassifier } from '../../www/src/client/index.js';
import { ImageClassifier as NodeClassifier } from '../../www/src/node/index.js';

type Declared = keyof ImageClassifier;
/** The declared members a class lacks: `never` when it has them all. */
type Missing<C> = Exclude<Declared, keyof C>;

const browserLacks: Record<Missing<BrowserClassifier>, never> = {};
const nodeLacks: Record<Missing<NodeClassifier>, never> = {};

// the members added for parity with the browser's class, with the declared shape
function parity(node: NodeClassifier, browser: BrowserClassifier): [ModelLoad, WorkerRestart[], ModelLoad, WorkerRestart[]] {
  return [node.load, node.restarts, browser.load, browser.restarts];
}

const create: Array<typeof ImageClassifier.create> = [BrowserClassifier.create, NodeClassifier.create];

export { browserLacks, nodeLacks, parity, create };
