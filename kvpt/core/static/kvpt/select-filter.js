// Type-to-filter for long select boxes (kvpt.core.widgets): a small search box above every
// <select> with more than 30 options, or with data-filter="on"; data-filter="off" opts out.
// Matching ignores Vietnamese accents ("hau can" finds "Hậu cần", "dong" finds "Đông") and word
// order. The chosen option(s) and the empty choice always stay visible. Offline, no dependencies;
// without it the page works as before.
(function () {
  "use strict";
  var THRESHOLD = 30;
  var english = document.documentElement.lang === "en";
  var TEXT = english
    ? { placeholder: "Type to filter…", label: "Filter the list", count: " matching", none: "No match", picked: "Chosen: " }
    : { placeholder: "Gõ để lọc…", label: "Lọc danh sách", count: " mục phù hợp", none: "Không có mục nào phù hợp", picked: "Đã chọn: " };
  var folded = new WeakMap();

  // NFD splits a letter from its marks (ặ -> a + breve + dot below), which are then dropped;
  // đ has no decomposition, hence its own rule.
  function fold(text) {
    return String(text)
      .normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "")
      .replace(/[đĐ]/g, "d")
      .toLowerCase()
      .replace(/\s+/g, " ")
      .trim();
  }

  function foldedLabel(option) {
    var text = folded.get(option);
    if (text === undefined) {
      text = fold(option.textContent);
      folded.set(option, text);
    }
    return text;
  }

  function labelOf(select) {
    var label = select.id ? document.querySelector("label[for='" + CSS.escape(select.id) + "']") : null;
    label = label || select.closest("label");
    if (!label) { return select.getAttribute("aria-label") || ""; }
    var clone = label.cloneNode(true);
    clone.querySelectorAll("select, .required, .sr-only").forEach(function (el) { el.remove(); });
    return clone.textContent.replace(/\s+/g, " ").trim();
  }

  function wanted(select) {
    var flag = select.getAttribute("data-filter");
    if (flag === "off") { return false; }
    return flag === "on" || flag === "" || select.options.length > THRESHOLD;
  }

  // Hide what does not match every typed word; returns how many real options match.
  function apply(select, query) {
    var words = fold(query).split(" ").filter(Boolean);
    var shown = 0;
    Array.prototype.forEach.call(select.options, function (option) {
      var keep = option.value === "" || option.selected;
      var match = words.every(function (word) { return foldedLabel(option).indexOf(word) !== -1; });
      option.hidden = !(keep || match);
      if (match && option.value !== "") { shown += 1; }
    });
    select.querySelectorAll("optgroup").forEach(function (group) {
      group.hidden = !Array.prototype.some.call(group.children, function (o) { return !o.hidden; });
    });
    return shown;
  }

  function firstMatch(select) {
    return Array.prototype.find.call(select.options, function (option) {
      return !option.hidden && !option.disabled && option.value !== "" && !option.selected;
    });
  }

  function enhance(select) {
    if (select.dataset.filterReady || !wanted(select)) { return; }
    select.dataset.filterReady = "1";
    var box = document.createElement("div");
    box.className = "select-filter";
    var input = document.createElement("input");
    input.type = "search";
    input.className = "select-filter-input";
    input.placeholder = TEXT.placeholder;
    input.autocomplete = "off";
    input.spellcheck = false;
    var name = labelOf(select);
    input.setAttribute("aria-label", name ? TEXT.label + ": " + name : TEXT.label);
    if (select.id) {
      input.id = select.id + "-filter";
      input.setAttribute("aria-controls", select.id);
    }
    input.setAttribute("data-testid", "select-filter");
    var status = document.createElement("span");
    status.className = "sr-only";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    box.appendChild(input);
    box.appendChild(status);
    // Inside a <label> the box would take the label from the select: put it before the label.
    var anchor = select.closest("label") || select;
    anchor.parentNode.insertBefore(box, anchor);

    var timer = null;
    function run() {
      var shown = apply(select, input.value);
      clearTimeout(timer);
      timer = setTimeout(function () {
        status.textContent = input.value ? (shown ? shown + TEXT.count : TEXT.none) : "";
      }, 400);
    }
    input.addEventListener("input", run);
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        // Enter picks the first match instead of submitting a half-filled form.
        event.preventDefault();
        var option = firstMatch(select);
        if (option) {
          option.selected = true;
          select.dispatchEvent(new Event("input", { bubbles: true }));
          select.dispatchEvent(new Event("change", { bubbles: true }));
          status.textContent = TEXT.picked + option.textContent.trim();
        }
      } else if (event.key === "ArrowDown") {
        event.preventDefault();
        select.focus();
      } else if (event.key === "Escape" && input.value) {
        event.preventDefault();
        input.value = "";
        run();
      }
    });
    // A new choice must stay visible even when it no longer matches what is typed.
    select.addEventListener("change", function () { apply(select, input.value); });
  }

  function enhanceAll(root) {
    if (!root || !root.querySelectorAll) { return; }
    if (root.matches && root.matches("select")) { enhance(root); }
    root.querySelectorAll("select").forEach(enhance);
  }

  enhanceAll(document);
  // Forms that htmx brings in later (dialogs, partial rows) get the box too.
  document.addEventListener("htmx:load", function (event) { enhanceAll(event.detail.elt); });
})();
