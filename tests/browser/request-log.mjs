// The privacy check on a browser's request log (tools/chromium.mjs recordRequests): no image
// data leaves the page.
import assert from 'node:assert/strict';

/** Every network request went to one of `origins` as a GET without a body. */
export function assertStayedOnOrigins(requests, origins) {
  assert.ok(requests.length > 10);
  const network = requests.filter((r) => !r.url.startsWith('blob:') && !r.url.startsWith('data:'));
  assert.deepEqual(network.filter((r) => !origins.some((o) => r.url.startsWith(o + '/'))).map((r) => r.url), []);
  assert.deepEqual(network.filter((r) => r.method !== 'GET' || (r.body && r.body.length)).map((r) => `${r.method} ${r.url}`), []);
}
