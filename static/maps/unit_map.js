// A unit's map: ECharts `geo` from the outlines our own endpoint serves (no tile server), clues as points coloured
// by status, a heat layer, stations; tapping an area opens that unit's map. The data URL is on the container.
(function () {
  const box = document.getElementById("unit-map");
  if (!box || typeof echarts === "undefined") return;
  const zh = document.documentElement.lang.startsWith("zh");
  const t = (zhText, enText) => (zh ? zhText : enText);
  const show = (id) => { const el = document.getElementById(id); if (el) el.hidden = false; };

  fetch(box.dataset.url, { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then((response) => {
      if (!response.ok) throw new Error("map data " + response.status);
      return response.json();
    })
    .then(draw)
    .catch(() => { box.dataset.state = "failed"; show("map-empty"); });

  function draw(data) {
    const features = data.outlines.features;
    if (!features.length) { box.dataset.state = "empty"; box.hidden = true; show("map-empty"); return; }
    if (data.generated) show("map-generated");
    if (data.truncated) show("map-truncated");
    // Regions are named by unit id (names may repeat); the label shows the unit's name.
    const names = {};
    const urls = {};
    features.forEach((f) => { f.properties.key = String(f.id); names[f.id] = f.properties.name; urls[f.id] = f.properties.url; });
    const mapName = "unit-" + data.unit.id;
    echarts.registerMap(mapName, data.outlines);
    const byStatus = {};
    data.clues.forEach((c) => { (byStatus[c[2]] = byStatus[c[2]] || []).push([c[0], c[1], c[3]]); });
    const series = [];
    if (data.clues.length) {
      series.push({
        id: "heat", name: t("热力", "Heat"), type: "heatmap", coordinateSystem: "geo",
        data: data.clues.map((c) => [c[0], c[1], 1]), pointSize: 14, blurSize: 18,
      });
    }
    data.statuses.forEach((s) => {
      if (!byStatus[s.key]) return;
      series.push({
        id: "clues-" + s.key, name: s.label, type: "scatter", coordinateSystem: "geo",
        data: byStatus[s.key], symbolSize: 6, itemStyle: { color: s.colour, borderColor: "#fff", borderWidth: 0.5 },
        tooltip: { formatter: (p) => s.label + " #" + p.value[2] },
      });
    });
    if (data.stations.length) {
      series.push({
        id: "stations", name: t("站点", "Stations"), type: "scatter", coordinateSystem: "geo",
        symbol: "pin", symbolSize: 22, itemStyle: { color: "#b71c1c" },
        data: data.stations.map((s) => ({ name: s.name, value: [s.longitude, s.latitude], kind: s.kind_label })),
        tooltip: { formatter: (p) => p.data.kind + "：" + p.name },
      });
    }
    const chart = echarts.init(box, null, { renderer: "canvas" });
    chart.setOption({
      animation: false,
      tooltip: { trigger: "item", confine: true },
      legend: { type: "scroll", top: 0, left: 0, right: 0, data: series.map((s) => s.name) },
      visualMap: data.clues.length ? {
        show: false, seriesIndex: 0, min: 0, max: 5, calculable: false,
        inRange: { color: ["rgba(255,235,59,0.2)", "rgba(255,152,0,0.6)", "rgba(211,47,47,0.85)"] },
      } : undefined,
      geo: {
        map: mapName, nameProperty: "key", roam: true, top: 40, bottom: 10, left: 10, right: 10,
        label: { show: features.length <= 30, formatter: (p) => names[p.name] || "", fontSize: 11, color: "#333" },
        itemStyle: { areaColor: "#fdf6e3", borderColor: "#a1887f", borderWidth: 1 },
        emphasis: { itemStyle: { areaColor: "#ffe0b2" }, label: { show: true, formatter: (p) => names[p.name] || "" } },
        tooltip: { formatter: (p) => names[p.name] || "" },
      },
      series: series,
    });
    chart.on("click", (p) => {
      if (p.componentType === "geo" && urls[p.name] && String(p.name) !== String(data.unit.id)) window.location.href = urls[p.name];
    });
    window.addEventListener("resize", () => chart.resize());
    box.dataset.points = String(data.clues.length);
    box.dataset.state = "ready";
  }
})();
