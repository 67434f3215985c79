// Checkout conveniences; the form works the same without them (its "Continue" and "Show
// delivery options" buttons re-show the page with what the choices need). Fees come from the
// server, quoted for the address given: the script only adds up the ones chosen.
(function () {
  "use strict";
  var form = document.getElementById("checkout-form");
  if (!form) { return; }
  var newAddress = form.querySelector("[data-new-address]");
  var summary = form.querySelector("[data-items-total]");
  var money = new Intl.NumberFormat("vi-VN");

  function format(amount) { return money.format(amount).replace(/,/g, ".") + "\u00a0₫"; }

  function refresh() {
    var delivery = 0;
    form.querySelectorAll("[data-part]").forEach(function (part) {
      var chosen = part.querySelector("input[name^=delivery_]:checked");
      var stall = part.querySelector("[data-stall]");
      if (chosen) { delivery += parseInt(chosen.getAttribute("data-fee") || "0", 10); }
      if (stall) { stall.hidden = !chosen || chosen.value !== "pickup_stall"; }
    });
    var saved = form.querySelector("input[name=saved_address]:checked");
    if (newAddress && saved) { newAddress.hidden = saved.value !== "new"; }
    if (summary) {
      var items = parseInt(summary.getAttribute("data-items-total"), 10);
      summary.querySelector("[data-delivery-total]").textContent = format(delivery);
      summary.querySelector("[data-grand-total]").textContent = format(items + delivery);
    }
  }

  // The stall choice appears as soon as a stall pickup is chosen, so "Continue" is not needed.
  form.querySelectorAll("[data-reveal]").forEach(function (el) { el.hidden = true; });
  var errors = form.querySelector("[data-error-summary]");
  if (errors) { errors.focus(); }

  form.addEventListener("change", refresh);
  form.addEventListener("submit", function (event) {
    // A second tap would find the same order anyway (idempotency key); this just says so.
    var button = form.querySelector("[data-once]");
    if (button && event.submitter === button) {
      window.setTimeout(function () { button.disabled = true; }, 0);
    }
  });
  refresh();
})();
