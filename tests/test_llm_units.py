"""The LLM extractor's parts that need no server: chunking, the reply cache, Retry-After, prices, modes, checks."""

from __future__ import annotations

from pathlib import Path

import instructor
import pytest
from pydantic import ValidationError

from litextract.document import Block, Document, Page, Table
from litextract.extract.llm import LLMExtractor, api_key, resolve_mode, retry_after
from litextract.extract.llm_cache import ReplyCache, cache_key, schema_hash
from litextract.extract.llm_chunks import chunk_document, estimate_tokens
from litextract.extract.llm_response import LLMExtraction, LLMResult
from litextract.extract.offline_text import body_pages
from litextract.parse.pymupdf_parser import PyMuPDFParser
from litextract.settings import Settings
from litextract.store.llm_calls import price_of
from litextract.text import sha256

from conftest import shared_path


def doc_of(pages: list[Page], tables: list[Table] | None = None) -> Document:
    return Document(file="p.pdf", path="p.pdf", sha256="0" * 64, n_pages=len(pages), pages=pages, tables=tables or [])


def test_whole_pages_are_packed_in_order_with_page_markers() -> None:
    pages = [Page(number=n, text=f"Text of page {n}. " * 40) for n in range(1, 6)]
    chunks = chunk_document(doc_of(pages), max_tokens=600)  # about two pages per chunk
    assert [c.pages for c in chunks] == [(1, 2), (3, 4), (5,)]
    assert all(c.tokens <= 600 for c in chunks)
    assert chunks[0].text.startswith("=== page 1 ===\nText of page 1.") and "=== page 2 ===" in chunks[0].text
    assert chunks[1].page_range == "3-4"


def test_a_long_page_is_split_between_blocks_but_a_table_stays_whole() -> None:
    prose = [
        Block(text=f"Paragraph {i}. " + "words " * 60, bbox=(50, 50 + 60 * i, 550, 100 + 60 * i)) for i in range(4)
    ]
    rows_ = [Block(text=f"Model{i} 0.9{i} 0.8{i}", bbox=(50, 400 + 10 * i, 550, 408 + 10 * i)) for i in range(12)]
    blocks = prose[:2] + rows_ + prose[2:]
    page = Page(number=3, text="\n".join(b.text for b in blocks), blocks=blocks)
    table = Table(page=3, rows=[["Model", "AUC", "F1"]], bbox=(40, 395, 560, 530))
    chunks = chunk_document(doc_of([Page(number=1, text="Title"), Page(number=2, text=""), page], [table]), 200)
    holding = [c for c in chunks if "Model0" in c.text]
    assert len(holding) == 1 and all(f"Model{i} " in holding[0].text for i in range(12))
    assert all(c.tokens <= 200 for c in chunks)
    assert all(c.text.startswith("=== page") for c in chunks)
    assert not any("=== page 2 ===" in c.text for c in chunks)  # an empty page is not sent


def test_real_papers_chunk_within_the_limit_and_keep_all_text() -> None:
    folder = shared_path("corpus-real")
    for path in sorted(folder.glob("*.pdf"))[:3]:
        data = path.read_bytes()
        doc = PyMuPDFParser(tables=False).parse(path, data, sha256(data))
        chunks = chunk_document(doc, 2_000)
        assert all(c.tokens <= 2_000 for c in chunks), path.name
        sent = "".join(c.text for c in chunks).split()
        body = " ".join(text for _, text in body_pages(doc)).split()
        assert len(body) <= len(sent) < len(body) + 8 * len(doc.pages), path.name  # the body, with page markers


def test_cache_key_changes_with_prompt_model_text_and_schema(tmp_path: Path) -> None:
    base = cache_key("extract_v1", "m", "text", "s")
    assert (
        len(
            {
                base,
                cache_key("extract_v2", "m", "text", "s"),
                cache_key("extract_v1", "m2", "text", "s"),
                cache_key("extract_v1", "m", "text.", "s"),
                cache_key("extract_v1", "m", "text", "s2"),
            }
        )
        == 5
    )
    cache = ReplyCache(tmp_path)
    assert cache.get(base, LLMExtraction) is None
    reply = LLMExtraction.model_validate(
        {"datasets": [{"name": "LIDC-IDRI", "page": 2, "quote": "the LIDC-IDRI set"}]}
    )
    cache.put(base, reply, 120, 30)
    hit = cache.get(base, LLMExtraction)
    assert hit is not None and (hit.reply, hit.prompt_tokens, hit.completion_tokens) == (reply, 120, 30)
    next(tmp_path.rglob("*.json")).write_text("{damaged")
    assert cache.get(base, LLMExtraction) is None  # a damaged entry is a miss
    assert schema_hash(LLMExtraction) != schema_hash(LLMResult)


