// Keyboard use on the call page: F2 runs the first person check, F3 checks every identifier,
// Ctrl+Enter (or Cmd+Enter) adds what is typed to the log. Function keys never clash with typing.
(function () {
  "use strict";
  function click(id) {
    var el = document.getElementById(id);
    if (el) { el.focus(); el.click(); return true; }
    return false;
  }
  document.addEventListener("keydown", function (event) {
    if (event.key === "F2" && click("person-check-submit")) { event.preventDefault(); }
    else if (event.key === "F3" && click("identifier-check-all")) { event.preventDefault(); }
    else if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && event.target && event.target.id === "note-text") {
      event.preventDefault();
      var form = document.getElementById("note-form");
      if (form && event.target.value.trim()) { form.requestSubmit(); }
    }
  });
  // A draft kept from before (the page was reloaded) is assessed as soon as htmx has set the page up, so the
  // live panel shows it. An event, not an hx-trigger filter: filters need eval, which the
  // Content-Security-Policy forbids.
  if (window.htmx) {
    window.htmx.onLoad(function (elt) {
      var notes = document.getElementById("note-text");
      if (elt === document.body && notes && notes.value.length > 0) { window.htmx.trigger(notes, "heed-restore"); }
    });
  }
  // After a save the page comes back at the part that was used (the URL's #fragment): focus goes there too,
  // so the keyboard carries on where the handler was (the log box, a section's heading, the marker alert).
  // An error summary focuses itself (GOV.UK Frontend); with no fragment the log box has autofocus.
  document.addEventListener("DOMContentLoaded", function () {
    var id = window.location.hash.slice(1);
    var target = id ? document.getElementById(decodeURIComponent(id)) : null;
    if (!target || target.classList.contains("govuk-error-summary")) { return; }
    var focusable = target.hasAttribute("tabindex") || /^(INPUT|TEXTAREA|SELECT|BUTTON|A)$/.test(target.tagName);
    if (!focusable) { target.setAttribute("tabindex", "-1"); }
    target.focus();
  });

  // The live panel is replaced as the handler types. A danger sign that was not in the panel before is marked
  // "New", brought into the panel's view if it is out of it, and announced (one short line) to screen readers.
  var seen = null;
  function signs(panel) {
    var out = {};
    panel.querySelectorAll("[data-indicator]").forEach(function (li) { out[li.getAttribute("data-indicator")] = li; });
    return out;
  }
  document.addEventListener("htmx:beforeSwap", function (event) {
    var panel = document.getElementById("live-panel");
    if (panel && event.detail.target === panel) { seen = signs(panel); }
  });
  document.addEventListener("htmx:afterSettle", function () {
    var panel = document.getElementById("live-panel");
    var status = document.getElementById("panel-status");
    if (!panel || seen === null) { return; }
    var now = signs(panel), fresh = [];
    Object.keys(now).forEach(function (code) {
      if (!(code in seen)) {
        var li = now[code];
        li.classList.add("heed-indicator--new");
        var tag = document.createElement("strong");
        tag.className = "govuk-tag govuk-tag--yellow heed-new";
        tag.textContent = "New";
        li.insertBefore(tag, li.firstChild);
        fresh.push(li);
      }
    });
    seen = null;
    var wrap = document.getElementById("panel-wrap");
    if (fresh.length && wrap) {
      var top = fresh[0].getBoundingClientRect().top, box = wrap.getBoundingClientRect();
      var bottom = Math.min(box.bottom, window.innerHeight);
      if (top < Math.max(box.top, 0) || top + 24 > bottom) { wrap.scrollTop += top - Math.max(box.top, 0) - 40; }
    }
    if (status) {
      var words = fresh.map(function (li) { return li.getAttribute("data-label"); });
      status.textContent = (words.length ? "New danger sign" + (words.length > 1 ? "s" : "") + ": " + words.join(", ") + ". " : "") +
        (panel.getAttribute("data-status") || "");
    }
  });
})();
