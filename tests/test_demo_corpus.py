"""The shipped demo corpus: reproducible from corpus/generate.py, and its gold files consistent with its PDFs."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import pymupdf
import pytest

from litextract.gold import Gold, gold_files, load_gold
from litextract.text import title_key
from litextract.vocab import vocabulary

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
GOLDS = gold_files(CORPUS)


def test_the_corpus_has_papers_with_gold_and_one_without_deep_learning() -> None:
    pdfs = sorted(CORPUS.glob("*.pdf"))
    assert len(pdfs) >= 6
    assert [p.name.removesuffix(".gold.json") for p in GOLDS] == [p.stem for p in pdfs]
    assert [load_gold(g).uses_deep_learning for g in GOLDS].count(False) >= 1


def _generate(out: Path) -> None:
    subprocess.run([sys.executable, str(CORPUS / "generate.py"), "--out", str(out)], check=True, capture_output=True)


def test_generate_is_deterministic_and_matches_the_committed_corpus(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    _generate(first)
    _generate(second)
    names = sorted(p.name for p in first.iterdir())
    assert names == sorted(p.name for p in CORPUS.iterdir() if p.suffix in {".pdf", ".json"})
    for name in names:
        assert (first / name).read_bytes() == (second / name).read_bytes(), f"{name}: not reproducible"
    for gold in GOLDS:  # the content is what is committed (the PDF bytes may differ with the PyMuPDF version)
        fresh = load_gold(first / gold.name).model_dump(exclude={"sha256"})
        assert fresh == load_gold(gold).model_dump(exclude={"sha256"}), f"{gold.name}: re-run generate.py"
    with pymupdf.open(CORPUS / next(n for n in names if n.endswith(".pdf"))) as doc:
        if doc.metadata["producer"] == f"PyMuPDF {pymupdf.__version__}":
            for name in names:
                assert (first / name).read_bytes() == (CORPUS / name).read_bytes(), f"{name}: re-run generate.py"


@pytest.mark.parametrize("path", GOLDS, ids=lambda p: p.name)
def test_gold_is_consistent_and_uses_canonical_names(path: Path) -> None:
    gold = load_gold(path)
    vocab = vocabulary()
    assert gold.file == path.name.replace(".gold.json", ".pdf")
    assert gold.sha256 == hashlib.sha256((CORPUS / gold.file).read_bytes()).hexdigest()
    models = {m.name for m in gold.models}
    for r in gold.results:
        assert r.model in models and gold.dataset(r.dataset) is not None, r
        entry = vocab.lookup("metric", r.metric)
        assert entry is not None and entry.name == r.metric, f"{r.metric} is not a canonical metric"
        if entry.attrs.get("kind") == "fraction":
            assert 0 <= r.value <= 1, r
    for d in gold.datasets:
        assert vocab.canonical("dataset", d.name) == d.name, f"use the vocabulary's name for {d.name}"
        assert vocab.canonical("modality", d.modality) == d.modality
    for m in gold.models:
        assert vocab.canonical("backbone", m.backbone) == m.backbone


def _cells(pdf: Path) -> set[str]:
    with pymupdf.open(pdf) as doc:
        return {c for page in doc for t in page.find_tables().tables for row in t.extract() for c in row if c}


@pytest.mark.parametrize("path", GOLDS, ids=lambda p: p.name)
def test_every_gold_table_value_is_printed_in_a_ruled_table(path: Path) -> None:
    gold: Gold = load_gold(path)
    pdf = CORPUS / gold.file
    cells = _cells(pdf)
    with pymupdf.open(pdf) as doc:
        text = " ".join(page.get_text() for page in doc)
    assert gold.title and title_key(gold.title) in title_key(text)
    for r in gold.results:
        assert r.as_printed in (cells if r.where and r.where.startswith("Table") else " ".join(text.split())), r
