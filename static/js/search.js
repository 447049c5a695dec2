// The navigation's search box (templates/base.html): suggestions as one types, from /search/suggestions/, in an
// ARIA combobox. Arrow keys move through the options, Enter opens the selected one (or, with none selected,
// submits the form to the full results page, as it does without JavaScript), Escape closes the list.
(function () {
  "use strict";
  var form = document.querySelector("form.site-search");
  if (!form) return;
  var input = form.querySelector("input[name=q]");
  var list = form.querySelector("[role=listbox]");
  var MIN = 2, MAX = 100, WAIT_MS = 200;
  var timer = null, latest = 0, active = -1;

  function options() {
    return Array.prototype.slice.call(list.querySelectorAll("[role=option]"));
  }

  function close() {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  }

  function select(index) {
    var all = options();
    if (!all.length) return;
    active = (index + all.length) % all.length;
    all.forEach(function (option, i) { option.setAttribute("aria-selected", i === active ? "true" : "false"); });
    input.setAttribute("aria-activedescendant", all[active].id);
    all[active].scrollIntoView({ block: "nearest" });
  }

  function option(id, href, title, detail) {
    var link = document.createElement("a");
    link.id = id;
    link.href = href;
    link.setAttribute("role", "option");
    link.setAttribute("aria-selected", "false");
    link.tabIndex = -1;
    link.textContent = title;
    if (detail) {
      var small = document.createElement("span");
      small.className = "hit-detail";
      small.textContent = detail;
      link.appendChild(small);
    }
    return link;
  }

  function show(answer, query) {
    list.replaceChildren();
    var n = 0;
    answer.groups.forEach(function (group) {
      var box = document.createElement("div");
      box.setAttribute("role", "group");
      var label = document.createElement("div");
      label.className = "search-group-label";
      label.id = "site-search-group-" + group.kind;
      label.textContent = group.label;
      box.setAttribute("aria-labelledby", label.id);
      box.appendChild(label);
      group.hits.forEach(function (hit) {
        // a hit without a page (a cadre, a helper) opens the results page, which lists it
        box.appendChild(option("site-search-option-" + n++, hit.url || resultsUrl(query), hit.title, hit.detail));
      });
      list.appendChild(box);
    });
    if (!answer.groups.length) {
      var empty = document.createElement("div");
      empty.className = "search-empty";
      empty.setAttribute("role", "status");
      empty.textContent = form.dataset.nothing;
      list.appendChild(empty);
    } else {
      list.appendChild(option("site-search-option-" + n, resultsUrl(query), form.dataset.all, ""));
    }
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  }

  function resultsUrl(query) {
    return form.action + "?q=" + encodeURIComponent(query);
  }

  function acceptable(query) {
    // what the server would refuse is not asked: the full page explains it on submit
    return query.length >= MIN && query.length <= MAX && !/[\u0000-\u001f\u007f-\u009f]/.test(query);
  }

  function fetchSuggestions() {
    var query = input.value.trim();
    if (!acceptable(query)) { close(); return; }
    var mine = ++latest;
    fetch(form.dataset.suggestionsUrl + "?q=" + encodeURIComponent(query), {
      headers: { Accept: "application/json" }, credentials: "same-origin",
    }).then(function (response) {
      return response.ok ? response.json() : null;
    }).then(function (answer) {
      if (mine === latest && answer) show(answer, query);  // an older answer arriving late is dropped
    }).catch(close);
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(fetchSuggestions, WAIT_MS);
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (list.hidden) return;
      event.preventDefault();
      select(active + (event.key === "ArrowDown" ? 1 : -1));
    } else if (event.key === "Escape") {
      if (!list.hidden) { event.preventDefault(); close(); }
    } else if (event.key === "Enter" && active >= 0 && !list.hidden) {
      event.preventDefault();
      window.location.assign(options()[active].href);
    }
  });
  form.addEventListener("submit", function () { clearTimeout(timer); });  // the results page answers instead
  input.addEventListener("blur", function () {
    setTimeout(function () { if (!form.contains(document.activeElement)) close(); }, 150);
  });
  list.addEventListener("mousedown", function (event) { event.preventDefault(); });  // keeps the focus in the box
})();
