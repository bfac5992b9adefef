// Zoom for the diagrams: buttons under each figure that scale its picture; the figure
// scrolls to pan. Without this script a diagram is drawn at its own size and scrolls.
(function () {
  "use strict";
  const STEP = 1.25, LEAST = 0.5, MOST = 3;

  function setup(figure) {
    const svg = figure.querySelector("svg");
    const natural = svg && Number(svg.getAttribute("width"));
    if (!natural) return;
    let scale = 1;
    const bar = document.createElement("div");
    bar.className = "zoom";
    bar.setAttribute("role", "group");
    bar.setAttribute("aria-label", "Zoom the diagram");
    function button(text, label, next) {
      const b = document.createElement("button");
      b.type = "button";
      b.textContent = text;
      b.setAttribute("aria-label", label);
      b.addEventListener("click", function () {
        scale = Math.min(MOST, Math.max(LEAST, next(scale)));
        svg.style.width = Math.round(natural * scale) + "px";
        svg.style.maxWidth = "none";
      });
      bar.appendChild(b);
      return b;
    }
    button("\u2212", "Zoom out", function (s) { return s / STEP; });
    button("+", "Zoom in", function (s) { return s * STEP; });
    button("Actual size", "Show at actual size", function () { return 1; });
    figure.parentNode.insertBefore(bar, figure);
  }

  document.querySelectorAll("figure.diagram").forEach(setup);
})();
