// Province → communes without a round trip of the whole form: fetches the province's communes
// and wards when the province changes. Without it, "Show the communes" re-shows the form.
(function () {
  "use strict";
  document.querySelectorAll("[data-address-fields]").forEach(function (box) {
    var province = box.querySelector("select[name=province]");
    var commune = box.querySelector("select[name=commune]");
    var reveal = box.querySelector("[data-reveal]");
    var url = box.getAttribute("data-communes-url");
    if (!province || !commune || !url || !window.fetch) { return; }
    if (reveal) { reveal.hidden = true; }
    province.addEventListener("change", function () {
      var placeholder = commune.options[0];
      commune.length = 1;
      if (!province.value) { return; }
      fetch(url + "?tinh=" + encodeURIComponent(province.value), {
        headers: { Accept: "application/json" }
      }).then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      }).then(function (data) {
        placeholder.textContent = data.choose;
        data.communes.forEach(function (item) {
          commune.add(new Option(item.name, item.code));
        });
      }).catch(function () {
        // Offline or refused: the form's own step still works.
        if (reveal) { reveal.hidden = false; }
      });
    });
  });
})();
