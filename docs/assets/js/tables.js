/*
 * Makes every <table data-archive-sortable> sortable by clicking a header, with the
 * site's own copy of tablesort. Numeric columns say data-sort-method="number" and carry
 * the raw value in each cell's data-sort (so "12.5%" and blanks sort as numbers).
 * Runs on first load and, if Material's instant navigation is on, after each page switch.
 */
(function () {
  "use strict";

  // A table wider than the screen scrolls inside its container; keyboard users can only
  // scroll it if the container takes focus (WCAG 2.1.1), so make each one a labelled region.
  function focusableScrollers() {
    document.querySelectorAll(".md-typeset__scrollwrap, div.archive-table, .archive-index-table").forEach(function (box) {
      if (box.hasAttribute("tabindex")) return;
      var caption = box.querySelector("caption");
      box.setAttribute("tabindex", "0");
      box.setAttribute("role", "region");
      box.setAttribute("aria-label", caption ? caption.textContent.trim() : "数据表格（可左右滚动）");
    });
  }

  function init() {
    focusableScrollers();
    if (typeof Tablesort === "undefined") return;
    document.querySelectorAll("table[data-archive-sortable]").forEach(function (table) {
      if (table.getAttribute("data-sortable-ready") === "true") return;
      // tablesort sorts by the first header row; mark headers as buttons for keyboards
      table.querySelectorAll("thead th").forEach(function (th) {
        th.setAttribute("role", "columnheader");
        th.setAttribute("tabindex", "0");
        th.setAttribute("title", "点击排序");
        th.addEventListener("keydown", function (event) {
          if (event.key === "Enter" || event.key === " ") {
            event.preventDefault();
            th.click();
          }
        });
      });
      new Tablesort(table);
      table.setAttribute("data-sortable-ready", "true");
    });
  }

  if (typeof window.document$ !== "undefined" && window.document$.subscribe) {
    window.document$.subscribe(init);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
