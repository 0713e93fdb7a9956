"""Real-data figures -> a docs/QUALITY.md section, BASELINE.md and a console summary (no raw values)."""

from __future__ import annotations

import re
import subprocess
from collections import defaultdict
from pathlib import Path

from benchmarks.quality.evaluate import POLICIES
from benchmarks.quality.real.run import RealResults
from benchmarks.quality.real.score import UnitScore, combined
from benchmarks.quality.report import TARGET_F1

START, END = "<!-- real-data:start -->", "<!-- real-data:end -->"
RULES = "../benchmarks/quality/real/labels/RULES.md"  # relative to docs/
SPLITS = (("tune", "tuned part"), ("heldout", "held-out part"))
# hand-written: why each remaining class of miss or false alarm remains, and which fixes were
# seen on the held-out part (kept in the generated section, so a rerun does not drop it)
REMAINING = Path(__file__).with_name("REMAINING.md")


def splice(doc: str, section: str) -> str:
    """``doc`` with its real-data section replaced (or appended when it has none)."""
    block = f"{START}\n{section.rstrip()}\n{END}"
    pattern = re.compile(re.escape(START) + ".*?" + re.escape(END), re.S)
    if pattern.search(doc):
        return pattern.sub(lambda _: block, doc)
    return doc.rstrip() + "\n\n" + block + "\n"


def section_of(doc: str) -> str:
    """The real-data section of an existing report, or "" when it has none."""
    m = re.search(re.escape(START) + "\n(.*?)\n" + re.escape(END), doc, re.S)
    return m.group(1) if m else ""


def _flagged(scores: list[UnitScore]) -> tuple[int, int]:
    return sum(len(s.flagged_nothing) for s in scores), sum(s.nothing for s in scores)


def targets(real: RealResults) -> dict[str, bool]:
    """Issue 10's real-data targets, met or not."""
    met = {}
    for split, name in SPLITS:
        scores = real.split(split)
        met[f"category F1 >= {TARGET_F1} per dataset and policy ({name})"] = all(
            s.f1(p) >= TARGET_F1 - 1e-9 for s in scores for p in POLICIES
        )
        met[f"undeclared-category recall 1.00 ({name})"] = all(
            s.undeclared_recall(p) >= 1.0 for s in scores for p in POLICIES
        )
        met[f"no location with nothing personal flagged ({name})"] = _flagged(scores)[0] == 0
    return met


