// @ts-check
// The admin app's service worker: the app works offline once loaded. Every
// same-origin GET goes to the network first (so a rebuilt app is seen at once)
// and is kept in a cache; when the network fails, the cached copy answers. On
// install it caches the app, the engine and every example the index lists. The
// server of record's API (/v1/) is never touched: its answers are one member's,
// carry a bearer token, and must be current.
/// <reference lib="webworker" />

const CACHE = "rolegate-admin";
const sw = /** @type {ServiceWorkerGlobalScope} */ (/** @type {unknown} */ (self));

const SHELL = [
  "./",
  "index.html",
  "styles.css",
  "version.json",
  "engine/rolegate.mjs",
  "engine/rolegate_core.mjs",
  "engine/rolegate_core.wasm",
  "examples/index.json",
  "js/main.js",
];

/** Every file of every example, from the examples index. */
async function exampleFiles() {
  try {
    const response = await fetch("examples/index.json", { cache: "no-cache" });
    /** @type {{ name: string, changes?: string[], requests?: string[] }[]} */
    const list = await response.json();
    return list.flatMap((e) => [
      `examples/${e.name}/bundle.json`,
      `examples/${e.name}/README.md`,
      ...(e.changes ?? []).map((f) => `examples/${e.name}/changes/${f}`),
      ...(e.requests ?? []).map((f) => `examples/${e.name}/requests/${f}`),
    ]);
  } catch {
    return [];
  }
}

sw.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      const files = [...SHELL, ...(await exampleFiles())];
      // One missing file must not stop the rest from being kept.
      await Promise.all(files.map((f) => cache.add(new Request(f, { cache: "no-cache" })).catch(() => undefined)));
      await sw.skipWaiting();
    })(),
  );
});

sw.addEventListener("activate", (event) => {
  event.waitUntil(sw.clients.claim());
});

sw.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== sw.location.origin) return;
  if (url.pathname.startsWith("/v1/") || request.headers.has("Authorization")) return;
  event.respondWith(
    (async () => {
      const cache = await caches.open(CACHE);
      try {
        const response = await fetch(request);
        if (response.ok) await cache.put(request, response.clone());
        return response;
      } catch (error) {
        const cached = await cache.match(request, { ignoreSearch: true });
        if (cached) return cached;
        throw error;
      }
    })(),
  );
});
