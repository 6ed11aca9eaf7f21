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
  // After a marker alert is shown, move focus to it so a screen reader and the eye both land on it.
  document.addEventListener("DOMContentLoaded", function () {
    var alert = document.getElementById("marker-alert");
    if (alert && window.location.hash === "#marker-alert") { alert.focus(); }
  });
})();
