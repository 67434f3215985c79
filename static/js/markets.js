// Markets: the stall seller's live screen. Only convenience: without this script a reload (or
// the "Check now" button) shows the same state. Polls a tiny JSON answer for the sales still
// waiting; the browser revalidates it with its ETag, so an unchanged state costs a bodiless 304.
(function () {
  "use strict";

  var FAST = 4000;
  var SLOW = 12000;
  var SLOW_AFTER = 3 * 60 * 1000;
  var STOP_AFTER = 30 * 60 * 1000;
  var BADGES = { awaiting: "badge warn", partial: "badge bad", paid: "badge", cancelled: "badge bad" };
  var FINAL = { paid: true, cancelled: true };

  function watch(root) {
    var url = root.getAttribute("data-sale-watch");
    var started = Date.now();
    var page = root.querySelector("[data-sale-page]");

    function waiting() {
      return Array.prototype.filter.call(root.querySelectorAll("[data-sale-id]"), function (el) {
        return !el.hasAttribute("data-sale-final");
      });
    }

    function show(el, sale) {
      var label = el.querySelector("[data-sale-label]");
      if (label) {
        label.textContent = sale.label;
        label.className = BADGES[sale.state] || "badge";
      }
      if (!FINAL[sale.state]) {
        // Partly paid: the QR now asks for what remains, so draw the sale page again.
        if (el === page && sale.state !== el.getAttribute("data-sale-state")) {
          window.location.reload();
        }
        return;
      }
      el.setAttribute("data-sale-final", "");
      if (el === page) {
        if (sale.state === "paid") {
          var done = el.querySelector("[data-sale-done]");
          if (done) { done.hidden = false; }
        }
        var open = el.querySelector("[data-sale-open]");
        if (open) { open.hidden = true; }
        if (navigator.vibrate && sale.state === "paid") { navigator.vibrate(200); }
      }
    }

    function next() {
      var elapsed = Date.now() - started;
      if (!waiting().length || elapsed > STOP_AFTER) { return; }
      window.setTimeout(tick, elapsed > SLOW_AFTER ? SLOW : FAST);
    }

    function tick() {
      var pending = waiting();
      if (!pending.length) { return; }
      if (document.hidden) { next(); return; }
      var ids = pending.map(function (el) { return el.getAttribute("data-sale-id"); });
      fetch(url + "?ids=" + ids.join(","), {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
        cache: "no-cache"
      })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) {
          if (!data) { return; }
          data.sales.forEach(function (sale) {
            pending.forEach(function (el) {
              if (el.getAttribute("data-sale-id") === String(sale.id)) { show(el, sale); }
            });
          });
        })
        .catch(function () { return null; })
        .then(next);
    }

    next();
  }

  document.querySelectorAll("[data-sale-watch]").forEach(watch);
}());
