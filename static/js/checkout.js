// Checkout conveniences; the form works the same without them.
(function () {
  "use strict";
  var form = document.getElementById("checkout-form");
  if (!form) { return; }
  var homeProvince = form.querySelector("[data-home-province]");
  var otherProvince = form.querySelector("[data-other-province]");
  var province = form.querySelector("select[name=province]");
  var homeCode = province ? province.options[0].value : "";
  var address = form.querySelector("[data-address]");
  var summary = form.querySelector("[data-items-total]");
  var money = new Intl.NumberFormat("vi-VN");

  function format(amount) { return money.format(amount).replace(/,/g, ".") + " ₫"; }

  function refresh() {
    var delivery = 0;
    var anyHome = false;
    form.querySelectorAll("[data-part]").forEach(function (part) {
      var chosen = part.querySelector("input[name^=delivery_]:checked");
      var stall = part.querySelector("[data-stall]");
      if (chosen) {
        delivery += parseInt(chosen.getAttribute("data-fee") || "0", 10);
        anyHome = anyHome || chosen.value === "home";
      }
      if (stall) { stall.hidden = !chosen || chosen.value !== "pickup_stall"; }
    });
    if (address) { address.hidden = !anyHome; }
    if (province && homeProvince && otherProvince) {
      homeProvince.hidden = province.value !== homeCode;
      otherProvince.hidden = province.value === homeCode;
    }
    if (summary) {
      var items = parseInt(summary.getAttribute("data-items-total"), 10);
      summary.querySelector("[data-delivery-total]").textContent = format(delivery);
      summary.querySelector("[data-grand-total]").textContent = format(items + delivery);
    }
  }

  form.addEventListener("change", refresh);
  form.addEventListener("submit", function () {
    // A second tap would find the same order anyway (idempotency key); this just says so.
    var button = form.querySelector("[data-once]");
    if (button) { window.setTimeout(function () { button.disabled = true; }, 0); }
  });
  refresh();
})();
