"""Screening and the review's own extraction fields: paper-level decisions of each reviewer (`store.decisions`).

A paper is screened at two stages, title/abstract and then full text: include, exclude with one of the protocol's
exclusion reasons, or maybe. Custom extraction fields (`Protocol.fields`) are filled per paper and reviewer.
Both are decided per work: the versions `dedupe` merged (a preprint and its published paper) are one paper to
screen, under the id of the work's preferred version; a decision made on another version before the merge counts
for the work. What a paper's decisions settle, and when they conflict, is `store.decisions.settled`/`in_conflict`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import duckdb

from litextract.protocol import SCREEN_DECISIONS, SINGLE, STAGES, Protocol, ProtocolError
from litextract.store import transaction
from litextract.store.decisions import (
    Decision,
    by_item,
    decide,
    decided_by,
    describe,
    in_conflict,
    latest,
    load,
    settled,
    summary,
    value_text,
    visible,
)
from litextract.store.queries import Row, rows

FLAGS = {  # the extractor's screening flags (`Paper.uses_*`), as hints for bulk decisions
    "not-deep-learning": "uses_deep_learning",
    "not-medical-imaging": "uses_medical_imaging",
}


def stage_subject(stage: str) -> str:
    if stage not in STAGES:
        raise ProtocolError(f"stage {stage!r}: use {' or '.join(STAGES)}")
    return f"screening:{stage}"


def field_subject(name: str) -> str:
    return f"field:{name}"


def works(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """The work id of every stored paper (its own id unless `dedupe` merged it into another's work)."""
    found = con.execute(
        "SELECT p.paper_id, coalesce(w.work_id, p.paper_id) FROM papers p LEFT JOIN works w USING (paper_id)"
    )
    return dict(found.fetchall())


def screen(
    con: duckdb.DuckDBPyConnection,
    paper_ids: Iterable[str],
    stage: str,
    decision: str,
    reviewer: str,
    *,
    reason: str | None = None,
    consensus: bool = False,
    protocol: Protocol = SINGLE,
) -> list[str]:
    """Record `reviewer`'s screening decision on each paper (as its work) in one transaction; returns the works
    whose decision changed (the same decision again writes nothing)."""
    subject = stage_subject(stage)
    if decision not in SCREEN_DECISIONS:
        raise ProtocolError(f"decision {decision!r}: use {', '.join(SCREEN_DECISIONS)}")
    if decision == "exclude":
        reason = protocol.reason(reason)
    elif reason:
        raise ProtocolError(f"a reason is given only to exclude a paper, not to {decision} it")
    work_of = works(con)
    changed = []
    with transaction(con):
        for pid in dict.fromkeys(paper_ids):
            if pid not in work_of:
                raise ProtocolError(f"no paper with id {pid}")
            work = work_of[pid]
            d = Decision(subject, work, work, reviewer, decision, consensus, reason)
            if decide(con, d, protocol, _previous(con, d), summary(d)):
                changed.append(work)
    return changed


def set_field(
    con: duckdb.DuckDBPyConnection,
    paper_id: str,
    name: str,
    value: Any,
    reviewer: str,
    *,
    consensus: bool = False,
    protocol: Protocol = SINGLE,
) -> bool:
    """Record `reviewer`'s value of the custom field `name` for the paper (None clears it); False when unchanged."""
    field = protocol.field(name)
    work = works(con).get(paper_id)
    if work is None:
        raise ProtocolError(f"no paper with id {paper_id}")
    d = Decision(field_subject(name), work, work, reviewer, "set", consensus, None, field.coerce(value))
    with transaction(con):
        return decide(con, d, protocol, _previous(con, d), summary(d))


def _previous(con: duckdb.DuckDBPyConnection, d: Decision) -> dict[str, Any]:
    mine = [x for x in load(con, [d.subject], [d.item_id]) if (x.reviewer, x.consensus) == (d.reviewer, d.consensus)]
    return summary(mine[0]) if mine else {}


def paper_decisions(con: duckdb.DuckDBPyConnection) -> dict[tuple[str, str], list[Decision]]:
    """The screening and custom-field decisions by (subject, work id): a decision made on another version of a
    work counts for the work (the latest per reviewer when there are several)."""
    work_of = works(con)
    found = [d for d in load(con) if d.subject.startswith(("screening:", "field:")) and d.item_id in work_of]
    keep: dict[tuple[str, str, str, bool], Decision] = {}
    for d in found:
        work = work_of[d.item_id]
        key = (d.subject, work, d.reviewer, d.consensus)
        moved = Decision(
            d.subject, work, work, d.reviewer, d.decision, d.consensus, d.reason, d.value, d.changed, d.decided_at
        )
        keep[key] = latest([keep[key], moved]) if key in keep else moved
    return by_item(keep.values())


def state(decisions: list[Decision], protocol: Protocol) -> tuple[Decision | None, str]:
    """What an item's decisions settle, and a word for the item: the decision, 'conflict', 'pending' (two reviewers
    required, one decided) or '' (nobody decided)."""
    found = settled(decisions, protocol)
    if found is not None:
        return found, found.decision
    if in_conflict(decisions):
        return None, "conflict"
    return None, "pending" if decisions else ""


def column(stage: str) -> str:
    """The column name of a stage's decision in tables and CSVs: abstract_screening, full_text_screening."""
    return f"{stage.replace('-', '_')}_screening"


def screening_table(
    con: duckdb.DuckDBPyConnection, protocol: Protocol = SINGLE, reviewer: str | None = None
) -> list[Row]:
    """One row per work: header, the extractor's flags (hints), and for each stage what is settled (`<stage>`,
    `<stage>_reason`, `<stage>_by`), the reviewer's own decision (`<stage>_mine`) and the others' (`<stage>_others`,
    empty while blind review hides them)."""
    papers = rows(
        con,
        "SELECT p.paper_id, p.title, p.authors, p.year, p.venue, p.file, p.uses_deep_learning, p.uses_medical_imaging"
        " FROM reviewed_papers p LEFT JOIN works w USING (paper_id)"
        " WHERE coalesce(w.work_id, p.paper_id) = p.paper_id"
        " ORDER BY p.year DESC NULLS LAST, p.title, p.paper_id",
    )
    decided = paper_decisions(con)
    for paper in papers:
        for stage in STAGES:
            found = decided.get((stage_subject(stage), paper["paper_id"]), [])
            settled_one, word = state(found, protocol)
            name = column(stage)
            mine = [d for d in found if d.reviewer == reviewer and not d.consensus]
            others = [d for d in found if d.reviewer != reviewer or d.consensus] if visible(found, protocol) else []
            paper[name] = word
            paper[f"{name}_reason"] = settled_one.reason if settled_one else None
            paper[f"{name}_by"] = decided_by(settled_one, found) if settled_one else None
            paper[f"{name}_mine"] = describe(mine[0]) if mine else None
            paper[f"{name}_others"] = "; ".join(f"{d.reviewer}: {describe(d)}" for d in others) or None
    return papers


def to_screen(table: list[Row], stage: str, reviewer: str, protocol: Protocol = SINGLE) -> list[Row]:
    """The rows of `screening_table` (built for `reviewer`) still to screen at `stage` by this reviewer: not decided
    by them, not settled (with one reviewer: by anyone); at full text, only papers included at title/abstract."""
    name = column(stage)
    out = []
    for row in table:
        if stage == "full-text" and row[column("abstract")] != "include":
            continue
        if row[f"{name}_mine"] is not None or row[name] in ("include", "exclude", "maybe", "conflict"):
            continue
        out.append(row)
    return out


def flagged(con: duckdb.DuckDBPyConnection, flag: str) -> list[str]:
    """The works the extractor flagged (`FLAGS`: not deep learning, not medical imaging)."""
    if flag not in FLAGS:
        raise ProtocolError(f"flag {flag!r}: use {', '.join(FLAGS)}")
    found = con.execute(
        f"SELECT p.paper_id FROM reviewed_papers p LEFT JOIN works w USING (paper_id)"
        f" WHERE coalesce(w.work_id, p.paper_id) = p.paper_id AND p.{FLAGS[flag]} = FALSE ORDER BY p.file"
    )
    return [r[0] for r in found.fetchall()]


def review_columns(con: duckdb.DuckDBPyConnection, protocol: Protocol = SINGLE) -> dict[str, Row]:
    """Per work, the settled screening decisions and custom-field values with who decided them, as the columns
    `review_column_names` lists (for papers.csv)."""
    decided = paper_decisions(con)
    out: dict[str, Row] = {}
    for work in works(con).values():
        row: Row = {}
        for stage in STAGES:
            found = decided.get((stage_subject(stage), work), [])
            d, word = state(found, protocol)
            name = column(stage)
            row |= {name: word or None, f"{name}_reason": d and d.reason, f"{name}_by": d and decided_by(d, found)}
        for field in protocol.fields:
            found = decided.get((field_subject(field.name), work), [])
            d, word = state(found, protocol)
            row[field.name] = d.value if d else ("conflict" if word == "conflict" else None)
            row[f"{field.name}_by"] = decided_by(d, found) if d else None
        out[work] = row
    return out


def review_column_names(protocol: Protocol = SINGLE) -> list[str]:
    names = [f"{column(s)}{suffix}" for s in STAGES for suffix in ("", "_reason", "_by")]
    return names + [f"{f.name}{suffix}" for f in protocol.fields for suffix in ("", "_by")]


def field_values(
    con: duckdb.DuckDBPyConnection, paper_id: str, protocol: Protocol = SINGLE, reviewer: str | None = None
) -> list[Row]:
    """The custom fields of one paper: the settled value, the reviewer's own, the others' (unless blind hides
    them)."""
    work = works(con).get(paper_id, paper_id)
    decided = paper_decisions(con)
    out = []
    for field in protocol.fields:
        found = decided.get((field_subject(field.name), work), [])
        d, word = state(found, protocol)
        mine = [x for x in found if x.reviewer == reviewer and not x.consensus]
        others = [x for x in found if x.reviewer != reviewer or x.consensus] if visible(found, protocol) else []
        out.append(
            {
                "field": field.name,
                "type": field.type,
                "value": value_text(d.value) if d else word,
                "mine": value_text(mine[0].value) if mine else None,
                "others": "; ".join(f"{x.reviewer}: {describe(x)}" for x in others) or None,
                "decided_by": decided_by(d, found) if d else None,
            }
        )
    return out


def abstract(document_json: str | None) -> tuple[str | None, str]:
    """A paper's abstract from its stored document and where it comes from: the parser's header (GROBID), else the
    first page's text from 'Abstract' to the introduction."""
    if not document_json:
        return None, ""
    from litextract.document import Document
    from litextract.extract.offline_text import abstract_end, sentences

    doc = Document.model_validate_json(document_json)
    if doc.header.abstract:
        return doc.header.abstract, doc.field_sources.get("abstract", doc.parser)
    sents = sentences(doc)
    text = " ".join(s.text for s in sents[: abstract_end(sents)])
    m = re.search(r"\babstract\b[\s.:—-]*", text, re.I)
    return (text[m.end() :] if m else text) or None, "first page"
