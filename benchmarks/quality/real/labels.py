"""Label files (``labels/<dataset>.yaml``): loaded and checked, so a typo fails loudly, not silently."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from piscan.catalog import catalog

LABELS = Path(__file__).resolve().parent / "labels"
KINDS = ("database", "files")
SPLITS = ("tune", "heldout")
_KEYS = {"dataset", "kind", "corpus", "split", "notes", "locations"}
# The fixed held-out part (corpus paths), which the detection engineers rely on not tuning
# against; a label file's split must agree with it (tests/quality/test_real_floors.py).
HELDOUT = frozenset(
    {
        "databases/oracle_co",
        "databases/books",
        "databases/us_congress",
        "logs/mail",
        "logs/zeek",
        "documents/structured",
        "documents/email/enron_maildir/skilling-j",
    }
)


class LabelError(ValueError):
    """A label file is malformed: the message names the file and the key."""


@dataclass(frozen=True)
class Labels:
    """One dataset's labels: location -> the entities a report should name (empty: nothing personal)."""

    dataset: str
    kind: str
    corpus: str  # path under corpora/
    split: str
    locations: dict[str, frozenset[str]]
    notes: str = ""
    path: Path | None = None


def parse(data: object, path: Path) -> Labels:
    """Check one parsed YAML document against the format in labels/RULES.md."""
    if not isinstance(data, dict):
        raise LabelError(f"{path.name}: not a mapping")
    unknown = set(data) - _KEYS
    missing = {"dataset", "kind", "corpus", "split", "locations"} - set(data)
    if unknown or missing:
        raise LabelError(f"{path.name}: unknown keys {sorted(unknown)}, missing {sorted(missing)}")
    if data["kind"] not in KINDS:
        raise LabelError(f"{path.name}: kind {data['kind']!r} is not one of {KINDS}")
    if data["split"] not in SPLITS:
        raise LabelError(f"{path.name}: split {data['split']!r} is not one of {SPLITS}")
    locations = data["locations"]
    if not isinstance(locations, dict) or not locations:
        raise LabelError(f"{path.name}: locations must be a non-empty mapping")
    known = catalog()
    out: dict[str, frozenset[str]] = {}
    for where, entities in locations.items():
        if not isinstance(entities, list) or not all(isinstance(e, str) for e in entities):
            raise LabelError(f"{path.name}: {where}: a list of entity ids is expected")
        bad = [e for e in entities if e not in known]
        if bad:
            raise LabelError(f"{path.name}: {where}: unknown entity ids {bad}")
        out[str(where)] = frozenset(entities)
    return Labels(
        str(data["dataset"]),
        data["kind"],
        str(data["corpus"]),
        data["split"],
        out,
        str(data.get("notes") or ""),
        path,
    )


def load_all(folder: Path = LABELS) -> dict[str, Labels]:
    """Every label file of the folder, keyed by dataset id."""
    out: dict[str, Labels] = {}
    for path in sorted(folder.glob("*.yaml")):
        labels = parse(yaml.safe_load(path.read_text(encoding="utf-8")), path)
        if labels.dataset in out:
            raise LabelError(f"{path.name}: dataset {labels.dataset!r} is labelled twice")
        out[labels.dataset] = labels
    return out
