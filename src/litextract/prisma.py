"""The PRISMA 2020 flow of the review, counted from the database, and its flow diagram as SVG.

Every record identified ends in exactly one final box, so the counts add up by construction:

    identified = duplicates removed + screened
    screened   = excluded at title/abstract + awaiting screening + sought for retrieval
    sought     = not retrieved + assessed for eligibility
    assessed   = excluded at full text + awaiting assessment + included

Records identified are the entries of the imported reference-manager libraries (`litextract ingest --library`)
and the stored papers no entry brought in (each distinct PDF file). Duplicates removed are the entries a library
import found to be another entry's paper, and the versions `dedupe` merged into another paper's work (a preprint of
a published paper, the same DOI twice). Each work then goes where its settled screening decisions
(`store.decisions.settled`, per the protocol's reviewers) send it: excluded at title/abstract (with the reason),
awaiting screening (nobody decided yet, maybe, or reviewers disagree), or sought for retrieval (included at
title/abstract, or decided at full text), and then assessed: excluded at full text (with the reason), awaiting
assessment, or included. A library entry without a PDF to read (none attached, the file missing or unreadable)
cannot be screened here: it counts as sought for retrieval and not retrieved.
"""

from __future__ import annotations

import textwrap
from collections import Counter
from dataclasses import dataclass, field
from html import escape
from typing import Any

import duckdb

from litextract.protocol import SINGLE, Protocol
from litextract.store import screening
from litextract.store.decisions import Decision, settled
from litextract.store.queries import has_table, rows

FINAL_BOXES = (
    "duplicates",
    "excluded_abstract",
    "awaiting_abstract",
    "not_retrieved",
    "excluded_full_text",
    "awaiting_full_text",
    "included",
)


@dataclass
class Flow:
    """Which record is in which final box, and the reasons of the exclusions."""

    boxes: dict[str, list[str]] = field(default_factory=lambda: {b: [] for b in FINAL_BOXES})
    reasons: dict[str, Counter[str]] = field(
        default_factory=lambda: {"excluded_abstract": Counter(), "excluded_full_text": Counter()}
    )
    sources: dict[str, int] = field(default_factory=dict)  # records identified, per source

    def n(self, box: str) -> int:
        return len(self.boxes[box])

    def counts(self) -> dict[str, Any]:
        b = {name: self.n(name) for name in FINAL_BOXES}
        assessed = b["excluded_full_text"] + b["awaiting_full_text"] + b["included"]
        sought = b["not_retrieved"] + assessed
        screened = b["excluded_abstract"] + b["awaiting_abstract"] + sought
        return {
            "identified": screened + b["duplicates"],
            "identified_by_source": dict(self.sources),
            "duplicates_removed": b["duplicates"],
            "screened": screened,
            "excluded_abstract": b["excluded_abstract"],
            "excluded_abstract_reasons": dict(self.reasons["excluded_abstract"].most_common()),
            "awaiting_screening": b["awaiting_abstract"],
            "sought_for_retrieval": sought,
            "not_retrieved": b["not_retrieved"],
            "assessed_for_eligibility": assessed,
            "excluded_full_text": b["excluded_full_text"],
            "excluded_full_text_reasons": dict(self.reasons["excluded_full_text"].most_common()),
            "awaiting_assessment": b["awaiting_full_text"],
            "included": b["included"],
        }


def flow(con: duckdb.DuckDBPyConnection, protocol: Protocol = SINGLE) -> Flow:
    """The PRISMA flow of what the database holds (see the module's doc)."""
    out = Flow()
    work_of = screening.works(con)
    entries = _library_entries(con)
    record_of = {e["paper_id"]: _entry_key(e) for e in entries if e["status"] == "ingested" and e["paper_id"]}
    out.sources["PDF files"] = sum(1 for pid in work_of if pid not in record_of)
    if entries:
        out.sources["library entries"] = len(entries)
    decided = screening.paper_decisions(con)
    for paper_id, work in sorted(work_of.items()):
        record = record_of.get(paper_id, paper_id)
        if paper_id != work:
            out.boxes["duplicates"].append(record)
            continue
        abstract = _settled(decided, "abstract", work, protocol)
        full_text = _settled(decided, "full-text", work, protocol)
        _place(out, record, abstract, full_text, retrieved=True)
    for entry in entries:
        key = _entry_key(entry)
        if record_of.get(entry["paper_id"]) == key and entry["paper_id"] in work_of:
            continue  # counted with its paper above
        if entry["status"] == "duplicate":
            out.boxes["duplicates"].append(key)
        else:  # no PDF to read (none attached, the file missing, unreadable): sought, not retrieved
            out.boxes["not_retrieved"].append(key)
    return out


