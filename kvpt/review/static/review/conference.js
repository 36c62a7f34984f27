// The secretary's conference screen: typing fast while people speak.
// Ctrl+Enter (or Cmd+Enter) in a text area submits its form; Alt+1 / Alt+2 choose strength /
// shortcoming; a refused entry (422) is shown in place like a saved one, with its errors.
(function () {
  "use strict";
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && target.form &&
        target.matches("textarea")) {
      event.preventDefault();
      target.form.requestSubmit();
      return;
    }
    if (event.altKey && (event.key === "1" || event.key === "2")) {
      var radios = document.querySelectorAll("#observation-entry input[name='kind']");
      var index = event.key === "1" ? 0 : 1;
      if (radios[index]) {
        event.preventDefault();
        radios[index].checked = true;
      }
    }
  });
  document.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr ? event.detail.xhr.status : 0;
    if (status === 422 && event.detail.elt && event.detail.elt.closest(".quick-entry")) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
  // After a save the new form carries autofocus; keep the cursor in the first text area.
  document.addEventListener("htmx:afterSwap", function (event) {
    var entry = event.detail.target && event.detail.target.id ? document.getElementById(event.detail.target.id) : null;
    var box = entry || document;
    var focus = box.querySelector ? box.querySelector("[autofocus]") : null;
    if (focus) { focus.focus(); }
  });
})();
