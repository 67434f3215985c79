/* Registers the service worker (static/sw.js, served as /sw.js) that keeps the site's shell
   and the shopper's order pages readable offline. Pages work the same without it. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!("serviceWorker" in navigator) || !script || !script.dataset.worker) return;
  window.addEventListener("load", function () {
    navigator.serviceWorker.register(script.dataset.worker, { scope: "/" }).catch(function () {});
  });
})();
