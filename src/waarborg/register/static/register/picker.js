/* Waarborg register: a filter box above long lists of checkboxes (data categories, groups of
   people, recipients, ...). Progressive enhancement: without this script the checkboxes work
   as they are. The texts come from the script tag's data attributes, in the page's language. */
(function () {
  "use strict";
  var script = document.currentScript;
  var MIN_OPTIONS = 8; // a short list needs no filter

  function fold(text) {
    // Case- and accent-insensitive: "Geslacht" matches "geslácht", "E-mail" matches "e-MAIL".
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  function text(name) {
    return script.dataset[name] || "";
  }

  function enhance(list, index) {
    var options = Array.prototype.slice.call(list.children);
    if (options.length < MIN_OPTIONS) { return; }
    var boxes = list.querySelectorAll("input[type=checkbox]");
    // Chosen items first, so an edit shows what is there without scrolling through the list.
    options.filter(function (option) {
      var box = option.querySelector("input[type=checkbox]");
      return box && box.checked;
    }).reverse().forEach(function (option) { list.insertBefore(option, list.firstChild); });

    var bar = document.createElement("div");
    bar.className = "picker-bar";
    var input = document.createElement("input");
    input.type = "search";
    input.className = "picker-filter";
    input.id = (list.id || "picker-" + index) + "-filter";
    input.setAttribute("aria-label", text("filter"));
    input.setAttribute("placeholder", text("filter"));
    input.setAttribute("aria-controls", list.id || "");
    var count = document.createElement("span");
    count.className = "picker-count";
    count.id = input.id.replace(/-filter$/, "-count");
    count.setAttribute("aria-live", "polite");
    var empty = document.createElement("p");
    empty.className = "picker-empty help";
    empty.hidden = true;
    empty.textContent = text("nothing");
    bar.appendChild(input);
    bar.appendChild(count);
    list.parentNode.insertBefore(bar, list);
    list.parentNode.insertBefore(empty, list.nextSibling);

    function recount() {
      var chosen = 0;
      for (var i = 0; i < boxes.length; i++) { if (boxes[i].checked) { chosen++; } }
      count.textContent = chosen + " " + text("chosen");
    }

    function filter() {
      var query = fold(input.value.trim());
      var shown = 0;
      options.forEach(function (option) {
        var match = !query || fold(option.textContent).indexOf(query) !== -1;
        option.hidden = !match;
        if (match) { shown++; }
      });
      empty.hidden = shown > 0;
    }

    input.addEventListener("input", filter);
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); } // filtering, not saving
    });
    list.addEventListener("change", recount);
    list.classList.add("picker-enhanced");
    recount();
  }

  var lists = document.querySelectorAll("div.picker");
  for (var i = 0; i < lists.length; i++) { enhance(lists[i], i); }
})();
