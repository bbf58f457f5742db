// Gives the admin site's scripted widgets the names and roles that WCAG 4.1.2 asks for.
//
// Select2 (the admin's autocomplete widget) labels its combobox with an element that is empty
// until something is chosen, so the combobox and its text box had no name; each now takes the
// field's label (or, in a table of inline rows, the column heading) followed by what is chosen.
// The filter boxes of a two-list picker (filter_horizontal) carry their hint as aria-label on a
// plain span, which ARIA does not allow; the span is a magnifying-glass picture, so it becomes
// role="img", which keeps the hint as the box's name.
"use strict";
{
  let counter = 0;

  const idOf = (element) => {
    if (!element.id) {
      counter += 1;
      element.id = `burgh-admin-name-${counter}`;
    }
    return element.id;
  };

  const nameOf = (select) => {
    const label = select.id && document.querySelector(`label[for="${CSS.escape(select.id)}"]`);
    if (label) {
      return label;
    }
    // A tabular inline puts the field name in a column heading, not a <label>.
    const cell = select.closest("td");
    const table = select.closest("table");
    const column = cell && [...cell.classList].find((name) => name.startsWith("field-"));
    if (!table || !column) {
      return null;
    }
    return table.querySelector(`thead th.column-${CSS.escape(column.slice("field-".length))}`);
  };

  const nameAutocompletes = (root) => {
    for (const select of root.querySelectorAll("select.admin-autocomplete")) {
      // Select2 puts its own markup straight after the <select> it replaces.
      const container = select.nextElementSibling;
      if (!container || !container.classList.contains("select2")) {
        continue;
      }
      const name = nameOf(select);
      const combobox = container.querySelector('[role="combobox"]');
      const rendered = container.querySelector(".select2-selection__rendered");
      if (!name || !combobox) {
        continue;
      }
      const nameId = idOf(name);
      // The hidden <select> stays in step with Select2, and a referenced <select> lends the
      // name its chosen option's text (the box's own text would add the "×" that empties it).
      combobox.setAttribute("aria-labelledby", `${nameId} ${idOf(select)}`);
      if (rendered) {
        rendered.setAttribute("aria-labelledby", nameId);
      }
    }
  };

  const fixFilterIcons = (root) => {
    for (const icon of root.querySelectorAll(".search-label-icon[aria-label]")) {
      icon.setAttribute("role", "img");
    }
  };

  // Select2 is started by a jQuery "ready" handler, which jQuery runs asynchronously (it may
  // come after "load"); a ready handler added after it, as this one is (the admin's form scripts
  // come earlier in <head>), runs straight after it. Pages without jQuery have no Select2.
  const jQuery = window.django && window.django.jQuery;
  if (jQuery) {
    jQuery(() => nameAutocompletes(document));
  }
  // The two-list picker is drawn by a "load" listener added before this one.
  window.addEventListener("load", () => fixFilterIcons(document));
  // A new inline row ("Add another …") gets its Select2 from a listener added before this one.
  document.addEventListener("formset:added", (event) => nameAutocompletes(event.target));
}
