// Autocomplete for search fields, as an ARIA 1.2 combobox.
// Pages work without it: the fields are ordinary form fields.
// data-autocomplete="go": choosing a suggestion opens its concept page.
// data-autocomplete="fill": choosing a suggestion fills the field with the concept id.
(function () {
  "use strict";
  let uid = 0;

  function setup(input) {
    const mode = input.dataset.autocomplete;
    const list = document.createElement("ul");
    const id = "suggest-" + (++uid);
    list.id = id;
    list.className = "suggest";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "Suggestions");
    list.hidden = true;
    // beside the field's label, not inside it: a label's text names the field, and the
    // suggestions must not become part of that name
    const label = input.closest("label");
    if (label) label.insertAdjacentElement("afterend", list);
    else input.parentNode.appendChild(list);
    input.dataset.autocompleteReady = "true";
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", id);
    let items = [], active = -1, timer = null, latest = 0;

    function close() {
      // a lookup still waiting or under way must not open the list again
      clearTimeout(timer); latest++;
      list.hidden = true; list.innerHTML = ""; items = []; active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }
    function highlight(i) {
      active = i;
      Array.from(list.children).forEach(function (li, j) {
        li.setAttribute("aria-selected", j === i ? "true" : "false");
      });
      if (i >= 0) input.setAttribute("aria-activedescendant", id + "-" + i);
      else input.removeAttribute("aria-activedescendant");
    }
    function choose(i) {
      const hit = items[i];
      if (!hit) return;
      if (mode === "go") { window.location.href = "/concepts/" + encodeURIComponent(hit.id); return; }
      input.value = hit.id;
      close();
      // a form that reacts to the field (the edit form's sentence preview) hears of it
      input.dispatchEvent(new Event("change", { bubbles: true }));
    }
    function show(results) {
      // the suggestion picked with the arrow keys stays picked when a later answer
      // (for a longer prefix) still has it
      const picked = active >= 0 && items[active] ? items[active].id : null;
      list.innerHTML = ""; items = results;
      results.forEach(function (hit, i) {
        const li = document.createElement("li");
        li.id = id + "-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.dataset.id = hit.id;
        li.textContent = hit.label;
        const k = document.createElement("span");
        k.className = "k";
        k.textContent = hit.kind.replace(/_/g, " ") +
          (hit.matched && hit.matched !== hit.label && hit.matched !== hit.id ? " · “" + hit.matched + "”" : "");
        li.appendChild(k);
        li.addEventListener("mousedown", function (e) { e.preventDefault(); choose(i); });
        list.appendChild(li);
      });
      const open = results.length > 0;
      list.hidden = !open;
      input.setAttribute("aria-expanded", open ? "true" : "false");
      highlight(results.findIndex(function (hit) { return hit.id === picked; }));
    }
    function lookup() {
      const q = input.value.trim();
      if (!q) { close(); return; }
      const ticket = ++latest;
      fetch("/v1/search?limit=8&q=" + encodeURIComponent(q))
        .then(function (r) { return r.ok ? r.json() : { results: [] }; })
        .then(function (body) { if (ticket === latest) show(body.results || []); })
        .catch(close);
    }
    input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(lookup, 120); });
    input.addEventListener("keydown", function (e) {
      if (list.hidden && (e.key === "ArrowDown") && input.value.trim()) { lookup(); return; }
      if (list.hidden) return;
      if (e.key === "ArrowDown") { e.preventDefault(); highlight((active + 1) % items.length); }
      else if (e.key === "ArrowUp") { e.preventDefault(); highlight(active <= 0 ? items.length - 1 : active - 1); }
      else if (e.key === "Enter" && active >= 0) { e.preventDefault(); choose(active); }
      else if (e.key === "Escape") { close(); }
    });
    input.addEventListener("blur", function () { setTimeout(close, 150); });
  }

  document.querySelectorAll("input[data-autocomplete]").forEach(setup);
  // fields added later (a relation added to the edit form) are set up when first focused
  document.addEventListener("focusin", function (e) {
    const t = e.target;
    if (t instanceof HTMLInputElement && t.dataset.autocomplete && !t.dataset.autocompleteReady) setup(t);
  });
})();
