/* Dashboard charts: data comes from json_script blocks rendered by the server (labels
   already translated); ECharts is the vendored copy, no CDN. */
(function () {
  "use strict";
  if (typeof echarts === "undefined") return;
  var palette = ["#0b4f8a", "#2e90fa", "#12b76a", "#f79009", "#9e77ed", "#ee46bc", "#15b79e", "#667085", "#b42318"];

  function read(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }

  function mount(id, option) {
    var el = document.getElementById(id);
    if (!el) return null;
    var chart = echarts.init(el, null, { renderer: "svg" });
    chart.setOption(option);
    return chart;
  }

  var base = {
    color: palette,
    textStyle: { fontFamily: getComputedStyle(document.body).fontFamily },
    grid: { left: 8, right: 8, top: 28, bottom: 44, containLabel: true },
    tooltip: { trigger: "axis", confine: true }
  };

  var charts = [];
  var intake = read("intake-data");
  if (intake) {
    charts.push(mount("chart-intake", Object.assign({}, base, {
      legend: { type: "scroll", bottom: 0, icon: "roundRect" },
      xAxis: { type: "category", data: intake.days, axisTick: { alignWithLabel: true } },
      yAxis: { type: "value", minInterval: 1 },
      series: intake.series.map(function (s) {
        return { name: s.name, type: "bar", stack: "intake", data: s.data, barMaxWidth: 22, emphasis: { focus: "series" } };
      })
    })));
  }

  var ontime = read("ontime-data");
  if (ontime) {
    charts.push(mount("chart-ontime", Object.assign({}, base, {
      legend: { bottom: 0 },
      xAxis: { type: "category", data: ontime.weeks, axisLabel: { interval: 0, hideOverlap: true } },
      yAxis: [
        { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } },
        { type: "value", minInterval: 1, splitLine: { show: false } }
      ],
      series: [
        { name: ontime.labels.on_time, type: "bar", stack: "settled", yAxisIndex: 1, data: ontime.on_time,
          barMaxWidth: 28, itemStyle: { color: "#d0d5dd" } },
        { name: ontime.labels.late, type: "bar", stack: "settled", yAxisIndex: 1, data: ontime.late,
          barMaxWidth: 28, itemStyle: { color: "#f04438" } },
        { name: ontime.labels.rate, type: "line", data: ontime.rate, connectNulls: false, symbolSize: 8,
          itemStyle: { color: "#067647" }, lineStyle: { width: 3 },
          // on a white ground: the label often sits over the red "missed" bar
          label: { show: true, backgroundColor: "rgba(255,255,255,0.85)", padding: [1, 3], borderRadius: 3,
                   formatter: function (p) { return p.value == null ? "" : p.value + "%"; } } }
      ]
    })));
  }

  window.addEventListener("resize", function () {
    charts.forEach(function (c) { if (c) c.resize(); });
  });
})();
