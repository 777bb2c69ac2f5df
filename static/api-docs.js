// Starts Swagger UI on /docs from our own origin: no CDN, no inline script (the CSP forbids both).
(function () {
  "use strict";
  var root = document.getElementById("swagger-ui");
  window.SwaggerUIBundle({
    url: root.getAttribute("data-openapi-url"),
    domNode: root,
    deepLinking: true,
    tryItOutEnabled: true,
  });
})();
