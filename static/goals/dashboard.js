// Goal dashboards: one ECharts chart per indicator (value bars and the target line over the years; a bar opens
// that year's dashboard), and the children's bars for the ranked indicator (a bar opens that child's dashboard).
// The value axis names its unit (人, 个, 元, 人次, %) and its labels are measured into the grid (containLabel), so
// nothing is clipped on a 390-px phone.
(function () {
  const source = document.getElementById("goal-chart-data");
  if (!source || typeof echarts === "undefined") return;
  const data = JSON.parse(source.textContent);
  const zh = document.documentElement.lang.startsWith("zh");
  const noData = zh ? "无数据" : "No data";
  const charts = [];
  const compact = (v) => (Math.abs(v) >= 10000 ? (zh ? v / 10000 + "万" : v / 1000 + "k") : String(v));

  function valueAxis(series, extra) {
    return Object.assign(
      {
        type: "value",
        name: series.axis || "",
        nameTextStyle: { align: "left" },
        max: series.percent ? 100 : null,
        minInterval: series.percent ? 0 : 1,
        axisLabel: { formatter: (v) => compact(v) + (series.percent ? "%" : "") },
      },
      extra || {},
    );
  }

  function format(series) {
    return (v) => (v == null ? noData : v + (series.percent ? "%" : series.axis || ""));
  }

  document.querySelectorAll(".goal-chart").forEach((box) => {
    const series = data.series[box.dataset.key];
    if (!series) return;
    const chart = echarts.init(box, null, { renderer: "canvas" });
    chart.setOption({
      animation: false,
      grid: { left: 4, right: 12, top: 44, bottom: 4, containLabel: true },
      legend: { top: 0, data: [zh ? "完成值" : "Value", zh ? "目标" : "Target"] },
      tooltip: { trigger: "axis", valueFormatter: format(series) },
      xAxis: { type: "category", data: data.years.map(String) },
      yAxis: valueAxis(series),
      series: [
        { name: zh ? "完成值" : "Value", type: "bar", data: series.values, itemStyle: { color: "#c62828" } },
        { name: zh ? "目标" : "Target", type: "line", data: series.targets, connectNulls: true, itemStyle: { color: "#f9a825" } },
      ],
    });
    // A year's bar or target point: that year's dashboard of the same unit.
    chart.on("click", (params) => {
      const year = data.years[params.dataIndex];
      if (year) window.location.search = "?year=" + year;
    });
    charts.push(chart);
  });

  const childBox = document.querySelector(".goal-children-chart");
  const children = data.children;
  if (childBox && children && children.units.length) {
    const units = children.units;
    // One row per child, highest first (the table's ranking) from the top.
    childBox.style.height = Math.max(160, units.length * 28 + 60) + "px";
    const chart = echarts.init(childBox, null, { renderer: "canvas" });
    chart.setOption({
      animation: false,
      grid: { left: 4, right: 40, top: 28, bottom: 4, containLabel: true },
      tooltip: { trigger: "item", valueFormatter: format(children) },
      xAxis: valueAxis(children, { position: "top" }),
      yAxis: {
        type: "category",
        inverse: true,
        data: units.map((u) => u.name),
        axisLabel: { width: 104, overflow: "truncate" },
        triggerEvent: true,
      },
      series: [
        {
          name: children.name,
          type: "bar",
          data: units.map((u) => u.value),
          itemStyle: { color: "#c62828" },
          label: { show: true, position: "right", formatter: (p) => (p.value == null ? noData : compact(p.value) + (children.percent ? "%" : "")) },
          cursor: "pointer",
        },
      ],
    });
    // Drill down: a child's bar (or its name on the axis) opens the child's dashboard.
    chart.on("click", (params) => {
      const index = params.componentType === "yAxis" ? units.findIndex((u) => u.name === params.value) : params.dataIndex;
      const unit = units[index];
      if (unit) window.location.href = unit.url;
    });
    childBox.dataset.ready = "1";
    charts.push(chart);
  }
  window.addEventListener("resize", () => charts.forEach((c) => c.resize()));
})();
