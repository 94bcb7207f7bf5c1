// A "Copy" button beside a read-only text: <button type="button" data-copy="ID" hidden
// data-copied="..." data-select="...">. Hidden until this script shows it, so a page without
// JavaScript has no button that does nothing; the text can always be selected by hand.
(function () {
  "use strict";

  function selectText(field) {
    field.focus();
    field.select();
    try {
      return document.execCommand("copy");
    } catch (error) {
      return false;
    }
  }

  function tell(button, copied) {
    button.textContent = copied ? button.dataset.copied : button.dataset.select;
    window.clearTimeout(button.copyTimer);
    button.copyTimer = window.setTimeout(function () {
      button.textContent = button.dataset.label;
    }, 2500);
  }

  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    var field = document.getElementById(button.dataset.copy);
    if (!field) {
      return;
    }
    button.dataset.label = button.textContent;
    button.hidden = false;
    button.addEventListener("click", function () {
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(field.value).then(
          function () {
            tell(button, true);
          },
          function () {
            tell(button, selectText(field));
          }
        );
      } else {
        tell(button, selectText(field));
      }
    });
  });
})();
