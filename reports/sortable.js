/* Sortable tables, as progressive enhancement: without script the table reads as rendered.
   Column headings with data-type become buttons (keyboard operable); aria-sort says the order,
   and a live region announces it. Cells sort by data-sort when present, else by their text. */
(function () {
  "use strict";
  var tables = document.querySelectorAll("table.sortable");
  Array.prototype.forEach.call(tables, function (table) {
    var body = table.tBodies[0];
    var status = document.getElementById(table.getAttribute("data-status"));
    var heads = table.tHead.rows[0].cells;
    Array.prototype.forEach.call(body.rows, function (row, i) { row.setAttribute("data-index", i); });
    Array.prototype.forEach.call(heads, function (th, column) {
      var type = th.getAttribute("data-type");
      if (!type) { return; }
      var button = document.createElement("button");
      button.type = "button";
      while (th.firstChild) { button.appendChild(th.firstChild); }
      th.appendChild(button);
      button.addEventListener("click", function () {
        var current = th.getAttribute("aria-sort");
        var order = current === "ascending" ? "descending"
          : current === "descending" ? "ascending"
          : (type === "number" ? "descending" : "ascending");
        sort(table, body, column, type, order);
        Array.prototype.forEach.call(heads, function (other) { other.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", order);
        if (status) {
          status.textContent = "Sorted by " + button.textContent.trim() + ", " + order + ".";
        }
      });
    });
    var caption = table.caption;
    if (caption) {
      var hint = document.createElement("span");
      hint.className = "note";
      hint.textContent = " Select a column heading to sort by it.";
      caption.appendChild(hint);
    }
  });

  function value(row, column, type) {
    var cell = row.cells[column];
    var raw = cell.hasAttribute("data-sort") ? cell.getAttribute("data-sort") : cell.textContent.trim();
    if (type === "number") {
      var n = parseFloat(raw);
      return isNaN(n) ? null : n;
    }
    return raw.toLowerCase();
  }

  function sort(table, body, column, type, order) {
    var sign = order === "ascending" ? 1 : -1;
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = value(a, column, type), y = value(b, column, type);
      if (x === null && y !== null) { return 1; }  /* blanks last either way */
      if (y === null && x !== null) { return -1; }
      var c = x === y ? 0 : (x < y ? -1 : 1);
      if (type === "text" && x !== null && y !== null) { c = x.localeCompare(y); }
      return c !== 0 ? sign * c : a.getAttribute("data-index") - b.getAttribute("data-index");
    });
    rows.forEach(function (row) { body.appendChild(row); });
  }
})();
