/* tracer report: filterable, sortable tables and linked highlighting. The pages work without it. */
(function () {
  "use strict";

  /* Index tables: every row is in a <script type="application/json"> block next to the table
     (the page prints only the first ones). Each column's data-kind says how to draw its cells,
     as the template does, with DOM calls only: article text is never parsed as markup. */

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function link(className, text, href) {
    var node = element("a", className, text);
    node.setAttribute("href", href);
    return node;
  }

  function reference(name, href) {
    return href ? link("", name, href) : element("span", "latent-name", name);
  }

  function lower(text) {
    return String(text).toLowerCase();
  }

  /* Rows name articles and cited sources by their position in the page's shared data:
     shared.refs[i] is [name, id, href or null, caption], shared.chips[i] [name, tooltip, latent]. */
  function names(items, shared) {
    return items.map(function (item) {
      return typeof item === "string" ? item : shared.refs[item][0];
    }).join(", ");
  }

  function nothing() {
    return "";
  }

  var kinds = {
    article: {  /* a reference: title link, id under it */
      draw: function (cell, value, column, shared) {
        var ref = shared.refs[value];
        cell.appendChild(ref[2] ? link("art-title", ref[0], ref[2])
          : element("span", "art-title", ref[0]));
        cell.appendChild(element("span", "art-id", ref[1]));
      },
      key: function (value, shared) { return lower(shared.refs[value][1]); },
      words: function (value, shared) { return shared.refs[value].slice(0, 2).join(" "); }
    },
    ref: {  /* a reference: name link (or a cited source's name), caption under it */
      draw: function (cell, value, column, shared) {
        var ref = shared.refs[value];
        cell.appendChild(reference(ref[0], ref[2]));
        cell.appendChild(element("span", "ref-caption", ref[3]));
      },
      key: function (value, shared) { return lower(shared.refs[value][0]); },
      words: function (value, shared) {
        var ref = shared.refs[value];
        return ref[0] + " " + ref[1] + " " + ref[3];
      }
    },
    refs: {  /* references and plain text ("and 12 more"), separated by commas */
      draw: function (cell, value, column, shared) {
        value.forEach(function (item, position) {
          if (position) cell.appendChild(document.createTextNode(", "));
          cell.appendChild(typeof item === "string" ? document.createTextNode(item)
            : reference(shared.refs[item][0], shared.refs[item][2]));
        });
      },
      key: function (value, shared) { return lower(names(value, shared)); },
      words: names
    },
    chips: {  /* cited sources */
      draw: function (cell, value, column, shared) {
        var chips = element("span", "chips");
        value.forEach(function (item) {
          var chip = shared.chips[item];
          var node = element("span", chip[2] ? "chip latent" : "chip", chip[0]);
          node.title = chip[1];
          chips.appendChild(node);
        });
        cell.appendChild(chips);
      },
      key: function (value, shared) {
        return lower(value.map(function (item) { return shared.chips[item][0]; }).join(", "));
      },
      words: function (value, shared) {
        return value.map(function (item) { return shared.chips[item][0]; }).join(" ");
      }
    },
    text: {
      draw: function (cell, value) { cell.textContent = value; },
      key: lower,
      words: String
    },
    share: {  /* [shown, value in 0..1] */
      draw: function (cell, value, column) {
        var share = element("div", "share");
        var bar = element("span", "bar");
        var fill = element("i", column.label);
        fill.style.width = (Math.max(0, Math.min(1, value[1])) * 100).toFixed(1) + "%";
        bar.appendChild(fill);
        share.appendChild(bar);
        share.appendChild(element("span", "value", value[0]));
        cell.appendChild(share);
      },
      key: function (value) { return value[1]; },
      words: nothing
    },
    number: {  /* a number, or [shown, value] */
      draw: function (cell, value) {
        cell.textContent = typeof value === "number" ? String(value) : value[0];
      },
      key: function (value) { return typeof value === "number" ? value : value[1]; },
      words: nothing
    },
    relation: {  /* [text, class, reason] */
      draw: function (cell, value) {
        var label = element("span", "rel " + value[1], value[0]);
        label.title = value[2];
        cell.appendChild(label);
      },
      key: function (value) { return lower(value[0]); },
      words: function (value) { return value[0]; }
    },
    link: {  /* the side-by-side page */
      draw: function (cell, value) { cell.appendChild(link("", "side by side", value)); },
      key: lower,
      words: nothing
    },
    latent: {  /* a cited source's name */
      draw: function (cell, value) { cell.appendChild(element("span", "chip latent", value)); },
      key: lower,
      words: String
    }
  };

  /* Lower case without accents, so "zurich" finds "Zürich". */
  function fold(text) {
    text = String(text);
    if (text.normalize) text = text.normalize("NFD").replace(/[\u0300-\u036f]/g, "");
    return text.toLowerCase();
  }

  function formatCount(number) {
    return number.toLocaleString("en-US");
  }

  var sharedBlocks = {};

  function sharedData(id) {
    if (!id) return { refs: [], chips: [] };
    if (!(id in sharedBlocks)) {
      var block = document.getElementById(id);
      sharedBlocks[id] = block ? JSON.parse(block.textContent) : { refs: [], chips: [] };
    }
    return sharedBlocks[id];
  }

  function dataTable(table) {
    var source = document.getElementById(table.getAttribute("data-rows") || "");
    var head = table.tHead && table.tHead.rows[0];
    var body = table.tBodies[0];
    if (!source || !head || !body) return;
    var data, shared;
    try {
      data = JSON.parse(source.textContent);
      shared = sharedData(table.getAttribute("data-shared"));
    } catch (error) {
      return;  /* the printed rows stay */
    }
    var step = parseInt(table.getAttribute("data-page"), 10) || 100;
    var columns = Array.prototype.map.call(head.cells, function (th) {
      return {
        th: th,
        kind: kinds[th.getAttribute("data-kind")] || kinds.text,
        sort: th.getAttribute("data-sort"),
        css: th.getAttribute("data-class") || "",
        label: th.getAttribute("data-label") || ""
      };
    });
    var rows = data.rows.map(function (cells, index) {
      var words = columns.map(function (column, position) {
        var value = cells[position];
        return value === null || value === undefined ? "" : column.kind.words(value, shared);
      });
      return { cells: cells, index: index, text: fold(words.join(" ")), keys: {}, node: null };
    });
    var selector = '[data-table="' + table.id + '"]';
    var tools = document.querySelector(".table-tools" + selector);
    var foot = document.querySelector(".table-foot" + selector);
    var input = tools && tools.querySelector("input.filter");
    var count = tools && tools.querySelector(".count");
    var note = foot && foot.querySelector(".note");
    var more = foot && foot.querySelector("button.more");
    var noun = table.getAttribute("data-noun") || "rows";
    var state = { terms: [], column: -1, descending: false, limit: step };
    var shown = rows;

    function compute() {
      var terms = state.terms;
      shown = !terms.length ? rows.slice() : rows.filter(function (row) {
        return terms.every(function (term) { return row.text.indexOf(term) !== -1; });
      });
      var position = state.column;
      if (position < 0) return;
      var column = columns[position];
      var empty = column.sort === "number" ? -Infinity : "";
      shown.forEach(function (row) {
        if (!(position in row.keys)) {
          var value = row.cells[position];
          row.keys[position] = value === null || value === undefined ? empty
            : column.kind.key(value, shared);
        }
      });
      var sign = state.descending ? -1 : 1;
      shown.sort(function (a, b) {
        var x = a.keys[position], y = b.keys[position];
        return sign * (x < y ? -1 : x > y ? 1 : 0) || a.index - b.index;
      });
    }

    function draw(row) {
      if (row.node) return row.node;
      var tr = document.createElement("tr");
      columns.forEach(function (column, position) {
        var cell = document.createElement("td");
        if (column.css) cell.className = column.css;
        var value = row.cells[position];
        if (value !== null && value !== undefined) column.kind.draw(cell, value, column, shared);
        tr.appendChild(cell);
      });
      row.node = tr;
      return tr;
    }

    function render() {
      var visible = shown.slice(0, state.limit);
      var fragment = document.createDocumentFragment();
      visible.forEach(function (row) { fragment.appendChild(draw(row)); });
      while (body.firstChild) body.removeChild(body.firstChild);
      body.appendChild(fragment);
      if (count) {
        count.textContent = state.terms.length
          ? formatCount(shown.length) + " of " + formatCount(rows.length) + " match" : "";
      }
      if (note) {
        note.textContent = "Showing " + formatCount(visible.length) + " of " +
          formatCount(shown.length) + " " + (state.terms.length ? "matching " : "") + noun + ".";
      }
      if (more) {
        var left = shown.length - visible.length;
        more.hidden = left <= 0;
        more.textContent = "Show " + formatCount(Math.min(step, left)) + " more";
      }
    }

    columns.forEach(function (column, position) {
      var th = column.th;
      if (!column.sort) return;
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort";
      while (th.firstChild) button.appendChild(th.firstChild);
      th.appendChild(button);
      button.addEventListener("click", function () {
        var descending = th.getAttribute("aria-sort") !== "descending" &&
          (th.getAttribute("aria-sort") === "ascending" || column.sort === "number");
        columns.forEach(function (other) { other.th.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", descending ? "descending" : "ascending");
        state.column = position;
        state.descending = descending;
        compute();
        render();
      });
    });

    if (input) {
      var timer = 0;
      var apply = function () {
        state.terms = fold(input.value).split(/\s+/).filter(Boolean);
        state.limit = step;
        compute();
        render();
      };
      /* Large tables wait for a pause in typing instead of filtering on every key. */
      input.addEventListener("input", function () {
        window.clearTimeout(timer);
        timer = window.setTimeout(apply, rows.length > 5000 ? 200 : 0);
      });
    }
    if (more) {
      more.addEventListener("click", function () {
        state.limit += step;
        render();
      });
    }
    if (tools) tools.hidden = false;
    compute();
    render();
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

  document.querySelectorAll("table[data-rows]").forEach(dataTable);
  document.querySelectorAll("table.sbs").forEach(linkRows);
})();
