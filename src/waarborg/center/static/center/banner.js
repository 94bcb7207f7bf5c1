/* Waarborg cookie banner: no dependencies, no third-party requests.
   Embed: <script src="https://WAARBORG/c/SLUG/banner.js" defer></script>
   Reopen: any element with data-waarborg-consent, or window.waarborgConsent.open().
   Read: window.waarborgConsent.get() -> {category: true/false}; the page also receives a
   "waarborg:consent" event on document whenever the choice is made or changed.
   Block: <script type="text/plain" data-waarborg-category="analytics" src="..."> and
   <iframe data-waarborg-category="marketing" data-src="..."> run only after consent to a
   purpose of that category, and stop when it is withdrawn (frames are emptied; the page is
   reloaded when a script that already ran loses its consent, and that category's cookies
   found by the scan are removed). Google Consent Mode v2 signals when the organisation sets it. */
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
  var ran = {}; // categories whose scripts ran on this page

  // Google Consent Mode v2: denied by default, updated with every choice.
  function gtag() { window.dataLayer.push(arguments); }
  if (config.consentMode) {
    window.dataLayer = window.dataLayer || [];
    gtag("consent", "default", { ad_storage: "denied", ad_user_data: "denied",
      ad_personalization: "denied", analytics_storage: "denied", functionality_storage: "denied",
      personalization_storage: "denied", security_storage: "granted", wait_for_update: 500 });
  }

  function allowed(choices) {
    // category -> true when a purpose of that category may be used
    var result = { necessary: true };
    config.categories.forEach(function (c) {
      if (c.required || (choices && choices[c.key] === true)) { result[c.category] = true; result[c.key] = true; }
    });
    return result;
  }

  function signal(choices) {
    if (!config.consentMode) { return; }
    var ok = allowed(choices);
    var state = function (yes) { return yes ? "granted" : "denied"; };
    gtag("consent", "update", { ad_storage: state(ok.marketing), ad_user_data: state(ok.marketing),
      ad_personalization: state(ok.marketing), analytics_storage: state(ok.analytics),
      functionality_storage: state(ok.functional), personalization_storage: state(ok.functional) });
  }

  function activate(choices) {
    var ok = allowed(choices);
    var reload = false;
    document.querySelectorAll("script[data-waarborg-category]").forEach(function (old) {
      var category = old.getAttribute("data-waarborg-category");
      if (!ok[category] || old.getAttribute("type") !== "text/plain") { return; }
      var script = document.createElement("script");
      for (var i = 0; i < old.attributes.length; i++) {
        var a = old.attributes[i];
        if (a.name !== "type" && a.name !== "data-src") { script.setAttribute(a.name, a.value); }
      }
      script.setAttribute("type", old.getAttribute("data-type") || "text/javascript");
      if (old.getAttribute("data-src")) { script.src = old.getAttribute("data-src"); }
      else { script.text = old.text; }
      script.setAttribute("data-waarborg-ran", "");
      ran[category] = true;
      old.parentNode.replaceChild(script, old);
    });
    document.querySelectorAll("iframe[data-waarborg-category][data-src]").forEach(function (frame) {
      var yes = ok[frame.getAttribute("data-waarborg-category")];
      var src = frame.getAttribute("data-src");
      if (yes && frame.getAttribute("src") !== src) { frame.setAttribute("src", src); }
      if (!yes && frame.getAttribute("src") && frame.getAttribute("src") !== "about:blank") {
        frame.setAttribute("src", "about:blank");
      }
    });
    Object.keys(ran).forEach(function (category) { if (!ok[category]) { reload = true; } });
    return reload;
  }

  function forget(choices) {
    // the first-party cookies the scan found for categories no longer allowed
    var ok = allowed(choices);
    config.categories.forEach(function (c) {
      if (ok[c.category]) { return; }
      (c.cookies || []).forEach(function (cookie) {
        var labels = location.hostname.split(".");
        var domains = ["", location.hostname];
        if (labels.length > 2) { domains.push(labels.slice(-2).join(".")); }
        domains.forEach(function (domain) {
          document.cookie = cookie.name + "=; Max-Age=0; Path=/" + (domain ? "; Domain=" + domain : "");
        });
      });
    });
  }

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
    signal(choices);
    forget(choices);
    if (activate(choices)) { location.reload(); return; }
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
    var chosen = current && current.rev === config.revision;
    if (chosen) { root.appendChild(el("p", { "class": "wb-current" }, t.current)); }
    var list = el("div", chosen ? { "class": "wb-categories" } : { "class": "wb-categories", hidden: "" });
    config.categories.forEach(function (c) {
      var label = el("label", { "class": "wb-category" });
      var box = el("input", { type: "checkbox", name: c.key, "data-key": c.key });
      if (c.required) { box.checked = true; box.disabled = true; }
      else if (current && current.rev === config.revision && current.choices[c.key]) { box.checked = true; }
      label.appendChild(box);
      label.appendChild(el("strong", {}, " " + c.name));
      label.appendChild(el("span", {}, " " + c.wording));
      list.appendChild(label);
      if (c.cookies && c.cookies.length) {
        var details = el("details", { "class": "wb-cookies" });
        details.appendChild(el("summary", {}, t.cookies + " (" + c.cookies.length + ")"));
        var items = el("ul", {});
        c.cookies.forEach(function (cookie) {
          items.appendChild(el("li", {}, cookie.name + " · " + cookie.party + " · " + t.stays + " " + cookie.stays));
        });
        details.appendChild(items);
        list.appendChild(details);
      }
    });
    root.appendChild(list);
    var buttons = el("div", { "class": "wb-buttons" });
    var reject = el("button", { type: "button", "class": "wb-reject" }, t.reject);
    var accept = el("button", { type: "button", "class": "wb-accept" }, t.accept);
    var settings = el("button", { type: "button", "class": "wb-settings" }, t.settings);
    var save = el("button", chosen ? { type: "button", "class": "wb-save" } : { type: "button", "class": "wb-save", hidden: "" }, t.save);
    if (chosen) { settings.setAttribute("hidden", ""); }
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
    // First in the page, so the keyboard reaches the banner before the content.
    document.body.insertBefore(root, document.body.firstChild);
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
    var choices = get();
    if (choices) { signal(choices); activate(choices); }
    else { open(); } // no choice yet, or the wording changed: ask (again)
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); }
  else { start(); }
})();
