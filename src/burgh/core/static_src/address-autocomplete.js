// Address type-ahead: turns the "Or type the address" field into the GOV.UK accessible
// autocomplete. Suggestions come from the page's data-source (JSON); choosing one goes to
// its address page, or back to the page that opened the picker. Without JavaScript the field
// stays a plain text box whose form lists the candidates.
const containers = document.querySelectorAll('[data-module="burgh-address-autocomplete"]');

for (const container of containers) {
  const input = container.querySelector("input");
  const source = container.dataset.source;
  if (!input || !source || typeof window.accessibleAutocomplete !== "function") continue;
  const group = input.closest(".govuk-form-group");
  const wrapper = document.createElement("div");
  input.replaceWith(wrapper);
  let latest = [];
  let timer;
  window.accessibleAutocomplete({
    element: wrapper,
    id: input.id,
    name: input.name,
    defaultValue: input.value,
    minLength: 3,
    showNoOptionsFound: true,
    tNoResults: () => "No address fits that yet",
    source(query, populate) {
      clearTimeout(timer);
      // Wait for a pause in typing so each keystroke does not cost a request.
      timer = setTimeout(async () => {
        const separator = source.includes("?") ? "&" : "?";
        const response = await fetch(`${source}${separator}q=${encodeURIComponent(query)}`, {
          headers: { Accept: "application/json" },
        });
        latest = response.ok ? (await response.json()).results : [];
        populate(latest.map((result) => result.address));
      }, 150);
    },
    onConfirm(address) {
      const chosen = latest.find((result) => result.address === address);
      if (chosen) window.location.assign(chosen.url);
    },
  });
  if (group) group.classList.add("burgh-address-autocomplete");
}
