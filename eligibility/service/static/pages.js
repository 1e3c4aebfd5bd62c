/* Progressive enhancement for the pages of issue 15 (everything works without it): filters apply as soon as they
   change, and the Team table sorts in place when a column heading is chosen (the headings are links that sort on
   the server without JavaScript). Served as a file: the CSP allows no inline script. */
(function () {
  "use strict";

  function autosubmit() {
    document.querySelectorAll("form.filters").forEach(function (form) {
      form.querySelectorAll("[data-autosubmit], input[type=checkbox]").forEach(function (control) {
        control.addEventListener("change", function () { form.requestSubmit ? form.requestSubmit() : form.submit(); });
      });
    });
  }

  function sortable(table) {
    var body = table.tBodies[0];
    var heads = table.querySelectorAll("thead th[data-key]");
    heads.forEach(function (th, column) {
      var link = th.querySelector("a");
      if (!link) { return; }
      link.setAttribute("role", "button");
      link.addEventListener("click", function (event) {
        event.preventDefault();
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        heads.forEach(function (other) { other.setAttribute("aria-sort", "none"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var rows = Array.prototype.slice.call(body.rows).filter(function (r) { return r.cells.length > 1; });
        rows.sort(function (a, b) {
          var x = a.cells[column].getAttribute("data-sort") || "";
          var y = b.cells[column].getAttribute("data-sort") || "";
          var nx = Number(x), ny = Number(y);
          var order = (x !== "" && y !== "" && !isNaN(nx) && !isNaN(ny)) ? nx - ny : x.localeCompare(y);
          return ascending ? order : -order;
        });
        rows.forEach(function (r) { body.appendChild(r); });
        var live = document.getElementById("shown");
        if (live) { live.textContent = live.textContent.replace(/ \(sorted by .*\)$/, "") + " (sorted by " + th.textContent.trim() + ")"; }
      });
    });
  }

  function foldFilters() {  /* on a phone the filters fold away unless some are in use (a tap opens them) */
    var box = document.querySelector("details.filters-box");
    if (box && !box.hasAttribute("data-active") && window.matchMedia("(max-width: 720px)").matches) {
      box.open = false;
    }
  }

  function chartsToToday() {  /* a chart wider than the screen scrolls to its as-of line */
    document.querySelectorAll(".chart").forEach(function (box) {
      var line = box.querySelector("line.today");
      if (!line || box.scrollWidth <= box.clientWidth) { return; }
      var svg = box.querySelector("svg");
      var ratio = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
      box.scrollLeft = Math.max(0, Number(line.getAttribute("x1")) * ratio - box.clientWidth * 0.6);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    autosubmit();
    foldFilters();
    chartsToToday();
    document.querySelectorAll("table[data-sortable]").forEach(sortable);
  });
}());
