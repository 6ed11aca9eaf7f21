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
  // The log box's autosave and "Add to log" never lose what is typed. A text over the entry's limit is not sent
  // (the limit is read from the live panel's status line, calls/_draft_status.html); a save that fails (the
  // network, a 413 or a 400) is said in the panel's alert line, so the panel never looks current when it is
  // not. The text stays in the box in every case.
  function codePoints(text) {
    // Characters as the server counts them (a pair of surrogates is one character).
    var n = text.length;
    for (var i = 0; i < text.length - 1; i++) {
      var c = text.charCodeAt(i);
      if (c >= 0xD800 && c <= 0xDBFF) {
        var d = text.charCodeAt(i + 1);
        if (d >= 0xDC00 && d <= 0xDFFF) { n--; i++; }
      }
    }
    return n;
  }
  function grouped(n) { return n.toLocaleString("en-GB"); }
  function overLimit(box) {
    var status = document.getElementById("draft-status");
    var limit = status ? parseInt(status.getAttribute("data-note-limit"), 10) : NaN;
    if (!box || isNaN(limit)) { return null; }
    var length = codePoints(box.value);
    return length > limit ? { length: length, limit: limit } : null;
  }
  function panelSays(message) {
    var line = document.getElementById("draft-error");
    ["draft-saved", "draft-partial"].forEach(function (id) {
      var stale = document.getElementById(id);
      if (stale) { stale.remove(); }
    });
    var preview = document.getElementById("draft-preview");
    if (preview) { preview.textContent = ""; }
    if (!line) { return; }
    var hidden = document.createElement("span");
    hidden.className = "govuk-visually-hidden";
    hidden.textContent = "Error:";
    line.textContent = "";
    line.append(hidden, " " + message);
  }
  var KEPT = " What you typed is still in the box; it is not in the log.";
  function isDraft(event) {
    return event.detail && event.detail.elt && event.detail.elt.id === "note-text";
  }
  document.addEventListener("htmx:beforeRequest", function (event) {
    if (!isDraft(event)) { return; }
    var over = overLimit(event.detail.elt);
    if (over) {
      event.preventDefault();
      panelSays("Draft not saved: what you are typing is too long (" + grouped(over.length) +
        " characters; the limit for one log entry is " + grouped(over.limit) + "). It was not sent: shorten it, " +
        "or add it to the log in parts." + KEPT);
    }
  });
  document.addEventListener("htmx:responseError", function (event) {
    if (!isDraft(event)) { return; }
    var xhr = event.detail.xhr;
    var said = "";
    try {
      var found = new DOMParser().parseFromString(xhr.responseText || "", "text/html").querySelector("[data-heed-message]");
      said = found ? " " + found.textContent.trim() : "";
    } catch (e) { said = ""; }
    var why = xhr.status === 413 ? "the text is too large to send" : "the server refused it (error " + xhr.status + ")";
    panelSays("Draft not saved: " + why + "." + said + KEPT);
  });
  ["htmx:sendError", "htmx:timeout"].forEach(function (name) {
    document.addEventListener(name, function (event) {
      if (!isDraft(event)) { return; }
      panelSays("Draft not saved: the server could not be reached. It is tried again when you next type; " +
        "the danger signs below may be out of date." + KEPT);
    });
  });
  function fieldError(box, message) {
    var error = document.getElementById("note-text-error");
    if (!message) {
      if (error) {
        error.remove();
        box.classList.remove("govuk-textarea--error");
        var group = box.closest(".govuk-form-group");
        if (group) { group.classList.remove("govuk-form-group--error"); }
      }
      return;
    }
    if (!error) {
      error = document.createElement("p");
      error.id = "note-text-error";
      error.className = "govuk-error-message";
      error.setAttribute("role", "alert");
      box.parentNode.insertBefore(error, box);
      var described = (box.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
      if (described.indexOf(error.id) < 0) { described.push(error.id); }
      box.setAttribute("aria-describedby", described.join(" "));
    }
    var hidden = document.createElement("span");
    hidden.className = "govuk-visually-hidden";
    hidden.textContent = "Error:";
    error.textContent = "";
    error.append(hidden, " " + message);
    box.classList.add("govuk-textarea--error");
    var group = box.closest(".govuk-form-group");
    if (group) { group.classList.add("govuk-form-group--error"); }
  }
  document.addEventListener("submit", function (event) {
    if (!event.target || event.target.id !== "note-form") { return; }
    var box = document.getElementById("note-text");
    var over = overLimit(box);
    if (over) {
      event.preventDefault();
      fieldError(box, "The log entry is " + grouped(over.length) + " characters long; the limit is " +
        grouped(over.limit) + ". Nothing was added to the log: shorten it, or add it in parts." + KEPT);
      box.focus();
    }
  }, true);
  document.addEventListener("input", function (event) {
    var box = event.target;
    if (box && box.id === "note-text" && document.getElementById("note-text-error") && !overLimit(box)) {
      fieldError(box, "");
    }
  });
  // After a save the page comes back at the part that was used (the URL's #fragment): focus goes there too,
  // so the keyboard carries on where the handler was (the log box, a section's heading, the marker alert).
  // An error summary focuses itself (GOV.UK Frontend); with no fragment the log box has autofocus.
  document.addEventListener("DOMContentLoaded", function () {
    var id = window.location.hash.slice(1);
    var target = null;
    try { target = id ? document.getElementById(decodeURIComponent(id)) : null; } catch (e) { target = null; }
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
