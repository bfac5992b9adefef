// Starts Swagger UI on /docs. A file rather than an inline script, so that the page's
// Content-Security-Policy allows scripts from this origin only.
(function () {
  "use strict";
  const root = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: root.dataset.openapi,
    dom_id: "#swagger-ui",
    layout: "BaseLayout",
    // no deep links: Swagger UI puts each as a link inside the button that opens the
    // operation, a control nested in a control that screen readers cannot reach
    deepLinking: false,
    showExtensions: true,
    showCommonExtensions: true,
    validatorUrl: null, // no badge fetched from the validator's site
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset]
  });
})();
