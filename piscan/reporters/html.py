"""A self-contained HTML report for auditors: one file, inline CSS and JS, nothing fetched.

Undeclared findings come first; a heatmap counts locations per policy category and source;
select filters hide rows by policy, source and category. Every value is escaped, and the page's
Content-Security-Policy forbids any request, so the file opens offline and leaks nothing.
"""

from __future__ import annotations

from collections import defaultdict
from html import escape

from piscan.coverage import declared_not_seen, miss_bound
from piscan.model import ScanResult, Verdict
from piscan.reporters.base import NOT_DESCRIBED, ReportContext, declared_not_described, sorted_verdicts

NO_CATEGORY = "(none)"  # the heatmap and filter key of entities a policy puts in no category
CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
    "base-uri 'none'; form-action 'none'"
)

CSS = """
body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5em; color: #1a1a1a; }
h1 { margin-bottom: 0.2em; } h2 { margin-top: 1.6em; border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; margin: 0.5em 0; }
th, td { border: 1px solid #d0d0d0; padding: 0.25em 0.5em; text-align: left; vertical-align: top; }
th { background: #f2f2f2; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.undeclared td.state { color: #b00020; font-weight: bold; }
tr.declared td.state { color: #2e7d32; }
td.heat { text-align: center; min-width: 4em; }
td.heat.undeclared { outline: 2px solid #b00020; outline-offset: -2px; }
code { font-size: 12px; overflow-wrap: anywhere; }
.warning { color: #b00020; font-weight: bold; }
.filters label { margin-right: 1.2em; }
[hidden] { display: none !important; }
"""

JS = """
(function () {
  var selects = Array.prototype.slice.call(document.querySelectorAll("select[data-filter]"));
  function apply() {
    var want = {};
    selects.forEach(function (s) { if (s.value) { want[s.getAttribute("data-filter")] = s.value; } });
    var shown = 0;
    document.querySelectorAll("[data-filterable]").forEach(function (row) {
      var ok = Object.keys(want).every(function (key) {
        var have = row.getAttribute("data-" + key);
        return have === null || have === want[key];
      });
      row.hidden = !ok;
      if (ok && row.classList.contains("finding")) { shown += 1; }
    });
    document.getElementById("shown-count").textContent = String(shown);
  }
  selects.forEach(function (s) { s.addEventListener("change", apply); });
  apply();
})();
"""


def render(result: ScanResult, *, context: ReportContext | None = None) -> str:
    """The whole report as one HTML document."""
    body = "\n".join(
        (
            # The page opens on what needs action: the heatmap, then the findings (undeclared
            # first); the scan's metadata, for reproducing it, comes last.
            _header(result),
            _heatmap(result),
            _filters(result),
            _findings(result),
            _skipped(result),
            _unseen(result),
            _metadata(result),
        )
    )
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{_e(CSP)}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>piscan report</title>\n<style>{CSS}</style>\n</head>\n<body>\n{body}\n"
        f"<script>{JS}</script>\n</body>\n</html>\n"
    )


def _e(value: object) -> str:
    """Escape text and attribute values alike (quotes included)."""
    return escape(str(value), quote=True)


def _key(v: Verdict) -> str:
    """The category filter and heatmap key: ``policy/category`` or ``policy/(none)``."""
    return f"{v.policy}/{v.category or NO_CATEGORY}"


def sources(result: ScanResult) -> list[str]:
    """Targets in scan order, then any other source that appears in verdicts or coverage."""
    seen = dict.fromkeys(result.targets)
    for loc in [v.finding.location for v in result.verdicts] + [c.location for c in result.coverage]:
        seen.setdefault(loc.source)
    return list(seen)


def _row(cells: list[str], attrs: str = "") -> str:
    return f"<tr{attrs}>" + "".join(cells) + "</tr>"


def _code(value: object) -> str:
    return f"<td><code>{_e(value)}</code></td>"


