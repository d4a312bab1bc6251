"""bench/accuracy.py: the old/new rule read from a SOURCES.md, the skip without shared data, the summary."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from conftest import REPO

SCRIPT = REPO / "bench" / "accuracy.py"

SOURCES = """# corpus

Added 2025-01-01: 2 more papers with gold in ../gold/ (this older batch is not the newest).

Added 2026-02-03: 2 more papers with gold in ../gold/ — one segmentation, one control.

| file | pages | title |
|---|---|---|
| a.pdf | 8 | A |
| b.pdf | 9 | B |
| c.pdf | 7 | C |
| d.pdf | 3 | D |
| e.pdf | 5 | E |

Total: 5 PDFs.
"""


def bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_accuracy", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_new_group_is_the_gold_of_the_last_added_rows(tmp_path: Path) -> None:
    sources = tmp_path / "SOURCES.md"
    sources.write_text(SOURCES, encoding="utf-8")
    # e.pdf (the newest row) has gold, d.pdf has none; a.pdf and c.pdf are older
    gold = {"a.gold.json": "a.pdf", "c.gold.json": "c.pdf", "e.gold.json": "e.pdf"}
    groups, rule = bench().split_groups(sources, gold)
    assert groups == {"old": ["a.gold.json", "c.gold.json"], "new": ["e.gold.json"]}
    assert "last 2 PDFs" in rule and "Added 2026-02-03: 2 more papers with gold" in rule


def test_a_sources_file_without_the_sentence_is_refused(tmp_path: Path) -> None:
    sources = tmp_path / "SOURCES.md"
    sources.write_text("| a.pdf | 1 |\n", encoding="utf-8")
    with pytest.raises(ValueError, match="Added <date>"):
        bench().split_groups(sources, {"a.gold.json": "a.pdf"})


def test_it_skips_with_a_message_without_the_shared_data(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, str(SCRIPT), "--shared", str(tmp_path / "absent")],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0 and result.stdout.startswith("skipped: the shared data is not here")


def test_compare_prints_before_and_after(capsys: pytest.CaptureFixture[str]) -> None:
    module = bench()
    gold = {label: 0.5 for label, _ in module.GOLD_ROWS}
    sota = {key: 0.25 for _, key in module.SOTA_ROWS} | {"papers_without_result": 38}
    after = {"commit": "b", "date": "2026-02-03T00:00:00", "seconds": 1.0, "rule": "r",
             "n_gold": {"all": 2}, "sota_papers": 3, "sota_in_tex": 4,
             "summary": {"gold": {"all": gold | {"datasets F1": 0.75}},
                         "sota": sota | {"papers_without_result": 30}}}
    before = json.loads(json.dumps(after))
    before["summary"] = {"gold": {"all": gold}, "sota": sota}
    module.show(after, before)
    lines = capsys.readouterr().out.splitlines()
    assert max(map(len, lines)) <= 80
    assert any(line.split() == ["datasets", "F1", "0.500→0.750", "+0.250"] for line in lines)
    assert any(line.split() == ["backbones", "F1", "0.500→0.500"] for line in lines)
    assert any(line.split() == ["no", "result", "38→30", "-8"] for line in lines)
