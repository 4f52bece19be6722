/* Dashboards work without this script. With it: a print button, and sorting the borough table
   in place (the headings stay links to the server-sorted page, and the address is updated so
   the view can still be bookmarked). */
(function () {
  "use strict";

  document.querySelectorAll(".js-print").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });

  var table = document.querySelector("table.borough-table[data-sortable]");
  if (!table) { return; }
  var headings = Array.prototype.slice.call(table.tHead.rows[0].cells);

  function sortValue(row, index) {
    var cell = row.cells[index];
    if (!cell) { return ""; }
    var raw = cell.getAttribute("data-sort");
    if (raw === null) { return cell.textContent.trim().toLowerCase(); }
    var number = parseFloat(raw);
    return isNaN(number) ? raw : number;
  }

  headings.forEach(function (th, index) {
    var link = th.querySelector("a");
    if (!link || index < 2) { return; }  // borough and BCU regroup on the server
    link.addEventListener("click", function (event) {
      var descending = th.getAttribute("aria-sort") !== "descending";
      var rows = [];
      Array.prototype.forEach.call(table.tBodies, function (body) {
        Array.prototype.forEach.call(body.rows, function (row) {
          // BCU headings and subtotals belong to the grouping: sorted by a figure, they go
          if (!row.classList.contains("bcu-row") && !row.classList.contains("bcu-subtotal")) { rows.push(row); }
        });
      });
      if (!rows.length) { return; }
      event.preventDefault();
      rows.sort(function (a, b) {
        var x = sortValue(a, index), y = sortValue(b, index);
        if (x < y) { return descending ? 1 : -1; }
        if (x > y) { return descending ? -1 : 1; }
        return 0;
      });
      var body = table.tBodies[0];
      while (table.tBodies.length > 1) { table.removeChild(table.tBodies[1]); }
      while (body.firstChild) { body.removeChild(body.firstChild); }
      rows.forEach(function (row) { body.appendChild(row); });
      headings.forEach(function (other) { other.setAttribute("aria-sort", "none"); });
      th.setAttribute("aria-sort", descending ? "descending" : "ascending");
      var url = new URL(link.href, window.location.href);
      var key = (url.searchParams.get("sort") || "").replace(/^-/, "");
      url.searchParams.set("sort", (descending ? "-" : "") + key);
      window.history.replaceState(null, "", url.pathname + url.search);
    });
  });
})();
