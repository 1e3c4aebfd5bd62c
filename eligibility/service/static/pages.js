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

/* The rules page's editor (issue 26): as HR types, the text is linted through the API (rules.lint, which stores
   nothing) and lint's positioned findings are listed under the editor, each a button that moves the caret to its
   line. Without JavaScript, proposing the text shows the first error as before. */
(function () {
  "use strict";
  var WAIT = 500;  /* ms after the last keystroke */

  function sourceOf(form) {  /* the specification the text was drafted from, carried as base64 */
    var name = form.querySelector("input[name=source_name]");
    var data = form.querySelector("input[name=source_b64]");
    if (!name || !data || !window.TextDecoder) { return null; }
    var binary = window.atob(data.value);
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i += 1) { bytes[i] = binary.charCodeAt(i); }
    return {document: name.value, text: new TextDecoder("utf-8").decode(bytes)};
  }

  function toLine(editor, line) {
    var lines = editor.value.split("\n");
    var start = 0;
    for (var i = 0; i < line - 1 && i < lines.length; i += 1) { start += lines[i].length + 1; }
    editor.focus();
    editor.setSelectionRange(start, start + (lines[line - 1] || "").length);
    var height = editor.scrollHeight / Math.max(lines.length, 1);
    editor.scrollTop = Math.max(0, (line - 3) * height);
  }

  function show(editor, panel, answer) {
    var status = panel.querySelector("[role=status]");
    var list = panel.querySelector("ul");
    list.textContent = "";
    panel.hidden = false;
    var words = answer.errors + (answer.errors === 1 ? " error, " : " errors, ") + answer.warnings +
      (answer.warnings === 1 ? " warning" : " warnings");
    status.textContent = "Lint: " + (answer.findings.length ? words : "no findings") +
      (answer.quotes && answer.quotes.note ? "; " + answer.quotes.note : "; quotes checked");
    editor.setAttribute("aria-invalid", answer.errors ? "true" : "false");
    answer.findings.forEach(function (f) {
      var item = document.createElement("li");
      item.className = "lint-" + f.severity;
      var where = f.line ? "line " + f.line + (f.col ? ":" + f.col : "") : f.file;
      if (f.line) {
        var go = document.createElement("button");
        go.type = "button";
        go.className = "link-button";
        go.textContent = where;
        go.setAttribute("aria-label", "go to " + where);
        go.addEventListener("click", function () { toLine(editor, f.line); });
        item.appendChild(go);
      } else {
        item.appendChild(document.createTextNode(where));
      }
      item.appendChild(document.createTextNode(" " + f.severity + ": " + f.message + " [" + f.code + "]"));
      list.appendChild(item);
    });
  }

  function liveLint(editor) {
    var form = editor.form;
    var panel = document.getElementById("rules-lint");
    var token = form.querySelector("input[name=csrf_token]");
    var timer = null;
    var asked = 0;
    function lint() {
      var mine = asked += 1;
      var body = {text: editor.value};
      var source = sourceOf(form);
      if (source) { body.source = source; }
      fetch(editor.getAttribute("data-lint-url"), {
        method: "POST", credentials: "same-origin", body: JSON.stringify(body),
        headers: {"content-type": "application/json", "x-csrf-token": token ? token.value : ""}
      }).then(function (response) {
        return response.json().then(function (answer) { return {ok: response.ok, answer: answer}; });
      }).then(function (got) {
        if (mine !== asked) { return; }  /* a newer text is being linted */
        if (got.ok) { show(editor, panel, got.answer); return; }
        panel.hidden = false;
        panel.querySelector("[role=status]").textContent = "Lint could not run: " + (got.answer.detail || "error");
      }).catch(function () {
        if (mine === asked) {
          panel.hidden = false;
          panel.querySelector("[role=status]").textContent = "Lint could not run: the service did not answer";
        }
      });
    }
    editor.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(lint, WAIT);
    });
    lint();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("textarea[data-lint-url]").forEach(liveLint);
  });
}());
