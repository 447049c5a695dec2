/* Cadres' work forms: choosing a village reloads the form so the household list shows that village's households. */
(function () {
  "use strict";
  document.querySelectorAll("select[data-reload-param]").forEach(function (select) {
    select.addEventListener("change", function () {
      var url = new URL(window.location.href);
      url.searchParams.set(select.dataset.reloadParam, select.value);
      url.searchParams.delete("household");
      window.location.assign(url.toString());
    });
  });
})();
