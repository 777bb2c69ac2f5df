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

  // htmx cleans up every element it swaps out, firing two events per element. The results and
  // the diagrams are hundreds of elements, nearly all with no htmx behaviour: drop those children
  // in one step before the swap, leaving htmx to clean up any child that has hx- attributes.
  var HTMX_BEHAVIOUR = "[hx-get],[hx-post],[hx-put],[hx-patch],[hx-delete],[hx-trigger]," +
    "[hx-boost],[hx-ext],[data-hx-get],[data-hx-post],[data-hx-trigger]";
  // Folded panels (<details> with an id) keep the state the user gave them when htmx replaces
  // them with the next edit's results; the picture keeps its scroll position.
  var kept = {};
  var pictureScroll = null;
  function remember(target) {
    target.querySelectorAll("details[id]").forEach(function (d) { kept[d.id] = d.open; });
    var scroller = target.querySelector("#picture-scroll");
    if (scroller) pictureScroll = [scroller.scrollLeft, scroller.scrollTop];
  }
  function restore() {
    Object.keys(kept).forEach(function (id) {
      var d = document.getElementById(id);
      if (d && d.tagName === "DETAILS" && d.open !== kept[id]) d.open = kept[id];
    });
    // Setting a scroll position lays the whole page out there and then (a 20-layer page: tens
    // of ms before the new totals could be painted); a new picture starts at 0, 0, so only a
    // scrolled one is put back.
    var scroller = document.getElementById("picture-scroll");
    if (scroller && pictureScroll && (pictureScroll[0] || pictureScroll[1])) {
      scroller.scrollLeft = pictureScroll[0];
      scroller.scrollTop = pictureScroll[1];
    }
    pictureScroll = null;
  }

  // Phones: long panels marked data-fold-narrow start folded (the server sends them open, so
  // without JavaScript nothing is hidden), keeping the page short enough to scroll through.
  function foldOnNarrowScreens() {
    if (!window.matchMedia || !window.matchMedia("(max-width: 959px)").matches) return;
    document.querySelectorAll("details[data-fold-narrow][open]").forEach(function (d) {
      if (!(d.id in kept)) d.open = false;
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", foldOnNarrowScreens);
  } else {
    foldOnNarrowScreens();
  }

  // A link into a folded panel (a costs row's #cost-rules-N, a card's #gates-N) unfolds it, so
  // the browser can scroll to what it points at.
  function unfold(id) {
    var target = id && document.getElementById(id);
    var d = target ? target.closest("details") : null;
    while (d) {
      d.open = true;
      d = d.parentElement ? d.parentElement.closest("details") : null;
    }
  }
  document.addEventListener("click", function (event) {
    var link = event.target instanceof Element ? event.target.closest("a[href^='#']") : null;
    if (link) unfold(decodeURIComponent(link.getAttribute("href").slice(1)));
  });
  window.addEventListener("hashchange", function () { unfold(location.hash.slice(1)); });
  if (location.hash) unfold(location.hash.slice(1));

  function beforeRegionSwap(target) {
    remember(target);
    Array.prototype.slice.call(target.children).forEach(function (child) {
      if (!child.matches(HTMX_BEHAVIOUR) && !child.querySelector(HTMX_BEHAVIOUR)) child.remove();
    });
  }
  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target;
    var reswap = event.detail.swapOverride || event.detail.xhr.getResponseHeader("HX-Reswap");
    if (!target || !event.detail.shouldSwap || reswap === "none") return;
    if (target.id === "results") beforeRegionSwap(target);
  });
  // The diagrams come out of band in the same answer (swapped before the results, so the
  // restore() after the main swap puts back both regions' folds).
  document.addEventListener("htmx:oobBeforeSwap", function (event) {
    var target = event.detail.target;
    if (target && target.id === "diagrams" && event.detail.shouldSwap !== false) {
      beforeRegionSwap(target);
    }
  });

  // A main swap, or only out-of-band ones when an error keeps the last results (HX-Reswap: none).
  document.addEventListener("htmx:afterSwap", function () {
    showFieldErrors();
    foldOnNarrowScreens();
    restore();
  });
  // Folded parts drawn when first opened (by the user, a link to their #id or restore() after
  // an edit): a layer's gate diagrams, how a layer's costs are counted, the gallery. The page
  // sends only what is open (sixteen figures and 32 derivations were most of a big model's page
  // and of every edit's answer); a placeholder (.lazy-part) names what to ask for. A card's
  // "More arguments" load by htmx attributes alone: cards are not swapped by edits. `toggle`
  // does not bubble: captured.
  document.addEventListener("toggle", function (event) {
    var details = event.target;
    if (!(details instanceof HTMLDetailsElement) || !details.open) return;
    var lazy = details.querySelector(":scope > .lazy-part:not([data-loading])");
    if (!lazy || !window.htmx) return;
    lazy.setAttribute("data-loading", "");
    window.htmx.ajax(lazy.getAttribute("data-method") || "POST", lazy.getAttribute("data-load"),
                     { source: lazy, target: lazy, swap: "outerHTML" })
      .then(function () { lazy.removeAttribute("data-loading"); });
  }, true);

  // History: the server pushes every edit's URL (HX-Push-Url), so Back undoes an edit. This
  // script writes it, in one call (base.html turns htmx's own history writing off): htmx made
  // two, first marking the entry being left as its own, and each call with a 20-layer model's
  // 2.5 KB URL takes Chromium about 4 ms, before the new results can show. A burst of typing is
  // one step: an edit of the field edited last, less than GROUP_MS after it, replaces that
  // entry, and an edit that leaves the URL as it is (Enter after typing) writes nothing.
  // A model with an error is never a step of its own: the next edit replaces it, so Back from
  // the fixed model goes to the valid one before (its URL still holds the typed values, so a
  // reload in between loses nothing). The server marks an invalid answer with HX-Reswap: none.
  var GROUP_MS = 1000;
  var lastEdit = { field: "", at: 0 };
  var shownInvalid = Boolean(document.querySelector("#status.stale"));
  document.addEventListener("htmx:beforeHistoryUpdate", function (event) {
    var update = event.detail.history;
    var config = event.detail.requestConfig;
    var trigger = config && config.triggeringEvent;
    var field = trigger && trigger.type === "input" && trigger.target ? trigger.target.id : "";
    var now = Date.now();
    var sameBurst = field !== "" && field === lastEdit.field && now - lastEdit.at < GROUP_MS;
    var target = new URL(update.path, location.href);
    var unchanged = target.pathname + target.search === location.pathname + location.search;
    lastEdit = { field: field, at: now };
    var leavingInvalid = shownInvalid;
    var xhr = event.detail.xhr;
    shownInvalid = Boolean(xhr) && xhr.getResponseHeader("HX-Reswap") === "none";
    if (unchanged) return;
    if (update.type === "push" && !sameBurst && !leavingInvalid) {
      history.pushState(null, "", update.path);
    } else {
      history.replaceState(null, "", update.path);
    }
  });

  // Back and Forward: htmx keeps no snapshots here (hx-history="false"), and the URL holds the
  // whole model, so a step to another model's URL reloads it: fields and results as they were.
  // Only the model counts: a step between #anchors of one page stays a scroll. This listener
  // is added before htmx's own (htmx sets window.onpopstate once the document is parsed).
  var shownModel = location.pathname + location.search;
  function shown() { shownModel = location.pathname + location.search; }
  document.addEventListener("htmx:pushedIntoHistory", shown);
  document.addEventListener("htmx:replacedInHistory", shown);
  window.addEventListener("popstate", function (event) {
    event.stopImmediatePropagation();
    if (location.pathname + location.search !== shownModel) location.reload();
  });

  document.addEventListener("htmx:oobAfterSwap", function (event) {
    if (event.detail && event.detail.target && event.detail.target.id === "field-errors") {
      showFieldErrors();
    }
  });
})();