def _td(value: object, cls: str = "") -> str:
    return f'<td class="{cls}">{_e(value)}</td>' if cls else f"<td>{_e(value)}</td>"


def _table(table_id: str, headers: list[str], rows: list[str]) -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in headers)
    body = "\n".join(rows)
    return f'<table id="{table_id}"><thead><tr>{head}</tr></thead><tbody>\n{body}\n</tbody></table>'


def _header(result: ScanResult) -> str:
    locations = {v.finding.location for v in result.verdicts}
    text = (
        f"{len(locations)} locations with personal data, {len(result.undeclared)} undeclared findings, "
        f"{len(result.skipped)} skipped"
    )
    warn = '<p class="warning">Interrupted: partial results.</p>' if result.interrupted else ""
    return f'<header><h1>piscan report</h1><p id="summary">{_e(text)}</p>{warn}</header>'


def _metadata(result: ScanResult) -> str:
    items = [
        ("tool version", result.tool_version),
        ("rules digest", result.rules_digest),
        ("started", result.started),
        ("finished", result.finished),
        ("sample size", result.settings.get("sample_rows", "")),
        ("tables scanned", result.tables_scanned),
    ]
    dl = "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in items)
    targets = "".join(f"<li><code>{_e(t)}</code></li>" for t in result.targets)
    rows = [_row([_td(p.id), _td(p.name), _code(p.file), _code(p.sha256)]) for p in result.policies]
    policies = _table("policies-table", ["policy", "name", "file", "sha256"], rows)
    targets = f"<h3>Targets</h3><ul>{targets}</ul>"
    return f'<section id="metadata"><h2>Scan</h2><dl>{dl}</dl>{targets}{policies}</section>'


def _filters(result: ScanResult) -> str:
    policy = _select("policy", "all policies", [(p.id, p.id) for p in result.policies])
    source = _select("source", "all sources", [(s, s) for s in sources(result)])
    category = _select("category", "all categories", _category_options(result))
    return f'<section id="filters" class="filters"><h2>Filters</h2>{policy}{source}{category}</section>'


def _select(name: str, everything: str, options: list[tuple[str, str]]) -> str:
    opts = f'<option value="">{_e(everything)}</option>' + "".join(
        f'<option value="{_e(value)}">{_e(label)}</option>' for value, label in options
    )
    return f'<label>{_e(name)} <select id="filter-{name}" data-filter="{name}">{opts}</select></label>'


def _category_options(result: ScanResult) -> list[tuple[str, str]]:
    options = [(f"{p.id}/{c.id}", f"{p.id} {c.id} {c.name}") for p in result.policies for c in p.categories]
    extra = sorted({_key(v) for v in result.verdicts if not v.category})
    return options + [(key, key.replace("/", " ")) for key in extra]


def _filter_attrs(policy: str = "", source: str = "", category: str = "") -> str:
    pairs = (("policy", policy), ("source", source), ("category", category))
    return " data-filterable" + "".join(f' data-{k}="{_e(v)}"' for k, v in pairs if v)


def _findings(result: ScanResult) -> str:
    headers = ["declared", "policy", "category", "source", "location", "entity", "matches", "confidence"]
    headers += ["evidence", "example"]
    rows = [_finding_row(v) for v in sorted_verdicts(result)]
    count = f'<p><span id="shown-count">{len(rows)}</span> of {len(rows)} findings shown</p>'
    table = _table("findings-table", headers, rows)
    return f'<section id="findings"><h2>Findings (undeclared first)</h2>{count}{table}</section>'


def _finding_row(v: Verdict) -> str:
    f = v.finding
    state = "declared" if v.declared else "undeclared"
    cells = [
        _td(NOT_DESCRIBED if declared_not_described(v) else "yes" if v.declared else "NO", "state"),
        _td(v.policy),
        _td(f"{v.category} {v.category_name}".strip() or NO_CATEGORY),
        _td(f.location.source),
        _code(f.location.path),
        _td(f.entity),
        _td(f"{f.matches}/{f.sampled}", "num"),
        _td(f"{f.confidence:.2f}", "num"),
        _td(f.evidence.value),
        _td(f.example),  # masked by the detectors; never a raw value
    ]
    attrs = f' class="finding {state}"' + _filter_attrs(v.policy, f.location.source, _key(v))
    return _row(cells, attrs)


