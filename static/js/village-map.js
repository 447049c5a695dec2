/* The county's village map (Leaflet). Data from #map-data (json_script). Tiles only when the server sets
 * MAP_TILE_URL; otherwise a plain background, so the map works offline. Circle markers need no images. */
(function () {
  "use strict";

  var source = document.getElementById("map-data");
  var element = document.getElementById("village-map");
  if (!source || !element || typeof window.L === "undefined") {
    return;
  }
  var L = window.L;
  var data = JSON.parse(source.textContent);
  var stops = ["#c0392b", "#e67e22", "#d4ac0d", "#7dbb3c", "#1e8449"];

  function colour(progress) {
    if (progress === null || progress === undefined) { return "#95a5a6"; }
    return stops[Math.min(stops.length - 1, Math.round(progress * (stops.length - 1)))];
  }

  var map = L.map(element, { zoomControl: true, attributionControl: Boolean(data.tileUrl) });
  if (data.tileUrl) {
    L.tileLayer(data.tileUrl, { maxZoom: 18, attribution: data.attribution || "" }).addTo(map);
  } else {
    element.classList.add("no-tiles");
  }

  // Township names at their centres, so the map reads without a tile layer.
  (data.townships || []).forEach(function (t) {
    L.tooltip({ permanent: true, direction: "center", className: "township-label", interactive: false })
      .setLatLng([t.lat, t.lon]).setContent(t.name).addTo(map);
  });

  var markers = [];
  data.villages.forEach(function (v) {
    var marker = L.circleMarker([v.lat, v.lon], {
      radius: v.poor ? 9 : 6,
      color: v.poor ? "#1b2631" : "#566573",
      weight: v.poor ? 3 : 1,
      fillColor: colour(v.progress),
      fillOpacity: 0.9
    });
    var progress = v.progress === null ? "—" : Math.round(v.progress * 100) + "%";
    marker.bindTooltip(v.name + "（" + v.township + "）" + progress);
    marker.on("click", function () { window.location.href = v.url; });
    marker.addTo(map);
    markers.push(marker);
  });

  if (markers.length) {
    map.fitBounds(L.featureGroup(markers).getBounds().pad(0.15), { maxZoom: 11 });
  } else if (data.center) {
    map.setView(data.center, 8);
  } else {
    map.setView([36.4, 96.0], 6);
  }
  element.dataset.drawn = "true";
  element.dataset.markers = String(markers.length);
}());
