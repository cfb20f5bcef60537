// The app's service worker: the pages, scripts and styles of one build (PRECACHE, put in front
// of this file by plugin.mjs with the build's VERSION) are cached on install and served from
// the cache first, so the demo and the tagger load with the network gone. Nothing else passes
// through it: models stay in IndexedDB and the wasm in the library's runtime cache, each
// stored once. A new build has a new VERSION, so a new sw.js: it installs at once, its
// activation deletes the older caches, and the next reload is the new version.
/* global VERSION, PRECACHE */
const PREFIX = 'effnet-shell-';
const CACHE = PREFIX + VERSION;
const scope = new URL('./', self.location.href);
const precached = new Set(PRECACHE.map((name) => new URL(name, scope).href));

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      // past the HTTP cache: the files must be this build's
      try {
        await cache.addAll(PRECACHE.map((name) => new Request(new URL(name, scope), { cache: 'no-cache' })));
      } catch (e) {
        // a failed install (a request failed) leaves no half-filled cache behind: the browser
        // tries this version again at a later navigation or update check
        await caches.delete(CACHE);
        throw e;
      }
      // no waiting for every tab to close: the next reload is the new version (a tab still on
      // the old one fetches what it has not loaded yet from the network)
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) if (name.startsWith(PREFIX) && name !== CACHE) await caches.delete(name);
      await self.clients.claim();
    })(),
  );
});

/** The precached URL a request is for, or null: a folder's navigation is its index.html. */
function precachedUrl(request) {
  if (request.method !== 'GET') return null;
  const url = new URL(request.url);
  url.search = '';
  url.hash = '';
  if (request.mode === 'navigate' && url.pathname.endsWith('/')) url.pathname += 'index.html';
  return precached.has(url.href) ? url.href : null;
}

self.addEventListener('fetch', (event) => {
  const url = precachedUrl(event.request);
  if (!url) return; // the network, as if there were no service worker
  event.respondWith(
    (async () => {
      // the stored response keeps its headers (COOP, COEP, CORP): the page stays cross-origin isolated
      const hit = await (await caches.open(CACHE)).match(url);
      return hit ?? fetch(event.request);
    })(),
  );
});

// which build this is, for a page that asks (tests/browser/offline.test.mjs does)
self.addEventListener('message', (event) => {
  if (event.data === 'version') event.ports[0]?.postMessage(VERSION);
});
