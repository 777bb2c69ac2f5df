// The model picture's buttons: zoom (the SVG's width and height, its viewBox unchanged) and a PNG
// download drawn from the SVG on a canvas. Without JavaScript the buttons stay hidden and the
// picture scrolls at its natural size; the SVG download is a plain link.
// Everything is delegated to the document: htmx replaces the picture on every edit.
(function () {
  "use strict";

  var zoom = 1;
  var STEP = 1.25;

  function svg() { return document.querySelector("#picture-scroll svg.model-picture"); }

  function apply() {
    var picture = svg();
    if (!picture) return;
    var w = Number(picture.getAttribute("data-width"));
    var h = Number(picture.getAttribute("data-height"));
    picture.setAttribute("width", String(Math.round(w * zoom)));
    picture.setAttribute("height", String(Math.round(h * zoom)));
  }

  function reveal() {
    document.querySelectorAll(".picture-actions [hidden]").forEach(function (el) {
      el.hidden = false;
    });
    apply();
  }

  function fit() {
    var picture = svg();
    var box = document.getElementById("picture-scroll");
    if (!picture || !box) return 1;
    var w = Number(picture.getAttribute("data-width"));
    var h = Number(picture.getAttribute("data-height"));
    var byWidth = (box.clientWidth - 2) / w;
    var byHeight = (box.clientHeight - 2) / h;
    return Math.min(1, byWidth, byHeight > 0 ? Math.max(byHeight, byWidth / 4) : byWidth);
  }

  function png(button) {
    var picture = svg();
    if (!picture) return;
    var copy = picture.cloneNode(true);
    var w = Number(picture.getAttribute("data-width"));
    var h = Number(picture.getAttribute("data-height"));
    copy.setAttribute("width", String(w));
    copy.setAttribute("height", String(h));
    copy.setAttribute("font-family", "system-ui, sans-serif");
    var back = document.createElementNS("http://www.w3.org/2000/svg", "rect");
    back.setAttribute("width", "100%");
    back.setAttribute("height", "100%");
    back.setAttribute("fill", "#ffffff");
    copy.insertBefore(back, copy.firstChild);
    var text = new XMLSerializer().serializeToString(copy);
    var image = new Image();
    image.onload = function () {
      var scale = 2;
      var canvas = document.createElement("canvas");
      canvas.width = w * scale;
      canvas.height = h * scale;
      var context = canvas.getContext("2d");
      context.scale(scale, scale);
      context.drawImage(image, 0, 0, w, h);
      canvas.toBlob(function (blob) {
        if (!blob) return;
        var link = document.createElement("a");
        link.href = URL.createObjectURL(blob);
        link.download = (button.getAttribute("data-name") || "model") + "-picture.png";
        document.body.appendChild(link);
        link.click();
        link.remove();
        setTimeout(function () { URL.revokeObjectURL(link.href); }, 1000);
      }, "image/png");
    };
    image.src = "data:image/svg+xml;charset=utf-8," + encodeURIComponent(text);
  }

  document.addEventListener("click", function (event) {
    var target = event.target instanceof Element ? event.target : null;
    if (!target) return;
    var button = target.closest("[data-zoom]");
    if (button) {
      var how = button.getAttribute("data-zoom");
      if (how === "in") zoom = Math.min(zoom * STEP, 4);
      else if (how === "out") zoom = Math.max(zoom / STEP, 0.1);
      else zoom = fit();
      apply();
      return;
    }
    if (target.closest("#picture-png")) png(target.closest("#picture-png"));
  });

  // A box of the picture is a link to its editor card (#layer-N): the browser scrolls there;
  // focus goes to the card itself (its legend names the layer; Tab enters its fields).
  document.addEventListener("click", function (event) {
    var target = event.target instanceof Element ? event.target : null;
    var node = target && target.closest("svg.model-picture a[href^='#']");
    if (!node) return;
    var card = document.getElementById(node.getAttribute("href").slice(1));
    if (!card) return;
    event.preventDefault();
    if (history.replaceState) history.replaceState(history.state, "", node.getAttribute("href"));
    card.scrollIntoView({ block: "start" });
    card.focus({ preventScroll: true });
  });

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", reveal);
  else reveal();
  document.addEventListener("htmx:afterSwap", reveal);
})();
