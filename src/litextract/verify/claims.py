"""What a paper claims about an architecture: parameter counts, FLOPs, input sizes, latency and throughput.

Pure functions over the stored `Document`. A claim is tied to a backbone (its `subject`) only when the
paper names that backbone close before the number (`NEAR` characters, same page) with nothing in between
or in the sentence that says the number is about something else: a part of the network ("block", "head",
"encoder", "trainable"...), another model ("our", "proposed", "than", "compared") or a list ("respectively").
In a table, the row's first cell must be the backbone's name. Claims with no subject are still returned.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import cache
from typing import Literal

from litextract.document import Document, Table
from litextract.text import key
from litextract.vocab import vocabulary

ClaimKind = Literal["params", "flops", "input_size", "latency", "throughput"]
NEAR = 200

_NUM = r"(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)"
_SCALE = {"k": 1e3, "thousand": 1e3, "m": 1e6, "million": 1e6, "b": 1e9, "billion": 1e9, "g": 1e9, "t": 1e12}
_PARAMS_WORD = r"(?:param(?:-\s)?eters|params)\b"
_PARAMS_AFTER = re.compile(
    _NUM
    + r"\s*(k|thousand|m|million|b|billion)?\s*(?:trainable\s+|learnable\s+|network\s+|model\s+)?"
    + _PARAMS_WORD,
    re.I,
)
_PARAMS_BEFORE = re.compile(
    r"(?:#\s*)?"
    + _PARAMS_WORD
    + r"\s*(?:of|:|=|is|are|was|were|count)?\s*(?:about|approximately|around|only|~|≈)?\s*"
    + _NUM
    + r"\s*(k|thousand|m|million|b|billion)?(?!\w)",
    re.I,
)
_FLOPS = re.compile(_NUM + r"\s*(k|m|g|b|t)?\s*(flops|macs|mult-adds|madds)\b", re.I)
_FLOPS_UNIT = re.compile(_NUM + r"\s*(m|g|t)(flops|macs)\b", re.I)
_LATENCY = re.compile(
    r"(?:inference|latency|segmentation time|processing time|run\s?time|prediction time|per image|per scan)"
    r"[^.;]{0,60}?" + _NUM + r"\s*(ms|milliseconds?|s|sec|seconds?)\b",
    re.I,
)
_THROUGHPUT = re.compile(_NUM + r"\s*(fps|frames per second|images per second|images/s|img/s)\b", re.I)
_SIZE = re.compile(r"(?<![\d.])(\d{2,4})\s*[×xX]\s*(\d{2,4})(?:\s*[×xX]\s*(\d{1,4}))?(?![\d.])")
_SIZE_CONTEXT = re.compile(r"input|resiz|rescal|image size|crop|patch|pixels|voxels|resolution", re.I)
_NOT_WHOLE = re.compile(
    r"respectively|\bthan\b|compared|versus|\bvs\b|\bwhile\b|\bour\b|proposed|\bblocks?\b|\blayers?\b|\bheads?\b"
    r"|\bstages?\b|frozen|encoder|decoder|branch|module|adapter|\bLoRA\b",
    re.I,
)
_GPU = re.compile(
    r"(?:NVIDIA\s+)?(?:GeForce\s+|Tesla\s+|Quadro\s+)?(?:RTX|GTX|TITAN|Titan|A100|V100|H100|P100|A6000|A40|T4\b|K80"
    r"|Jetson)[\w\- ]{0,14}"
)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z(])")


@dataclass(frozen=True)
class Claim:
    """One number a paper prints about a network, with the page and text it was read from."""

    kind: ClaimKind
    value: float  # params: count; flops: operations as printed (FLOPs or MACs); latency: ms; throughput: per s
    unit: str
    as_printed: str
    page: int
    quote: str
    subject: str | None = None  # canonical backbone the number is about, when the paper says so
    size: tuple[int, ...] | None = None  # input_size only
    hardware: str | None = None  # the GPU named in the same sentence, when one is


def number(text: str, scale: str | None = None) -> float:
    """'25.6' + 'M' → 25.6e6; '27,794,320' → 27794320."""
    value = float(text.replace(",", ""))
    return value * _SCALE.get((scale or "").casefold(), 1.0)


@cache
def _mention_pattern() -> re.Pattern[str]:
    forms = sorted(
        {form for entry in vocabulary().entries("backbone") for form in entry.forms if len(key(form)) >= 3},
        key=len,
        reverse=True,
    )
    alternatives = "|".join(r"[\s\-_]*".join(map(re.escape, re.findall(r"[A-Za-z0-9]+", f))) for f in forms)
    return re.compile(rf"(?<![A-Za-z0-9])(?:{alternatives})(?!-?[A-Za-z0-9])", re.I)


def mentions(text: str) -> list[tuple[int, int, str]]:
    """(start, end, canonical name) of every backbone the vocabulary knows, as named in `text`."""
    found = []
    for m in _mention_pattern().finditer(text):
        entry = vocabulary().lookup("backbone", m.group(0))
        if entry is not None:
            found.append((m.start(), m.end(), entry.name))
    return found


def _sentence(text: str, start: int, end: int) -> str:
    left = max((m.end() for m in _SENTENCE_END.finditer(text, 0, start)), default=0)
    right = next((m.start() for m in _SENTENCE_END.finditer(text, end)), len(text))
    return text[left:right].strip()


def _subject(text: str, start: int, named: list[tuple[int, int, str]], sentence: str) -> str | None:
    before = [m for m in named if m[1] <= start and start - m[1] <= NEAR]
    if not before or _NOT_WHOLE.search(sentence):
        return None
    _, m_end, name = before[-1]
    return None if _NOT_WHOLE.search(text[m_end:start]) else name


def _hardware(sentence: str) -> str | None:
    match = _GPU.search(sentence)
    return match.group(0).strip() if match else None


def _text_claims(text: str, page: int) -> list[Claim]:
    named = mentions(text)
    claims: list[Claim] = []

    def add(
        kind: ClaimKind, match: re.Match[str], value: float, unit: str, size: tuple[int, ...] | None = None
    ) -> None:
        sentence = _sentence(text, match.start(), match.end())
        subject = _subject(text, match.start(), named, sentence)
        claims.append(Claim(kind, value, unit, match.group(0), page, sentence, subject, size, _hardware(sentence)))

    for pattern in (_PARAMS_AFTER, _PARAMS_BEFORE):
        for m in pattern.finditer(text):
            value = number(m.group(1), m.group(2))
            if value >= 1000:
                add("params", m, value, "parameters")
    for m in _FLOPS.finditer(text):
        add("flops", m, number(m.group(1), m.group(2)), m.group(3).upper().replace("FLOPS", "FLOPs"))
    for m in _FLOPS_UNIT.finditer(text):
        add("flops", m, number(m.group(1), m.group(2)), m.group(3).upper().replace("FLOPS", "FLOPs"))
    for m in _LATENCY.finditer(text):
        value = number(m.group(1))
        add("latency", m, value if m.group(2).casefold().startswith("m") else value * 1000, "ms")
    for m in _THROUGHPUT.finditer(text):
        add("throughput", m, number(m.group(1)), "per s")
    for m in _SIZE.finditer(text):
        sides = [int(g) for g in m.groups() if g]
        if len(sides) == 3 and sides[2] <= 4:  # 224×224×3: the last number is the channels
            sides = sides[:2]
        if (
            all(16 <= s <= 4096 for s in sides)
            and max(sides) <= 4 * min(sides)
            and _SIZE_CONTEXT.search(_sentence(text, m.start(), m.end()))
        ):
            add("input_size", m, float(sides[0]), "pixels" if len(sides) == 2 else "voxels", tuple(sides))
    return claims


_HEADER_UNIT = re.compile(r"\(\s*(k|m|g|b|ms|s)\s*\)", re.I)


def _table_claims(table: Table) -> list[Claim]:
    if len(table.rows) < 2:
        return []
    header = [c or "" for c in table.rows[0]]
    columns: list[tuple[int, ClaimKind, str]] = []
    for i, cell in enumerate(header):
        in_header = _HEADER_UNIT.search(cell)
        scale = in_header.group(1) if in_header else ""
        if re.search(r"param", cell, re.I):
            columns.append((i, "params", scale))
        elif re.search(r"\b(?:[gmt]?flops?|[gm]?macs?)\b", cell, re.I):
            columns.append((i, "flops", scale))
    claims = []
    for row in table.rows[1:]:
        label = re.sub(r"\[[^\]]*\]|\([^)]*\)", "", row[0] if row else "").strip()
        entry = vocabulary().lookup("backbone", label)
        for i, kind, scale in columns:
            cell = row[i] if i < len(row) else ""
            found = re.match(r"\s*" + _NUM + r"\s*(k|m|g|b)?(?![\w.%])", cell or "", re.I)
            if not found:
                continue
            value = number(found.group(1), found.group(2) or scale)
            quote = " | ".join(c or "" for c in row)
            unit = "parameters" if kind == "params" else "FLOPs"
            claims.append(Claim(kind, value, unit, cell, table.page, quote, entry.name if entry else None))
    return claims


def find_claims(doc: Document) -> list[Claim]:
    """Every parameter count, FLOPs figure, input size, latency and throughput the paper prints."""
    claims: list[Claim] = []
    for page in doc.pages:
        claims.extend(_text_claims(" ".join(page.text.split()), page.number))
    for table in doc.tables:
        claims.extend(_table_claims(table))
    return claims


def about(claims: list[Claim], backbone: str, kind: ClaimKind) -> list[Claim]:
    """The claims of this kind whose subject is `backbone` (a canonical name), without repeats."""
    seen: set[tuple[float, int]] = set()
    found = []
    for c in claims:
        if c.kind == kind and c.subject == backbone and (c.value, c.page) not in seen:
            seen.add((c.value, c.page))
            found.append(c)
    return found


def input_size(claims: list[Claim], dims: tuple[int, ...]) -> tuple[int, ...] | None:
    """The input size the paper states most often, of the first of `dims` (a network's preferred) it states."""
    for d in dims:
        sizes = Counter(c.size for c in claims if c.kind == "input_size" and c.size and len(c.size) == d)
        if sizes:
            return sizes.most_common(1)[0][0]
    return None