def _library_entries(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """The entries of imported reference-manager libraries (`litextract ingest --library`), when this database
    has them: status ingested | duplicate | no attachment | attachment missing | failed, and the paper ingested."""
    if not has_table(con, "library_entries"):
        return []
    return rows(con, "SELECT library, entry, status, paper_id FROM library_entries ORDER BY library, entry")


def _entry_key(entry: dict[str, Any]) -> str:
    return f"{entry['library']}#{entry['entry']}"


def _settled(
    decided: dict[tuple[str, str], list[Decision]], stage: str, work: str, protocol: Protocol
) -> Decision | None:
    return settled(decided.get((screening.stage_subject(stage), work), []), protocol)


def _place(out: Flow, item: str, abstract: Decision | None, full_text: Decision | None, retrieved: bool) -> None:
    """Put one record after duplicate removal in its final box."""
    if abstract is not None and abstract.decision == "exclude":
        out.boxes["excluded_abstract"].append(item)
        out.reasons["excluded_abstract"][abstract.reason or "no reason"] += 1
        return
    assessed = full_text is not None and full_text.decision in ("include", "exclude")
    if not (abstract is not None and abstract.decision == "include") and not assessed:
        out.boxes["awaiting_abstract"].append(item)
    elif not retrieved:
        out.boxes["not_retrieved"].append(item)
    elif full_text is not None and full_text.decision == "exclude":
        out.boxes["excluded_full_text"].append(item)
        out.reasons["excluded_full_text"][full_text.reason or "no reason"] += 1
    elif full_text is not None and full_text.decision == "include":
        out.boxes["included"].append(item)
    else:
        out.boxes["awaiting_full_text"].append(item)


# --- the PRISMA 2020 flow diagram (the template for new reviews of databases and registers), hand-built SVG

_W, _BOX_W, _SIDE_W, _LINE, _PAD, _GAP = 760, 300, 330, 17, 10, 34
_MAIN_X, _SIDE_X = 70, 410


def _lines(*parts: tuple[str, int | None] | str) -> list[str]:
    out = []
    for part in parts:
        out.append(part if isinstance(part, str) else f"{part[0]} (n = {part[1]})")
    return out


def _reasons(reasons: dict[str, int]) -> list[str]:
    return [f"  {reason} (n = {n})" for reason, n in reasons.items()]


def svg(counts: dict[str, Any], title: str = "PRISMA 2020 flow diagram") -> str:
    """The flow diagram of `Flow.counts()` as a standalone SVG document."""
    c = counts
    rows = [
        (
            "Identification",
            _lines("Records identified from:", *((f"  {s}", n) for s, n in c["identified_by_source"].items())),
            _lines("Records removed before screening:", ("  Duplicate records removed", c["duplicates_removed"])),
        ),
        (
            "Screening",
            _lines(("Records screened", c["screened"])),
            _lines(("Records excluded", c["excluded_abstract"]), *_reasons(c["excluded_abstract_reasons"]))
            + _lines(("Records awaiting screening", c["awaiting_screening"])),
        ),
        (
            "Screening",
            _lines(("Reports sought for retrieval", c["sought_for_retrieval"])),
            _lines(("Reports not retrieved", c["not_retrieved"])),
        ),
        (
            "Screening",
            _lines(("Reports assessed for eligibility", c["assessed_for_eligibility"])),
            _lines(("Reports excluded", c["excluded_full_text"]), *_reasons(c["excluded_full_text_reasons"]))
            + _lines(("Reports awaiting assessment", c["awaiting_assessment"])),
        ),
        (
            "Included",
            _lines(("Studies included in review", c["included"]), ("Reports of included studies", c["included"])),
            [],
        ),
    ]
    body: list[str] = []
    y = 20
    bands: dict[str, list[float]] = {}
    previous_bottom = None
    for stage, main, side in rows:
        main, side = _wrap(main, _BOX_W), _wrap(side, _SIDE_W)
        alone = sum(r[0] == stage for r in rows) == 1  # a stage of one row: tall enough for its rotated name
        height = max(len(main), len(side), 5 if alone else 1) * _LINE + 2 * _PAD
        bands.setdefault(stage, [y, y + height])[1] = y + height
        body.append(_box(_MAIN_X, y, _BOX_W, height, main))
        if side:
            body.append(_box(_SIDE_X, y, _SIDE_W, height, side))
            body.append(_arrow(_MAIN_X + _BOX_W, y + height / 2, _SIDE_X, y + height / 2))
        if previous_bottom is not None:
            body.append(_arrow(_MAIN_X + _BOX_W / 2, previous_bottom, _MAIN_X + _BOX_W / 2, y))
        previous_bottom = y + height
        y += height + _GAP
    for stage, (top, bottom) in bands.items():
        body.insert(0, _band(stage, top, bottom))
    height = y - _GAP + 20
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_W} {height}" width="{_W}" height="{height}"'
        f' role="img" aria-label="{escape(title)}" font-family="Helvetica, Arial, sans-serif" font-size="13">'
        f"<title>{escape(title)}</title>"
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7"'
        ' orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#222"/></marker></defs>'
        '<rect width="100%" height="100%" fill="white"/>' + "".join(body) + "</svg>\n"
    )


def _wrap(lines: list[str], width: float) -> list[str]:
    """Lines that fit a box `width` points wide (about 7 points a character at 13 points); an indented line's
    continuation stays indented."""
    out = []
    for line in lines:
        indent = "  " * line.startswith("  ")
        out += textwrap.wrap(line, int((width - 2 * _PAD) / 7), initial_indent="", subsequent_indent=indent + "  ")
    return out


def _box(x: float, y: float, w: float, h: float, lines: list[str]) -> str:
    text = "".join(
        f'<text x="{x + _PAD + 7 * (len(line) - len(line.lstrip()))}" y="{y + _PAD + (i + 0.8) * _LINE:.1f}">'
        f"{escape(line.strip())}</text>"
        for i, line in enumerate(lines)
    )
    return f'<rect x="{x}" y="{y}" width="{w}" height="{h}" fill="white" stroke="#222"/>{text}'


def _arrow(x1: float, y1: float, x2: float, y2: float) -> str:
    return f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" stroke="#222" marker-end="url(#arrow)"/>'


def _band(stage: str, top: float, bottom: float) -> str:
    middle = (top + bottom) / 2
    return (
        f'<rect x="12" y="{top}" width="34" height="{bottom - top}" rx="4" fill="#a9c7e8"/>'
        f'<text x="29" y="{middle}" transform="rotate(-90 29 {middle})" text-anchor="middle"'
        f' dominant-baseline="middle" font-weight="bold">{escape(stage)}</text>'
    )
