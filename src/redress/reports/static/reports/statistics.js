/* Statistics charts: data from json_script blocks rendered by the server (labels already
   translated, each point carrying the register link of what it counts); ECharts is the
   vendored copy. A click on a point, bar or cell opens that register list. */
(function () {
  "use strict";
  if (typeof echarts === "undefined") return;
  var palette = ["#0b4f8a", "#98a2b3", "#f79009", "#12b76a", "#9e77ed"];

  function read(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }

  function mount(id, option, urlOf) {
    var el = document.getElementById(id);
    if (!el) return null;
    var chart = echarts.init(el, null, { renderer: "svg" });
    chart.setOption(option);
    chart.on("click", function (p) {
      var url = urlOf(p);
      if (url) window.location.href = url;
    });
    return chart;
  }

  var base = {
    color: palette,
    textStyle: { fontFamily: getComputedStyle(document.body).fontFamily },
    grid: { left: 8, right: 16, top: 28, bottom: 44, containLabel: true },
    tooltip: { trigger: "axis", confine: true }
  };
  var charts = [];

  var trend = read("trend-data");
  if (trend) {
    charts.push(mount("chart-trend", Object.assign({}, base, {
      legend: { bottom: 0 },
      xAxis: { type: "category", data: trend.labels },
      yAxis: { type: "value", minInterval: 1 },
      series: [
        { name: trend.names.received, type: "line", data: trend.received, symbolSize: 6 },
        { name: trend.names.closed, type: "line", data: trend.closed, symbolSize: 6 }
      ]
    }), function (p) {
      return (p.seriesIndex === 0 ? trend.received_urls : trend.closed_urls)[p.dataIndex];
    }));
  }

  var cats = read("category-data");
  if (cats) {
    charts.push(mount("chart-categories", Object.assign({}, base, {
      legend: { bottom: 0 },
      grid: { left: 8, right: 24, top: 8, bottom: 44, containLabel: true },
      yAxis: { type: "category", data: cats.categories, inverse: true },
      xAxis: { type: "value", minInterval: 1 },
      series: cats.series.map(function (s) {
        return { name: s.name, type: "bar", data: s.data, barMaxWidth: 14 };
      })
    }), function (p) { return cats.series[p.seriesIndex].urls[p.dataIndex]; }));
  }

  var heat = read("heat-data");
  if (heat) {
    var max = heat.cells.reduce(function (m, c) { return Math.max(m, c[2]); }, 1);
    charts.push(mount("chart-heat", Object.assign({}, base, {
      tooltip: { position: "top", confine: true },
      grid: { left: 8, right: 16, top: 8, bottom: 64, containLabel: true },
      xAxis: { type: "category", data: heat.categories, splitArea: { show: true },
               axisLabel: { interval: 0, rotate: heat.categories.length > 6 ? 30 : 0 } },
      yAxis: { type: "category", data: heat.units, splitArea: { show: true } },
      visualMap: { min: 0, max: max, calculable: true, orient: "horizontal", left: "center", bottom: 0,
                   inRange: { color: ["#eff8ff", "#2e90fa", "#0b4f8a"] } },
      series: [{ type: "heatmap", data: heat.cells.map(function (c) { return [c[0], c[1], c[2]]; }),
                 label: { show: true }, emphasis: { itemStyle: { shadowBlur: 6 } } }]
    }), function (p) { return heat.cells[p.dataIndex] && heat.cells[p.dataIndex][3]; }));
  }

  window.addEventListener("resize", function () {
    charts.forEach(function (c) { if (c) c.resize(); });
  });
})();
