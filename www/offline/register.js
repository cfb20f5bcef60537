// Both pages register the app's service worker (www/offline/sw.js, emitted at the top of the
// build) so that they work offline after the first visit. Where there is none (an insecure
// context, a browser without service workers) the pages work online as before.

/**
 * @param {string} url sw.js relative to the page ('sw.js' from the top, '../sw.js' from tagger/)
 * @returns {Promise<ServiceWorkerRegistration|null>}
 */
export async function registerOffline(url) {
  if (!('serviceWorker' in navigator)) return null;
  try {
    // its scope is its folder, the top of the site: both pages
    return await navigator.serviceWorker.register(new URL(url, location.href));
  } catch (e) {
    console.warn(`effnet-wasm: no offline support (${e.name}: ${e.message})`);
    return null;
  }
}