def heat_counts(result: ScanResult) -> dict[tuple[str, str], int]:
    """(``policy/category``, source) -> number of distinct locations with a verdict there."""
    cells: dict[tuple[str, str], set] = defaultdict(set)
    for v in result.verdicts:
        cells[(_key(v), v.finding.location.source)].add(v.finding.location)
    return {key: len(locs) for key, locs in cells.items()}


def _heat_rows(result: ScanResult) -> list[tuple[str, str, str, bool]]:
    """(policy, key, label, declared) for every category of every policy, then uncategorised ones."""
    rows = [
        (p.id, f"{p.id}/{c.id}", f"{p.id} / {c.id} {c.name}", c.declared)
        for p in result.policies
        for c in p.categories
    ]
    extra = sorted({(v.policy, _key(v)) for v in result.verdicts if not v.category})
    return rows + [(policy, key, f"{policy} / {NO_CATEGORY}", False) for policy, key in extra]


def _heatmap(result: ScanResult) -> str:
    counts = heat_counts(result)
    cols = sources(result)
    peak = max(counts.values(), default=1)
    rows = []
    for policy, key, label, declared in _heat_rows(result):
        cells = [_td(label), _td("declared" if declared else "not declared", "state")]
        cells += [_heat_cell(counts.get((key, s), 0), peak, declared, s) for s in cols]
        state = "declared" if declared else "undeclared"
        rows.append(_row(cells, f' class="heat-row {state}"' + _filter_attrs(policy, category=key)))
    table = _table("heatmap-table", ["policy / category", "policy says", *cols], rows)
    note = "<p>Each cell counts the locations (columns, fields) where the category was found.</p>"
    return f'<section id="heatmap"><h2>Categories by source</h2>{note}{table}</section>'


def _heat_cell(count: int, peak: int, declared: bool, source: str) -> str:
    hue = "46, 125, 50" if declared else "176, 0, 32"
    alpha = 0.15 + 0.6 * count / peak if count else 0
    style = f' style="background: rgba({hue}, {alpha:.2f})"' if count else ""
    cls = "heat num" + ("" if declared or not count else " undeclared")
    return f'<td class="{cls}" data-col="{_e(source)}"{style}>{count}</td>'


def _skipped(result: ScanResult) -> str:
    rows = [
        _row([_td(kind), _td(s.source), _code(s.location), _td(s.reason)], _filter_attrs(source=s.source))
        for kind, items in (("skipped", result.skipped), ("note", result.notes))
        for s in items
    ]
    headers = ["kind", "source", "location", "reason"]
    body = _table("skipped-table", headers, rows) if rows else "<p>Nothing was skipped.</p>"
    return f'<section id="skipped"><h2>Skipped and notes</h2>{body}</section>'


def _unseen(result: ScanResult) -> str:
    headers = ["policy", "category", "wording", "locations scanned", "values sampled", "smallest sample"]
    headers += ["95% miss bound at smallest sample"]
    rows = [
        _row(
            [
                _td(u.policy),
                _td(f"{u.category} {u.category_name}"),
                _td(u.wording),
                _td(u.locations, "num"),
                _td(u.values, "num"),
                _td(u.smallest_sample, "num"),
                _td(f"{miss_bound(u.smallest_sample):.4f}", "num"),
            ],
            _filter_attrs(u.policy, category=f"{u.policy}/{u.category}"),
        )
        for u in declared_not_seen(result)
    ]
    body = _table("unseen-table", headers, rows) if rows else "<p>Every declared category was seen.</p>"
    return f'<section id="unseen"><h2>Declared but not seen</h2>{body}</section>'