def _summary(real: RealResults) -> list[str]:
    lines = [
        "| part | policy | units | TP | FP | FN | category F1 | undeclared recall | "
        "nothing-personal locations flagged |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for split, name in SPLITS:
        scores = real.split(split)
        flagged, nothing = _flagged(scores)
        for p in POLICIES:
            c, u = combined(scores, p, "categories"), combined(scores, p, "undeclared")
            lines.append(
                f"| {name} | `{p}` | {len(scores)} | {c.tp} | {c.fp} | {c.fn} | {c.f1:.3f} | "
                f"{u.recall:.3f} ({u.tp}/{u.support}) | {flagged} of {nothing} |"
            )
    return lines


def _units(real: RealResults) -> list[str]:
    head = " | ".join(f"F1 `{p}` | undecl. recall `{p}`" for p in POLICIES)
    lines = [
        f"| dataset / engine | part | locations | {head} | flagged nothing-personal | unlabelled |",
        "|---|---|---:|" + "---:|" * (2 * len(POLICIES)) + "---:|---:|",
    ]
    for s in real.scores:
        figures = " | ".join(f"{s.f1(p):.3f} | {s.undeclared_recall(p):.3f}" for p in POLICIES)
        lines.append(
            f"| {s.unit} | {s.split} | {s.labelled} | {figures} | "
            f"{len(s.flagged_nothing)} of {s.nothing} | {len(s.unlabelled)} |"
        )
    return lines


def _errors(s: UnitScore) -> list[tuple[str, str, str]]:
    """(location, kind, entity) for every entity-level miss and false alarm of a unit."""
    unlabelled = {w for w, _ in s.unlabelled}
    nothing = {w for w, _ in s.flagged_nothing}
    rows = []
    for entity, kind, where in s.entities.misses:
        if kind == "FN":
            rows.append((where, "miss", entity))
        elif where in unlabelled:
            rows.append((where, "unlabelled", entity))
        elif where in nothing:
            rows.append((where, "false alarm on nothing personal", entity))
        else:
            rows.append((where, "false alarm", entity))
    return rows


def error_list(real: RealResults) -> list[str]:
    """Every miss and false alarm, per dataset, with the engines it happens in."""
    lines: list[str] = []
    for dataset in real.labels:
        engines: dict[tuple[str, str, str], list[str]] = defaultdict(list)
        units = [s for s in real.scores if s.dataset == dataset]
        for s in units:
            for where, kind, entity in _errors(s):
                engines[(where, kind, entity)].append(s.engine)
        notes = [f"skipped in {s.engine}: {k}" for s in units for k in s.skipped]
        notes += [f"labelled but not scanned in {s.engine}: `{w}`" for s in units for w in s.unscanned]
        lines += [f"#### {dataset} ({units[0].split if units else '?'})", ""]
        if not engines and not notes:
            lines += ["No miss and no false alarm.", ""]
            continue
        every = len(units)
        for (where, kind, entity), found in sorted(engines.items()):
            where_ = "" if len(found) == every else f" (only {', '.join(found)})"
            lines.append(f"- {kind}: {entity} at `{where}`{where_}")
        lines += [f"- {n}" for n in notes] + [""]
    return lines


def markdown(real: RealResults) -> str:
    """The real-data section of docs/QUALITY.md."""
    out = [
        "## Real data",
        "",
        "Public sample databases and files from `../shared/corpora` (provenance and licences in its",
        "README), labelled by hand per location: the entities a careful privacy engineer would report,",
        f"or nothing personal. Labelling rules: [RULES.md]({RULES}) (databases) and",
        f"[RULES-files.md]({RULES.replace('RULES.md', 'RULES-files.md')}) (files); labels in",
        "`benchmarks/quality/real/labels/`. Each database is loaded with the corpora README's commands",
        "into PostgreSQL and, where the README says it loads there, into SQLite; each engine is a unit,",
        "scanned with piscan's real `Scanner` at default settings (views are not scanned by default).",
        "Location keys drop the schema (`public.` / `main.`). Category F1 is column level, entities",
        "mapped through each policy as in the generated corpus; a location reported without a label",
        'counts as a false alarm ("unlabelled"). The held-out part (oracle_co, books, us_congress and',
        "the held-out file folders) is not tuned against.",
        "",
        f"Run time {real.seconds:.1f} s wall, {real.cpu_seconds:.1f} s CPU of this process "
        f"(loading by psql/sqlite3 not included); {len(real.scores)} units, "
        f"{sum(s.labelled for s in real.scores)} labelled locations.",
        "",
        "### Targets (real data)",
        "",
    ]
    out += [f"- [{'x' if ok else ' '}] {name}" for name, ok in targets(real).items()]
    out += ["", "### Per part and policy", "", *_summary(real), ""]
    out += ["### Per dataset and engine", "", *_units(real), ""]
    out += [
        "### Misses and false alarms",
        "",
        "Entity level, per location; the engine is named when only one of them shows it.",
        "",
        *error_list(real),
    ]
    if REMAINING.exists():
        out += [""] * (out[-1] != "") + REMAINING.read_text(encoding="utf-8").rstrip("\n").splitlines()
    return "\n".join(out) + "\n"


def console(real: RealResults) -> str:
    """A short summary for the terminal."""
    lines = []
    for s in real.scores:
        figures = ", ".join(f"{p} F1 {s.f1(p):.3f} undecl {s.undeclared_recall(p):.2f}" for p in POLICIES)
        lines.append(f"{s.unit:32} {figures}; flagged {len(s.flagged_nothing)}/{s.nothing}")
    for split, name in SPLITS:
        scores = real.split(split)
        for p in POLICIES:
            c = total_f1(scores, p)
            lines.append(f"{name} {p}: category F1 {c:.3f}")
    lines.append(f"real data: {real.seconds:.1f} s ({real.cpu_seconds:.1f} s CPU)")
    return "\n".join(lines)


def total_f1(scores: list[UnitScore], policy: str) -> float:
    """Micro-averaged category F1 over units."""
    return combined(scores, policy, "categories").f1


def _detection_commit() -> str:
    """The last commit that changed piscan's code or rules: what the figures measure."""
    done = subprocess.run(
        ["git", "log", "-1", "--format=%h %cs", "--", "piscan", "rules"],
        cwd=Path(__file__).resolve().parents[3],
        capture_output=True,
        text=True,
        check=False,
    )
    return done.stdout.strip() or "unknown"


def baseline(real: RealResults) -> str:
    """BASELINE.md: the figures and every error, for the engineers fixing detection."""
    return "\n".join(
        [
            "# Real-data baseline",
            "",
            f"Detection code and rules measured: commit {_detection_commit()} (last change to",
            "`piscan/` or `rules/`).",
            "Written by `python -m benchmarks.quality --real --no-write --baseline <this file>`.",
            "Location keys are `table.column` (schema dropped) or paths relative to the scanned folder.",
            "No raw value appears here.",
            "",
            markdown(real).replace("## Real data", "## Figures", 1),
        ]
    )
