"""The HTML report's inline stylesheet (screen and print) and its small table script (sort, filter); no data; and
what makes any HTML file the program writes self-contained (:func:`self_contained`: its Content-Security-Policy)."""

import base64
import hashlib
import re

_INLINE = re.compile(r"<(style|script)>(.*?)</\1>", re.S)
_IMAGE = re.compile(r"<img\b[^>]*>")  # attribute values come escaped (no raw '>' in them)
_ALT = re.compile(r'\balt="([^"]*)"')
CHARSET = '<meta charset="utf-8">'
NONE = "'none'"


def self_contained(page: str) -> str:
    """A whole HTML document the program wrote, made to load nothing from elsewhere when opened: every image
    element is replaced by its (already escaped) alt text, and a Content-Security-Policy meta element after its
    charset allows only its own inline ``<style>`` and ``<script>`` elements, by their SHA-256 (so sorting still
    works), and nothing else: no fetch, image, font, frame, form target or base URL."""
    page = _IMAGE.sub(lambda found: (_ALT.search(found.group()) or [None, ""])[1], page)
    hashes: dict[str, list[str]] = {"style": [], "script": []}
    for kind, body in _INLINE.findall(page):
        digest = base64.b64encode(hashlib.sha256(body.encode("utf-8", "surrogatepass")).digest()).decode()
        hashes[kind].append(f"'sha256-{digest}'")
    allowed = {kind: " ".join(found) or NONE for kind, found in hashes.items()}
    policy = "; ".join([f"default-src {NONE}", f"style-src {allowed['style']}", f"script-src {allowed['script']}",
                        f"img-src {NONE}", f"base-uri {NONE}", f"form-action {NONE}"])
    return page.replace(CHARSET, f'{CHARSET}\n<meta http-equiv="Content-Security-Policy" content="{policy}">', 1)

CSS = """
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Liberation Sans",Arial,sans-serif;color:#1f2328;
margin:0 auto;padding:0 24px 40px;max-width:1200px;background:#fff}
header{border-bottom:2px solid #1f2328;margin-bottom:12px}
h1{font-size:24px;margin:18px 0 2px}h2{font-size:19px;margin:26px 0 8px;border-bottom:1px solid #d0d7de}
h3{font-size:16px;margin:22px 0 6px}h4{font-size:14px;margin:12px 0 4px}
.sub{margin:0 0 10px;color:#424a53}
a{color:#0a3069}
.badge{display:inline-block;padding:0 7px;border-radius:10px;border:1px solid var(--c);color:var(--c);
font-size:.86em;font-weight:600;white-space:nowrap;background:#fff}
.cards{list-style:none;display:flex;flex-wrap:wrap;gap:8px;padding:0;margin:0}
.card{font:inherit;cursor:pointer;border:1px solid var(--c);border-left:6px solid var(--c);border-radius:6px;
background:#fff;padding:6px 12px;min-width:120px;text-align:left;color:#1f2328}
.card .n{font-size:22px;font-weight:700;color:var(--c);display:block}
.card.zero{opacity:.55}.card[aria-pressed=true]{background:#f0f6ff;box-shadow:0 0 0 2px var(--c)}
.total,.soon{margin:8px 0 0}
.controls{display:flex;flex-wrap:wrap;gap:14px;align-items:center;margin:6px 0 8px}
.controls input,.controls select{font:inherit;padding:3px 6px}
#shown{color:#57606a}
table{border-collapse:collapse;width:100%}
th,td{border-bottom:1px solid #d0d7de;padding:5px 7px;text-align:left;vertical-align:top}
thead th{background:#f6f8fa;position:sticky;top:0}
th button{font:inherit;font-weight:600;border:0;background:none;padding:0;cursor:pointer;color:inherit}
th[aria-sort=ascending] .arrow::after{content:" ▲"}th[aria-sort=descending] .arrow::after{content:" ▼"}
#roster-table tbody tr:hover{background:#f6f8fa}
tr.filtered{display:none}
#roster-table td:nth-child(5),#roster-table .code{white-space:nowrap}
#roster-table th:nth-child(1){width:12%}#roster-table th:nth-child(2),#roster-table th:nth-child(3){width:20%}
#roster-table th:nth-child(4){width:11%}#roster-table th:nth-child(5){width:9%}
.name{color:#424a53}.code{color:#57606a;font-size:.86em}.none{color:#8c959f}
.chart{overflow-x:auto}.timeline{max-width:100%;height:auto}
.legend{list-style:none;display:flex;flex-wrap:wrap;gap:6px 18px;padding:0;margin:6px 0;font-size:.93em}
.legend svg{vertical-align:middle}
.employee{border-top:1px solid #d0d7de;padding-top:2px}
.facts{display:grid;grid-template-columns:max-content 1fr;gap:2px 14px;margin:4px 0 8px}
.facts dt{font-weight:600}.facts dd{margin:0}
.path{margin:8px 0 10px 0}.path.best{border-left:3px solid #1f2328;padding-left:10px}
.desc{margin:2px 0 6px;color:#424a53}
.criteria{font-size:.93em}.criteria td:first-child{width:26%}.criteria td:nth-child(2){width:17%}
.criteria td:nth-child(3){width:22%}
.result{font-weight:600}.met-true .result{color:#1a7f37}.met-false .result{color:#c4232d}
.met-none .result{color:#b3266e}
.missing{color:#c4232d}
.evidence{display:grid;grid-template-columns:max-content 1fr;gap:0 8px;margin:0}
.evidence dt{color:#57606a}.evidence dd{margin:0;word-break:break-word}
.source q{display:block;font-style:italic;margin-top:2px}.source q::before{content:"\\201C"}
.source q::after{content:"\\201D"}
.interp{margin:3px 0 0;color:#424a53}
.notes{margin:4px 0}.back{margin:6px 0 0;font-size:.93em}
.problems code{white-space:pre-wrap;word-break:break-word}
footer{margin-top:30px;border-top:1px solid #d0d7de;color:#57606a;font-size:.86em}
@media print{
@page{size:A4;margin:12mm 10mm}
body{max-width:none;padding:0;font-size:10px}
h1{font-size:18px}h2{font-size:15px}h3{font-size:13px}
.criteria{font-size:1em}th,td{padding:3px 5px}
#roster-table .code{white-space:normal;word-break:break-all}
.criteria td:first-child{width:24%}.criteria td:nth-child(2){width:14%}.criteria td:nth-child(3){width:26%}
@page wide{size:A4 landscape;margin:10mm}
#timeline{page:wide}
*{-webkit-print-color-adjust:exact;print-color-adjust:exact}
.controls,.back,th .arrow{display:none}
.card{cursor:default;min-width:0;padding:3px 8px}.card .n{font-size:16px}
thead th{position:static}
tr,.criteria tr,.facts,.employee h3{break-inside:avoid}
h2,h3,h4{break-after:avoid}
#timeline,#details{break-before:page}
a{color:inherit;text-decoration:none}
.chart{overflow:visible}
}
""".strip()

