// Payments: copy buttons and the live payment status. Only convenience: without this script
// the details can be selected by hand and the status shows on reload.
(function () {
  "use strict";

  var FAST = 4000;
  var SLOW = 15000;
  var SLOW_AFTER = 2 * 60 * 1000;
  var FINAL = { paid: true, expired: true, cancelled: true };
  var BADGES = { paid: "badge", partial: "badge warn", unpaid: "badge warn" };

  function copyByHand(value) {
    var area = document.createElement("textarea");
    area.value = value;
    area.setAttribute("readonly", "");
    area.className = "pay-offscreen";
    document.body.appendChild(area);
    area.select();
    var copied = false;
    try {
      copied = document.execCommand("copy");
    } catch (error) {
      copied = false;
    }
    document.body.removeChild(area);
    return copied;
  }

  function setUpCopy(button) {
    var label = button.textContent;
    button.hidden = false;
    button.addEventListener("click", function () {
      var value = button.getAttribute("data-copy");
      var done = function () {
        button.textContent = button.getAttribute("data-copied");
        window.setTimeout(function () { button.textContent = label; }, 2000);
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(value).then(done, function () {
          if (copyByHand(value)) { done(); }
        });
      } else if (copyByHand(value)) {
        done();
      }
    });
  }

  function watch(panel) {
    var url = panel.getAttribute("data-pay-status-url");
    var state = panel.getAttribute("data-pay-state");
    var started = Date.now();
    if (FINAL[state]) { return; }
    var refresh = panel.querySelector("[data-pay-refresh]");
    if (refresh) { refresh.hidden = true; }

    function show(data) {
      var label = panel.querySelector("[data-pay-label]");
      if (label) {
        label.textContent = data.label;
        label.className = BADGES[data.state] || "badge bad";
      }
      if (data.state === state) { return; }
      if (!FINAL[data.state]) {
        // Partly paid: the QR and the amount to transfer change, so draw the page again.
        window.location.reload();
        return;
      }
      state = data.state;
      panel.setAttribute("data-pay-state", state);
      var open = panel.querySelector("[data-pay-open]");
      if (open) { open.hidden = true; }
      var paid = panel.querySelector("[data-pay-paid]");
      if (paid) { paid.hidden = state !== "paid"; }
      document.querySelectorAll("form.pay-card").forEach(function (form) { form.hidden = true; });
    }

    function next() {
      if (FINAL[state]) { return; }
      window.setTimeout(tick, Date.now() - started > SLOW_AFTER ? SLOW : FAST);
    }

    function tick() {
      if (document.hidden) { next(); return; }
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) { if (data) { show(data); } })
        .catch(function () { return null; })
        .then(next);
    }

    next();
  }

  document.querySelectorAll("button[data-copy]").forEach(setUpCopy);
  document.querySelectorAll("[data-pay-status-url]").forEach(watch);
}());
