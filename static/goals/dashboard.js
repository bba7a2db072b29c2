// Goal dashboards: one ECharts chart per indicator, value bars and the target line over the years.
(function () {
  const source = document.getElementById("goal-chart-data");
  if (!source || typeof echarts === "undefined") return;
  const data = JSON.parse(source.textContent);
  const zh = document.documentElement.lang.startsWith("zh");
  const charts = [];
  document.querySelectorAll(".goal-chart").forEach((box) => {
    const series = data.series[box.dataset.key];
    if (!series) return;
    const unit = series.percent ? "%" : "";
    const chart = echarts.init(box, null, { renderer: "canvas" });
    chart.setOption({
      animation: false,
      grid: { left: 40, right: 10, top: 30, bottom: 24 },
      legend: { top: 0, data: [zh ? "完成值" : "Value", zh ? "目标" : "Target"] },
      tooltip: { trigger: "axis", valueFormatter: (v) => (v == null ? "—" : v + unit) },
      xAxis: { type: "category", data: data.years.map(String) },
      yAxis: { type: "value", max: series.percent ? 100 : null },
      series: [
        { name: zh ? "完成值" : "Value", type: "bar", data: series.values, itemStyle: { color: "#c62828" } },
        { name: zh ? "目标" : "Target", type: "line", data: series.targets, connectNulls: true, itemStyle: { color: "#f9a825" } },
      ],
    });
    charts.push(chart);
  });
  window.addEventListener("resize", () => charts.forEach((c) => c.resize()));
})();
