// After each htmx update, copies the messages of #field-errors (one out-of-band element) into
// the error slots next to the fields, clears the other slots, and keeps aria-invalid in step:
// a field is invalid exactly when the slot its aria-describedby names has text.
// No inline script is needed, so the page works under a CSP without 'unsafe-inline'.
(function () {
  "use strict";

  function showFieldErrors() {
    var box = document.getElementById("field-errors");
    if (!box) return;
    var messages = {};
    box.querySelectorAll("[data-slot]").forEach(function (p) {
      messages[p.getAttribute("data-slot")] = p.textContent;
    });
    document.querySelectorAll("#editor .error[id^='err-']").forEach(function (slot) {
      var text = messages[slot.id] || "";
      if (slot.textContent === text) return;  // most slots stay as they are: touch nothing
      slot.textContent = text;
      var field = document.getElementById("f-" + slot.id.slice(4));
      if (!field) return;
      if (text) field.setAttribute("aria-invalid", "true");
      else field.removeAttribute("aria-invalid");
      var wrapper = field.closest(".field");
      if (wrapper) wrapper.classList.toggle("invalid", Boolean(text));
    });
  }

  // htmx cleans up every element it swaps out, firing two events per element; the diagrams are
  // hundreds of SVG elements with no htmx attributes, so drop them in one step before the swap.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target;
    if (target && target.id === "diagrams" && event.detail.shouldSwap) {
      target.replaceChildren();
    }
  });

  // A main swap, or only out-of-band ones when an error keeps the last results (HX-Reswap: none).
  document.addEventListener("htmx:afterSwap", showFieldErrors);
  document.addEventListener("htmx:oobAfterSwap", function (event) {
    if (event.detail && event.detail.target && event.detail.target.id === "field-errors") {
      showFieldErrors();
    }
  });
})();
