"""examples/make_file_corpus.py: seeded, complete, and it says what it wrote."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def test_the_corpus_is_the_same_on_every_run(tmp_path, corpus_module, corpus_bytes):
    corpus_module.build(tmp_path)
    again = {p.relative_to(tmp_path).as_posix(): p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    assert again == corpus_bytes


def test_it_holds_every_planted_and_clean_file(corpus_bytes, corpus_module):
    assert set(corpus_module.EXPECTED) | set(corpus_module.CLEAN) == set(corpus_bytes)
    assert corpus_bytes[corpus_module.FACE_PHOTO][:3] == b"\xff\xd8\xff"
    assert corpus_bytes[corpus_module.SPEECH][8:12] == b"WAVE"
    assert corpus_bytes[corpus_module.FINGERPRINT][:8] == b"FMR\x00 20\x00"
    assert {p.split("/")[0] for p in corpus_bytes} == {"logs", "share"}


def test_the_script_writes_where_it_is_told_and_lists_each_file(tmp_path, corpus_module):
    script = Path(corpus_module.__file__)
    run = subprocess.run(
        [sys.executable, str(script), str(tmp_path / "out")], capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert len(lines) == len(corpus_module.EXPECTED) + len(corpus_module.CLEAN)
    assert any("voicemail-0412.wav" in line and "speech recording: " in line for line in lines)
    assert all(line.startswith(f"wrote {tmp_path / 'out'}/") for line in lines)
    assert script.parent / "corpus" == corpus_module.DEFAULT_OUT
