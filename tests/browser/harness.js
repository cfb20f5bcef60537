// The test page: the public API on window, for the browser tests to drive.
import * as effnet from 'effnet-wasm';
import * as Comlink from 'comlink';
import './harness.html';

window.effnet = effnet;
// to reach the library's worker directly (tools/page-hooks.js collects it): the trap tests
window.Comlink = Comlink;
window.fixture = async (name) => (await fetch(`/fixtures/${name}`)).blob();
window.ready = true;
