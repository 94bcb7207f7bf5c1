/* Waarborg cookie banner: no dependencies, no third-party requests.
   Embed: <script src="https://WAARBORG/c/SLUG/banner.js" defer></script>
   Reopen: any element with data-waarborg-consent, or window.waarborgConsent.open().
   Read: window.waarborgConsent.get() -> {category: true/false}; the page also receives a
   "waarborg:consent" event on document whenever the choice is made or changed. */
(function () {
  "use strict";
  var config = window.__waarborgBanner;
  if (!config) { return; }
  var COOKIE = "wb_consent";
  var MAX_AGE = 60 * 60 * 24 * 182; // ask again after six months

  function read() {
    var parts = document.cookie.split("; ");
    for (var i = 0; i < parts.length; i++) {
      if (parts[i].indexOf(COOKIE + "=") === 0) {
        try { return JSON.parse(decodeURIComponent(parts[i].slice(COOKIE.length + 1))); }
        catch (e) { return null; }
      }
    }
    return null;
  }

  function write(state) {
    document.cookie = COOKIE + "=" + encodeURIComponent(JSON.stringify(state)) +
      "; Max-Age=" + MAX_AGE + "; Path=/; SameSite=Lax" +
      (location.protocol === "https:" ? "; Secure" : "");
  }

  function newId() {
    var bytes = new Uint8Array(12);
    (window.crypto || window.msCrypto).getRandomValues(bytes);
    return "c-" + Array.prototype.map.call(bytes, function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    for (var name in attrs) { node.setAttribute(name, attrs[name]); }
    if (text) { node.textContent = text; }
    return node;
  }

  var t = config.text;
  var root = null;

  function choose(choices) {
    var previous = read();
    var state = { id: (previous && previous.id) || newId(), rev: config.revision,
                  choices: choices, at: new Date().toISOString() };
    write(state);
    var body = JSON.stringify({ id: state.id, revision: config.revision, choices: choices,
                                page: location.href });
    try {
      fetch(config.endpoint, { method: "POST", body: body, keepalive: true, mode: "cors",
                               credentials: "omit", headers: { "Content-Type": "text/plain" } })
        .catch(function () {});
    } catch (e) { /* old browsers: the choice still holds locally */ }
    close();
    document.dispatchEvent(new CustomEvent("waarborg:consent", { detail: choices }));
  }

  function all(value) {
    var choices = {};
    config.categories.forEach(function (c) { choices[c.key] = c.required ? true : value; });
    return choices;
  }

  function close() {
    if (root) { root.parentNode.removeChild(root); root = null; }
  }

  function open() {
    close();
    var current = read();
    root = el("div", { "class": "wb-banner", role: "dialog", "aria-modal": "false",
                       "aria-labelledby": "wb-banner-title", lang: config.language });
    root.appendChild(el("h2", { id: "wb-banner-title" }, t.title));
    root.appendChild(el("p", {}, t.intro));
    var list = el("div", { "class": "wb-categories", hidden: "" });
    config.categories.forEach(function (c) {
      var label = el("label", { "class": "wb-category" });
      var box = el("input", { type: "checkbox", name: c.key, "data-key": c.key });
      if (c.required) { box.checked = true; box.disabled = true; }
      else if (current && current.rev === config.revision && current.choices[c.key]) { box.checked = true; }
      label.appendChild(box);
      label.appendChild(el("strong", {}, " " + c.name));
      label.appendChild(el("span", {}, " " + c.wording));
      list.appendChild(label);
    });
    root.appendChild(list);
    var buttons = el("div", { "class": "wb-buttons" });
    var reject = el("button", { type: "button", "class": "wb-reject" }, t.reject);
    var accept = el("button", { type: "button", "class": "wb-accept" }, t.accept);
    var settings = el("button", { type: "button", "class": "wb-settings" }, t.settings);
    var save = el("button", { type: "button", "class": "wb-save", hidden: "" }, t.save);
    reject.addEventListener("click", function () { choose(all(false)); });
    accept.addEventListener("click", function () { choose(all(true)); });
    settings.addEventListener("click", function () {
      list.removeAttribute("hidden"); save.removeAttribute("hidden");
      settings.setAttribute("hidden", "");
    });
    save.addEventListener("click", function () {
      var choices = {};
      list.querySelectorAll("input").forEach(function (box) { choices[box.getAttribute("data-key")] = box.checked; });
      choose(choices);
    });
    [reject, accept, settings, save].forEach(function (b) { buttons.appendChild(b); });
    root.appendChild(buttons);
    if (config.statement) {
      root.appendChild(el("p", { "class": "wb-more" })).appendChild(
        el("a", { href: config.statement }, t.statement));
    }
    document.body.appendChild(root);
  }

  function get() {
    var state = read();
    return state && state.rev === config.revision ? state.choices : null;
  }

  window.waarborgConsent = { open: open, get: get };
  document.addEventListener("click", function (event) {
    var target = event.target.closest && event.target.closest("[data-waarborg-consent]");
    if (target) { event.preventDefault(); open(); }
  });
  function start() {
    var stylesheet = el("link", { rel: "stylesheet", href: config.stylesheet });
    document.head.appendChild(stylesheet);
    if (!get()) { open(); } // no choice yet, or the wording changed: ask (again)
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); }
  else { start(); }
})();
