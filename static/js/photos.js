// Photos are made smaller in the browser before upload, for weak signal and cheap phones.
// A file input with data-downscale="N" gets each picture re-drawn to at most N pixels on its
// long side as a JPEG (which also drops the phone's location data). Anything this browser cannot
// do, or a result that is not smaller, leaves the original file: the server checks either way.
(function () {
  "use strict";
  var BIG = 1536 * 1024; // smaller pictures within the size limit go as they are
  var QUALITY = 0.85;
  if (typeof createImageBitmap !== "function" || typeof DataTransfer !== "function") { return; }

  function megabytes(bytes) {
    return (bytes / 1048576).toLocaleString(document.documentElement.lang || "vi",
      { maximumFractionDigits: 1 }) + " MB";
  }

  function shrink(file, limit) {
    if (!/^image\/(jpeg|png|webp)$/.test(file.type)) { return Promise.resolve(file); }
    return createImageBitmap(file, { imageOrientation: "from-image" }).then(function (bitmap) {
      var scale = Math.min(1, limit / Math.max(bitmap.width, bitmap.height));
      if (scale === 1 && file.size <= BIG) { bitmap.close(); return file; }
      var canvas = document.createElement("canvas");
      canvas.width = Math.round(bitmap.width * scale);
      canvas.height = Math.round(bitmap.height * scale);
      var context = canvas.getContext("2d");
      context.fillStyle = "#fff"; // transparent PNG areas become white, not black
      context.fillRect(0, 0, canvas.width, canvas.height);
      context.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      bitmap.close();
      return new Promise(function (resolve) {
        canvas.toBlob(function (blob) {
          if (!blob || blob.size >= file.size) { resolve(file); return; }
          var name = file.name.replace(/\.[^.]*$/, "") + ".jpg";
          resolve(new File([blob], name, { type: "image/jpeg", lastModified: file.lastModified }));
        }, "image/jpeg", QUALITY);
      });
    }).catch(function () { return file; });
  }

  function note(input) {
    var id = input.id + "-downscaled";
    var element = document.getElementById(id);
    if (!element) {
      element = document.createElement("small");
      element.id = id;
      element.className = "help";
      element.setAttribute("aria-live", "polite");
      input.insertAdjacentElement("afterend", element);
    }
    return element;
  }

  function handle(input) {
    var originals = Array.prototype.slice.call(input.files || []);
    if (!originals.length) { return; }
    var buttons = input.form ? input.form.querySelectorAll("button[type=submit], button:not([type])") : [];
    Array.prototype.forEach.call(buttons, function (button) { button.disabled = true; });
    var limit = parseInt(input.getAttribute("data-downscale"), 10);
    Promise.all(originals.map(function (file) { return shrink(file, limit); })).then(function (files) {
      var changed = files.some(function (file, index) { return file !== originals[index]; });
      if (changed) {
        var transfer = new DataTransfer();
        files.forEach(function (file) { transfer.items.add(file); });
        input.files = transfer.files;
        var total = function (list) { return list.reduce(function (sum, f) { return sum + f.size; }, 0); };
        note(input).textContent = input.getAttribute("data-downscale-note")
          .replace("%(before)s", megabytes(total(originals)))
          .replace("%(after)s", megabytes(total(files)));
      }
    }).finally(function () {
      Array.prototype.forEach.call(buttons, function (button) { button.disabled = false; });
    });
  }

  document.querySelectorAll("input[type=file][data-downscale]").forEach(function (input) {
    input.addEventListener("change", function () { handle(input); });
  });
})();
