// A form with a kind (the staff's "register a request"): the fields its script tag names in
// data-fields ("restriction_ground:restriction activities:objection ...") show only while
// their kind is chosen. Without script every field shows, and the server ignores the ones
// that do not belong to the kind. A field with an error always shows.
(function () {
  "use strict";
  var select = document.querySelector('select[name="kind"]');
  var script = document.currentScript;
  if (!select || !script) return;
  var fields = (script.getAttribute("data-fields") || "").split(" ").filter(Boolean);
  function show() {
    fields.forEach(function (entry) {
      var parts = entry.split(":");
      var input = document.getElementById("id_" + parts[0]);
      var field = input ? input.closest(".field") : null;
      if (!field || field.classList.contains("has-error")) return;
      field.hidden = parts[1].split(",").indexOf(select.value) < 0;
    });
  }
  select.addEventListener("change", show);
  show();
})();
