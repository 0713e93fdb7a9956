"""``--follow-symlinks`` stays inside the scanned root: a link to a file or folder outside it
(``/etc/shadow`` in a share) is skipped with its reason, unless ``--follow-symlinks-outside``."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import run_cli


def _share(tmp_path: Path) -> Path:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "shadow").write_text("root:x\nmail: outside.secret@example.org\n", encoding="utf-8")
    (outside / "etc").mkdir()
    (outside / "etc" / "passwd.txt").write_text("contact outside.folder@example.org\n", encoding="utf-8")
    share = tmp_path / "share"
    (share / "sub").mkdir(parents=True)
    (share / "data.txt").write_text("write to inside.person@example.com\n", encoding="utf-8")
    (share / "sub" / "alias.txt").symlink_to(share / "data.txt")  # inside: followed
    (share / "shadow").symlink_to(outside / "shadow")
    (share / "etc").symlink_to(outside / "etc")
    (share / "sub" / "up").symlink_to("../../outside")  # relative, out through ..
    return share


def _scan(share: Path, *extra: str) -> dict:
    run = run_cli("scan", str(share), "--follow-symlinks", *extra, "-f", "json", "-q", "--fail-on", "never")
    assert run.code == 0 and "Traceback" not in run.stderr, run
    return json.loads(run.stdout)


def test_links_out_of_the_root_are_skipped_with_their_reason(tmp_path: Path) -> None:
    doc = _scan(_share(tmp_path))
    skipped = {s["location"]: s["reason"] for s in doc["skipped"]}
    for link in ("shadow", "etc", "sub/up"):
        assert "outside the scanned root" in skipped.get(link, ""), skipped
    locations = {r["location"] for r in doc["results"]}
    assert "data.txt" in locations and "sub/alias.txt" in locations, locations
    assert not any(loc.startswith(("shadow", "etc", "sub/up")) for loc in locations), locations


def test_following_links_outside_needs_its_own_option(tmp_path: Path) -> None:
    doc = _scan(_share(tmp_path), "--follow-symlinks-outside")
    locations = {r["location"] for r in doc["results"]}
    assert {"shadow", "etc/passwd.txt"} <= locations, locations