@pytest.mark.parametrize(
    ("value", "printed", "ok"),
    [
        (0.912, "91.2%", True),
        (91.2, "91.2", True),
        (0.912, "0.912", True),
        (4.3, "4.3 mm", True),
        (0.95, "91.2%", False),
        (0.5, "0.912", False),
    ],
)
def test_result_value_must_match_the_printed_number(value: float, printed: str, ok: bool) -> None:
    data = {"model": "M", "metric": "auc", "value": value, "as_printed": printed, "page": 1, "quote": "q q q"}
    if ok:
        LLMResult.model_validate(data)
    else:
        with pytest.raises(ValidationError, match="does not match"):
            LLMResult.model_validate(data)


def test_quote_and_page_are_required() -> None:
    with pytest.raises(ValidationError):
        LLMExtraction.model_validate({"models": [{"name": "U-Net"}]})


def test_retry_after_headers() -> None:
    assert retry_after({"retry-after": "2"}) == 2.0
    assert retry_after({"retry-after-ms": "250", "retry-after": "9"}) == 0.25
    assert retry_after({"retry-after": "Wed, 21 Oct 2015 07:28:00 GMT"}) == 0.0  # a date in the past
    assert retry_after({}) is None and retry_after({"retry-after": "soon"}) is None


def test_price_lookup_by_longest_prefix() -> None:
    prices = {"gpt-4o": (2.5, 10.0), "gpt-4o-mini": (0.15, 0.6)}
    assert price_of("gpt-4o-mini-2024-07-18", prices) == (0.15, 0.6)
    assert price_of("gpt-4o", prices) == (2.5, 10.0)
    assert price_of("llama3.1:8b", prices) is None


def test_default_mode_per_provider_and_explicit_mode() -> None:
    assert resolve_mode(Settings(llm_model="gpt-4o-mini")) == instructor.Mode.TOOLS
    assert resolve_mode(Settings(llm_model="m", llm_base_url="http://localhost:11434/v1")) == instructor.Mode.JSON
    assert resolve_mode(Settings(llm_model="m", llm_mode="md_json")) == instructor.Mode.MD_JSON


def test_api_key_from_settings_or_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    assert api_key(Settings(llm_model="m", llm_api_key="sk-a")) == "sk-a"
    monkeypatch.setenv("OPENAI_API_KEY", "sk-env")
    assert api_key(Settings(llm_model="m")) == "sk-env"
    monkeypatch.setenv("LITEXTRACT_LLM_API_KEY", "sk-litextract")
    assert api_key(Settings(llm_model="m")) == "sk-litextract"


def test_unusable_settings_are_recorded_as_the_papers_llm_failure(tmp_path: Path) -> None:
    doc = doc_of([Page(number=1, text="A paper.")])
    cases = [
        Settings(db=tmp_path / "a.duckdb", llm_model="gpt-4o-mini"),  # api.openai.com and no key
        Settings(
            db=tmp_path / "b.duckdb", llm_model="m", llm_base_url="http://127.0.0.1:9/v1", llm_context_tokens=900
        ),
        Settings(db=tmp_path / "c.duckdb", llm_model="m", llm_base_url="http://127.0.0.1:9/v1", llm_mode="xml"),
    ]
    expected = ["no API key", "llm_context_tokens 900 leaves", "llm_mode 'xml'"]
    for settings, reason in zip(cases, expected, strict=True):
        extraction = LLMExtractor(settings).extract(doc)
        assert extraction.results == [] and extraction.llm_calls == []
        assert reason in extraction.warnings["llm"]  # stored by ingest as the paper's error, stage "llm"


def test_token_estimate_is_conservative_for_prose() -> None:
    text = "The proposed network achieved a Dice score of 0.91 on the test set. " * 20
    assert estimate_tokens(text) >= len(text.split())


def test_replies_with_nulls_and_loose_splits_are_read_not_re_asked() -> None:
    result = {"model": "M", "metric": "auc", "value": 0.9, "as_printed": "0.9", "page": 1, "quote": "M: 0.9"}
    reply = LLMExtraction.model_validate(
        {
            "paper": None,
            "datasets": [{"name": "BraTS", "tasks": None, "page": 2, "quote": "the BraTS 2020 data"}],
            "models": None,
            "results": [{**result, "split": s} for s in ("Test set", "5-fold CV", "Cross validation", "train")],
        }
    )
    assert reply.models == [] and reply.datasets[0].tasks == []
    assert [r.split for r in reply.results] == ["test", "cross-validation", "cross-validation", None]
