/* tracer report: sortable tables and linked highlighting. The pages work without it. */
(function () {
  "use strict";

  function sortValue(cell, numeric) {
    var raw = cell ? cell.getAttribute("data-value") : null;
    if (raw === null) raw = cell ? cell.textContent.trim() : "";
    if (numeric) {
      var number = parseFloat(raw);
      return isNaN(number) ? -Infinity : number;
    }
    return raw.toLowerCase();
  }

  function makeSortable(table) {
    var head = table.tHead && table.tHead.rows[0];
    var body = table.tBodies[0];
    if (!head || !body) return;
    Array.prototype.forEach.call(head.cells, function (th, column) {
      var type = th.getAttribute("data-sort");
      if (!type) return;
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort";
      while (th.firstChild) button.appendChild(th.firstChild);
      th.appendChild(button);
      button.addEventListener("click", function () {
        var descending = th.getAttribute("aria-sort") !== "descending" &&
          (th.getAttribute("aria-sort") === "ascending" || type === "number");
        Array.prototype.forEach.call(head.cells, function (other) {
          other.removeAttribute("aria-sort");
        });
        th.setAttribute("aria-sort", descending ? "descending" : "ascending");
        var rows = Array.prototype.map.call(body.rows, function (row, index) {
          return { row: row, index: index, key: sortValue(row.cells[column], type === "number") };
        });
        rows.sort(function (a, b) {
          var order = a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
          return (descending ? -order : order) || a.index - b.index;
        });
        rows.forEach(function (item) { body.appendChild(item.row); });
      });
    });
  }

  function linkRows(table) {
    function members(element) {
      var key = element.getAttribute("data-row");
      return table.querySelectorAll('[data-row="' + key + '"]');
    }
    function set(element, name, on) {
      Array.prototype.forEach.call(members(element), function (member) {
        member.classList.toggle(name, on);
      });
    }
    Array.prototype.forEach.call(table.querySelectorAll("tr.matched[data-row]"), function (row) {
      row.tabIndex = 0;
      row.addEventListener("mouseenter", function () { set(row, "lit", true); });
      row.addEventListener("mouseleave", function () { set(row, "lit", false); });
      function pin() {
        var pinned = !row.classList.contains("pinned");
        Array.prototype.forEach.call(table.querySelectorAll("tr.pinned"), function (other) {
          other.classList.remove("pinned");
        });
        set(row, "pinned", pinned);
        if (pinned && window.history && history.replaceState) {
          history.replaceState(null, "", "#" + row.id);
        }
      }
      row.addEventListener("click", function (event) {
        if (event.target.closest("a")) return;
        pin();
      });
      row.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " ") {
          event.preventDefault();
          pin();
        }
      });
    });
  }

  document.querySelectorAll("table.sortable").forEach(makeSortable);
  document.querySelectorAll("table.sbs").forEach(linkRows);
})();