SCRIPT = """
(function () {
  "use strict";
  var table = document.getElementById("roster-table");
  if (!table) { return; }
  var tbody = table.tBodies[0];
  var rows = Array.prototype.slice.call(tbody.rows);
  var collator = new Intl.Collator(undefined, {numeric: true, sensitivity: "base"});
  var filter = document.getElementById("filter");
  var statusFilter = document.getElementById("status-filter");
  var shown = document.getElementById("shown");
  var cards = document.querySelectorAll(".card[data-status]");

  function sortBy(th) {
    var heads = Array.prototype.slice.call(th.parentNode.children);
    var index = heads.indexOf(th);
    var direction = th.getAttribute("aria-sort") === "ascending" ? "descending" : "ascending";
    heads.forEach(function (h) { h.setAttribute("aria-sort", "none"); });
    th.setAttribute("aria-sort", direction);
    var sign = direction === "ascending" ? 1 : -1;
    rows.sort(function (a, b) {
      var x = a.cells[index].getAttribute("data-sort"), y = b.cells[index].getAttribute("data-sort");
      if (x === y) { return a.getAttribute("data-order") - b.getAttribute("data-order"); }
      if (x === "") { return 1; }
      if (y === "") { return -1; }
      return sign * collator.compare(x, y) || a.getAttribute("data-order") - b.getAttribute("data-order");
    });
    rows.forEach(function (r) { tbody.appendChild(r); });
  }

  function applyFilter() {
    var query = filter.value.trim().toLowerCase();
    var status = statusFilter.value;
    var count = 0;
    rows.forEach(function (r) {
      var show = (!status || r.getAttribute("data-status") === status) &&
        (!query || r.textContent.toLowerCase().indexOf(query) !== -1);
      r.classList.toggle("filtered", !show);
      if (show) { count += 1; }
    });
    shown.textContent = "Showing " + count + " of " + rows.length +
      (status ? " (status: " + status.replace(/_/g, " ") + ")" : "") + (query ? " matching \\u201C" + query + "\\u201D" : "");
    Array.prototype.forEach.call(cards, function (c) {
      c.setAttribute("aria-pressed", String(c.getAttribute("data-status") === status));
    });
  }

  Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th) {
    th.querySelector("button").addEventListener("click", function () { sortBy(th); });
  });
  filter.addEventListener("input", applyFilter);
  statusFilter.addEventListener("change", applyFilter);
  Array.prototype.forEach.call(cards, function (card) {
    card.addEventListener("click", function () {
      var status = card.getAttribute("data-status");
      statusFilter.value = statusFilter.value === status ? "" : status;
      applyFilter();
      document.getElementById("roster").scrollIntoView();
    });
  });
}());
""".strip()
