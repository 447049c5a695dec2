// 331 pages: the 鉴定挂图's monthly attendance chart (json_script "attendance-data", redrawn for print), the print button,
// and a confirmation before irreversible forms (data-confirm, e.g. closing a period).
(function () {
  "use strict";
  var source = document.getElementById("attendance-data");
  var canvas = document.getElementById("attendance-chart");
  if (source && canvas && window.Chart) {
    var data = JSON.parse(source.textContent);
    var required = data.labels.map(function () { return data.required; });
    var chart = new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: [
          { type: "bar", label: canvas.dataset.presentLabel || "实际驻村天数", data: data.present,
            backgroundColor: "rgba(13, 110, 253, 0.7)" },
          { type: "line", label: canvas.dataset.requiredLabel || "应驻村天数", data: required,
            borderColor: "#dc3545", pointRadius: 0, borderDash: [6, 4] }
        ]
      },
      options: {
        animation: false, responsive: true, maintainAspectRatio: false,
        scales: { y: { beginAtZero: true, suggestedMax: 31, title: { display: true, text: canvas.dataset.unitLabel || "天" } } }
      }
    });
    // Redraw at the printed size (print media lays the sheet out again), then back at the screen's.
    var redraw = function () { chart.resize(); };
    window.matchMedia("print").addEventListener("change", redraw);
    window.addEventListener("beforeprint", redraw);
    window.addEventListener("afterprint", redraw);
    canvas.dataset.drawn = "true";
    canvas.dataset.points = String(data.present.filter(function (v) { return v !== null; }).length);
  }
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.dataset.confirm)) { event.preventDefault(); }
    });
  });
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
})();
