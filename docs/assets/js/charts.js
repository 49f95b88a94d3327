/*
 * Draws every <div class="archive-chart" data-src="…json"> with the site's own ECharts.
 * The JSON files hold ECharts options made by pyecharts at build time: data only, so this
 * loader never evaluates anything from a report. Works on first load and, if Material's
 * instant navigation is ever turned on, after each page switch (document$).
 */
(function () {
  "use strict";
  var drawn = [];

  function dispose() {
    drawn.forEach(function (chart) { chart.dispose(); });
    drawn = [];
  }

  function fail(el, message) {
    el.classList.add("archive-chart--failed");
    el.textContent = message;
  }

  function draw(el) {
    var src = el.getAttribute("data-src");
    if (!src || typeof echarts === "undefined") {
      fail(el, "图表无法显示，请参阅旁边的数据表。");
      return;
    }
    fetch(new URL(src, document.baseURI).href, { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status + " " + src);
        return response.json();
      })
      .then(function (option) {
        if (!el.isConnected) return;
        var chart = echarts.init(el, null, { renderer: "canvas" });
        chart.setOption(option);
        drawn.push(chart);
        // The container's width settles after fonts and flex layout: follow it.
        if (typeof ResizeObserver !== "undefined") {
          new ResizeObserver(function () { if (!chart.isDisposed()) chart.resize(); }).observe(el);
        }
        el.setAttribute("data-drawn", "true");
      })
      .catch(function () {
        fail(el, "图表数据加载失败，请参阅旁边的数据表。");
      });
  }

  function drawAll() {
    dispose();
    document.querySelectorAll(".archive-chart[data-src]").forEach(draw);
  }

  window.addEventListener("resize", function () {
    drawn.forEach(function (chart) { chart.resize(); });
  });

  if (typeof window.document$ !== "undefined" && window.document$.subscribe) {
    window.document$.subscribe(drawAll);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();
