/* The deck's slide lifecycle: start reveal.js, then draw and size the plotly figures.

   Figures are drawn when their slide is shown, not on load: a plot drawn in a hidden
   slide gets zero width (DESIGN.md). After every slide change, fragment, resize and
   before printing, the plots of the current slide are resized to the slide. */
(function () {
  "use strict";

  function figureOf(div) {
    var node = document.querySelector('script.deck-plot-data[data-for="' + div.id + '"]');
    return JSON.parse(node.textContent);
  }

  function draw(div) {
    if (!window.Plotly) return Promise.resolve();
    if (div.dataset.drawn === "yes") {
      window.Plotly.Plots.resize(div);
      return Promise.resolve();
    }
    div.dataset.drawn = "yes";
    fitHeight(div);
    var fig = figureOf(div);
    return window.Plotly.newPlot(div, fig.data, fig.layout, fig.config).then(function () {
      div.dataset.drawn = "yes";
      div.setAttribute("data-plot-ready", "yes");
    });
  }

  // A plot fills what the slide leaves below it (a heading, maybe one line of text),
  // down to the footer. Measured in the slide's own coordinates: reveal scales slides.
  var FOOTER_SPACE = 44;
  var MIN_HEIGHT = 280;

  function fitHeight(div) {
    var slide = div.closest("section");
    var config = window.Reveal.getConfig();
    if (!slide) return;
    var scale = window.Reveal.getScale() || 1;
    var top = (div.getBoundingClientRect().top - slide.getBoundingClientRect().top) / scale;
    var height = Math.max(MIN_HEIGHT, Math.floor(config.height - top - FOOTER_SPACE));
    div.style.height = height + "px";
  }

  function plotsOf(slide) {
    return slide ? Array.prototype.slice.call(slide.querySelectorAll(".deck-plot")) : [];
  }

  function refresh() {
    var slide = window.Reveal.getCurrentSlide();
    return Promise.all(plotsOf(slide).map(draw));
  }

  function drawAll() {
    var all = Array.prototype.slice.call(document.querySelectorAll(".deck-plot"));
    return Promise.all(all.map(draw));
  }

  function start(config) {
    var Reveal = window.Reveal;
    config.plugins = [window.RevealNotes].filter(Boolean);
    ["ready", "slidechanged", "fragmentshown", "fragmenthidden", "resize", "overviewhidden"].forEach(
      function (name) {
        Reveal.on(name, function () {
          // Let reveal finish its layout before plotly measures the slide.
          window.requestAnimationFrame(refresh);
        });
      }
    );
    Reveal.on("pdf-ready", drawAll);
    return Reveal.initialize(config).then(function () {
      return refresh();
    }).then(function () {
      document.documentElement.setAttribute("data-deck-ready", "yes");
    });
  }

  window.DeckLifecycle = { start: start, refresh: refresh, drawAll: drawAll };
})();
