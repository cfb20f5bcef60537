// What the offline tests ask of the site's service worker (www/offline/) from the page.

/** Waits for the page to be controlled by an active service worker; returns its build version. */
export async function controlledVersion(page) {
  await page.waitForFunction(() => navigator.serviceWorker.controller?.state === 'activated', null, { timeout: 60_000 });
  return page.evaluate(
    () =>
      new Promise((resolve) => {
        const channel = new MessageChannel();
        channel.port1.onmessage = (e) => resolve(e.data);
        navigator.serviceWorker.controller.postMessage('version', [channel.port2]);
      }),
  );
}

/** The page's app-shell caches (one per version). */
export const shellCaches = (page) => page.evaluate(async () => (await caches.keys()).filter((k) => k.startsWith('effnet-shell-')));

/** Network gone: the browser context is offline and server `s` is shut down. */
export async function goOffline(context, s) {
  await context.setOffline(true);
  s.closeAllConnections();
  await new Promise((ok) => s.close(ok));
}
