/* Chợ Quê's service worker: the site's shell and the shopper's own order pages, offline.
 *
 * Served as /sw.js (scope: the whole site) by market/discovery.py. Only this site is ever
 * asked; nothing leaves it.
 * - Static files (/static/...?v=<content hash>) never change under one URL: served from the
 *   cache once seen, fetched and kept otherwise.
 * - Order pages (the order, its private link, its payment page with the VietQR transfer
 *   details and QR image), in either language: always asked from the network while online,
 *   and a copy kept, so that a page seen before still opens without a signal.
 * - Any other page comes from the network; without a signal, the offline page (in the page's
 *   language) says so.
 * Signing out deletes the kept order pages.
 */
"use strict";

const SHELL = "choque-shell-v1";
const ORDERS = "choque-orders-v1";
const OFFLINE = { vi: "/ngoai-tuyen", en: "/en/ngoai-tuyen" };
// /don-hang/..., /thanh-toan/<token> and its QR image, optionally under /en; not the
// producers' payment pages and not the live status the page polls.
const ORDER_PAGE = /^(\/en)?\/(don-hang\/.*|thanh-toan\/(?!nha-san-xuat)[^/]+(\/qr\.(png|svg))?)$/;
const SIGN_OUT = /^(\/en)?\/tai-khoan\/dang-xuat$/;

function language(path) {
  return path === "/en" || path.startsWith("/en/") ? "en" : "vi";
}

// Keep a page and what it links from this site: static files in the shell, order images
// (the VietQR code) with the orders. The shell pages are asked without cookies: they name nobody.
async function keepPage(url, cacheName, credentials) {
  const answer = await fetch(url, { credentials: credentials, cache: "no-store" });
  if (!answer.ok || answer.redirected) return;
  const page = await answer.clone().text();
  await (await caches.open(cacheName)).put(url, answer);
  const linked = [...page.matchAll(/(?:href|src)="(\/[^"]+)"/g)].map((m) =>
    m[1].replace(/&amp;/g, "&")
  );
  const shell = await caches.open(SHELL);
  const orders = await caches.open(ORDERS);
  const keep = (cache, link) => cache.add(link).catch(() => undefined); // one miss is no failure
  await Promise.all([
    ...linked.filter((link) => /^\/static\/[^?]+\?v=/.test(link)).map((l) => keep(shell, l)),
    ...linked.filter((link) => /\/qr\.(png|svg)$/.test(link)).map((l) => keep(orders, l)),
  ]);
}

async function keepShell() {
  for (const url of Object.values(OFFLINE)) await keepPage(url, SHELL, "omit");
}

async function keepOpenOrderPages() {
  // The page that registered this worker was not served through it: keep it now.
  const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
  for (const client of windows) {
    const url = new URL(client.url);
    if (url.origin === location.origin && ORDER_PAGE.test(url.pathname)) {
      await keepPage(url.pathname + url.search, ORDERS, "same-origin");
    }
  }
}

self.addEventListener("install", (event) => {
  event.waitUntil(
    Promise.all([keepShell(), keepOpenOrderPages()]).then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      const names = await caches.keys();
      await Promise.all(
        names.filter((n) => n !== SHELL && n !== ORDERS).map((n) => caches.delete(n))
      );
      await self.clients.claim();
    })()
  );
});

async function staticFile(request) {
  const cache = await caches.open(SHELL);
  const kept = await cache.match(request);
  if (kept) return kept;
  const answer = await fetch(request);
  if (answer.ok) await cache.put(request, answer.clone());
  return answer;
}

async function orderPage(request) {
  const cache = await caches.open(ORDERS);
  try {
    const answer = await fetch(request);
    if (answer.ok && !answer.redirected) await cache.put(request, answer.clone());
    return answer;
  } catch (offline) {
    const kept = await cache.match(request);
    if (kept) return kept;
    if (request.mode === "navigate") return offlinePage(new URL(request.url).pathname);
    throw offline;
  }
}

async function offlinePage(path) {
  return (await caches.match(OFFLINE[language(path)])) || Response.error();
}

async function otherPage(request) {
  try {
    return await fetch(request);
  } catch (offline) {
    return offlinePage(new URL(request.url).pathname);
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== location.origin) return;
  if (request.method === "POST" && SIGN_OUT.test(url.pathname)) {
    event.waitUntil(caches.delete(ORDERS));
    return;
  }
  if (request.method !== "GET") return;
  if (url.pathname.startsWith("/static/") && url.searchParams.has("v")) {
    event.respondWith(staticFile(request));
  } else if (ORDER_PAGE.test(url.pathname)) {
    event.respondWith(orderPage(request));
  } else if (request.mode === "navigate") {
    event.respondWith(otherPage(request));
  }
});
