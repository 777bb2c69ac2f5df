// Keeps aria-invalid in step with the error messages htmx swaps in out of band: a field is
// invalid exactly when the error slot its aria-describedby names has text. No inline script
// is needed, so the page works under a Content-Security-Policy without 'unsafe-inline'.
(function () {
  "use strict";

  function syncInvalid(root) {
    root.querySelectorAll(".error[id^='err-']").forEach(function (slot) {
      var field = document.getElementById("f-" + slot.id.slice(4));
      var invalid = slot.textContent.trim() !== "";
      if (field) {
        if (invalid) field.setAttribute("aria-invalid", "true");
        else field.removeAttribute("aria-invalid");
        var wrapper = field.closest(".field");
        if (wrapper) wrapper.classList.toggle("invalid", invalid);
      }
    });
  }

  document.addEventListener("htmx:afterSettle", function () { syncInvalid(document); });
})();
