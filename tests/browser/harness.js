// The test page: the public API on window, for the browser tests to drive.
import * as effnet from 'effnet-wasm';
import './harness.html';

window.effnet = effnet;
window.fixture = async (name) => (await fetch(`/fixtures/${name}`)).blob();
window.ready = true;
