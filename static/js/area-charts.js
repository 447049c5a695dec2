/* Area pages (county, township, village): draw the charts from the JSON in #chart-data with Chart.js.
 * Each canvas[data-chart=<id>] gets its chart; after drawing, the canvas carries data-drawn="true" and
 * data-points="<number of drawn bars, slices and points>" so a browser test can check it drew its data.
 * Clicking a bar or slice opens the rows behind that number. No inline script: a CSP forbids it. */
(function () {
  "use strict";

  var source = document.getElementById("chart-data");
  if (!source || typeof window.Chart === "undefined") {
    return;
  }
  var Chart = window.Chart;
  var specs = JSON.parse(source.textContent);
  var palette = ["#c0392b", "#e67e22", "#27ae60", "#2e86c1", "#8e44ad", "#16a085", "#d4ac0d", "#7f8c8d",
    "#a93226", "#1f618d", "#117a65", "#6c3483"];
  var seriesColours = {
    distribution: ["#c0392b", "#e67e22", "#27ae60"],
    measures: ["#85929e", "#2e86c1"],
    funds: ["#85929e", "#27ae60"],
    progress: ["#85929e", "#27ae60", "#c0392b"]
  };

  Chart.defaults.animation = false;
  Chart.defaults.font.family = window.getComputedStyle(document.body).fontFamily;
  Chart.defaults.font.size = 12;
  Chart.defaults.maintainAspectRatio = false;
  Chart.defaults.devicePixelRatio = Math.max(window.devicePixelRatio || 1, 2); // crisp on paper

  function colour(spec, i) {
    var own = seriesColours[spec.id];
    return own && own[i] ? own[i] : palette[i % palette.length];
  }

  function datasets(spec) {
    return spec.series.map(function (s, i) {
      var set = { label: s.label, data: s.data, urls: s.urls || [] };
      if (spec.kind === "doughnut") {
        set.backgroundColor = s.data.map(function (_v, j) { return palette[j % palette.length]; });
        set.borderWidth = 1;
      } else if (s.kind === "line") {
        set.type = "line";
        set.borderColor = colour(spec, i);
        set.backgroundColor = colour(spec, i);
        set.yAxisID = "y1";
        set.tension = 0.2;
        set.order = 0;
        set.pointRadius = 4;
      } else {
        set.backgroundColor = colour(spec, i);
        set.order = 1;
      }
      return set;
    });
  }

  function options(spec) {
    var opts = {
      responsive: true,
      plugins: {
        legend: { position: spec.kind === "doughnut" ? "right" : "top", labels: { boxWidth: 12 } },
        tooltip: { enabled: true }
      },
      onClick: function (_event, elements, chart) {
        if (!elements.length) { return; }
        var el = elements[0];
        var url = chart.data.datasets[el.datasetIndex].urls[el.index];
        if (url) { window.location.href = url; }
      },
      onHover: function (event, elements) {
        event.native.target.style.cursor = elements.length ? "pointer" : "default";
      }
    };
    if (spec.kind === "doughnut") {
      return opts;
    }
    var valueAxis = { beginAtZero: true, stacked: spec.stacked, ticks: { precision: 0 } };
    var categoryAxis = { stacked: spec.stacked, ticks: { autoSkip: false } };
    if (spec.kind === "hbar") {
      opts.indexAxis = "y";
      opts.plugins.legend.display = false;
      opts.scales = { x: valueAxis, y: categoryAxis };
    } else {
      categoryAxis.ticks.maxRotation = 60;
      opts.scales = { x: categoryAxis, y: valueAxis };
    }
    if (spec.series.some(function (s) { return s.axis === "y1"; })) {
      opts.scales.y1 = { position: "right", beginAtZero: true, grid: { drawOnChartArea: false },
        title: { display: true, text: "%" } };
    }
    return opts;
  }

  var charts = [];
  specs.forEach(function (spec) {
    var canvas = document.querySelector('canvas[data-chart="' + spec.id + '"]');
    if (!canvas) { return; }
    var chart = new Chart(canvas, {
      type: spec.kind === "hbar" ? "bar" : spec.kind,
      data: { labels: spec.labels, datasets: datasets(spec) },
      options: options(spec)
    });
    charts.push(chart);
    var drawn = 0;
    chart.data.datasets.forEach(function (_set, i) { drawn += chart.getDatasetMeta(i).data.length; });
    canvas.dataset.points = String(drawn);
    canvas.dataset.drawn = drawn > 0 ? "true" : "empty";
  });

  // Redraw at the paper's size when printing (print media lays the page out again), and back at the screen's
  // size afterwards. The wall chart is read on a wall: its labels print at 14 px, 10.5 pt.
  var wallChart = document.querySelector(".area-village") !== null;
  function redraw(printing) {
    charts.forEach(function (c) {
      c.config.options.font = { size: printing && wallChart ? 14 : Chart.defaults.font.size };
      c.resize();
      c.update();
    });
  }
  window.matchMedia("print").addEventListener("change", function (event) { redraw(event.matches); });
  window.addEventListener("beforeprint", function () { redraw(true); });
  window.addEventListener("afterprint", function () { redraw(false); });

  document.querySelectorAll("[data-action=print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
}());
