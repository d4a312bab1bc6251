"""Deduplication: papers that are one work, entity names that are one canonical, records that are one value.

Papers (see docs/dedup.md for every rule and threshold):
  1. same DOI (lower case, resolver prefix dropped);
  2. same arXiv id (version dropped);
  3. title `fuzz.token_sort_ratio` >= TITLE_THRESHOLD after case/accent/punctuation normalisation, the same
     numbers in both titles, the same first-author surname, and years at most one apart (preprint vs published).
  An identifier match whose titles plainly disagree, or a title match without first authors to compare, is
  reported as skipped, never merged. The preferred paper of a work is the published one (journal, then
  conference, then the one with a DOI); every file of every version stays listed as a source.
Entities: stored dataset and backbone names are brought to the current vocabulary, reviewer-confirmed aliases
  included (`normalise.Resolver`), and rows of one paper that became the same record are collapsed into one,
  their other evidence kept in `record_evidence`.
Every merge is logged in `merges` with what it changed, and `undo` puts it back. Records a reviewer accepted,
edited or rejected are never renamed, collapsed or removed.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import duckdb
import idutils
from rapidfuzz import fuzz, process

from litextract.normalise import Resolver, model_canonical, numbers, with_aliases
from litextract.records import Dataset, Extraction, ExtraEvidence, Model
from litextract.store import transaction
from litextract.store.queries import rows
from litextract.vocab import KINDS, Kind, key, vocabulary

SAME_RECORD = "same record"
TITLE_THRESHOLD = 95.0  # token_sort_ratio of normalised titles for the title rule
TITLE_AGREE = 60.0  # token_set_ratio below which two titles sharing a DOI/arXiv id are taken as different papers
YEAR_SLACK = 1  # a preprint and its published version may be a year apart
VENUE_RANK = {"journal": 0, "conference": 1, "book-chapter": 2}  # then thesis/report/unknown 3, preprint 4
ENTITY_COLUMNS: dict[str, list[tuple[str, str]]] = {  # merge kind -> (table, column) holding such names
    "dataset": [("datasets", "name"), ("results", "dataset")],
    "backbone": [("models", "backbone"), ("results", "backbone")],
    # a model named by an architecture spelled otherwise ("U-net"): normalise.model_canonical
    "model": [("models", "name"), ("results", "model")],
}
_MENTION_TABLES = ("datasets", "models")  # tables whose rows keep the name as written in `mention`


class DedupError(ValueError):
    """A dedup action that cannot be done; the message says why."""


# ---------------------------------------------------------------- records of one extraction


@dataclass
class Collapsed:
    extraction: Extraction
    extra: list[ExtraEvidence] = field(default_factory=list)


def collapse(extraction: Extraction) -> Collapsed:
    """Records of one extraction that are the same value (same record key) merged into one.

    The primary is the first one with verified evidence, else the first; its fields win and empty ones are
    filled from the others. The others' evidence is returned in `extra`, for `store.write.save_papers` to keep.
    """
    extra: list[ExtraEvidence] = []
    datasets = _collapse(extraction.datasets, "dataset", extra, _merge_dataset)
    models = _collapse(extraction.models, "model", extra, _merge_model)
    results = _collapse(extraction.results, "result", extra, lambda a, b: a)
    out = extraction.model_copy(update={"datasets": datasets, "models": models, "results": results})
    return Collapsed(out, extra)


def _collapse(items: list[Any], kind: str, extra: list[ExtraEvidence], merge: Any) -> list[Any]:
    groups: dict[str, list[Any]] = {}
    for item in items:
        groups.setdefault(item.key, []).append(item)
    out = []
    for k, group in groups.items():
        primary = next((x for x in group if x.evidence.verified), group[0])
        merged = primary
        for other in group:
            if other is primary:
                continue
            merged = merge(merged, other)
            extra.append(
                ExtraEvidence(kind=kind, key=k, evidence=other.evidence, mention=getattr(other, "mention", None))
            )
        out.append(merged)
    return out


def _fill(a: Any, b: Any, names: Iterable[str]) -> dict[str, Any]:
    return {n: getattr(b, n) for n in names if getattr(a, n) is None and getattr(b, n) is not None}


def _merge_dataset(a: Dataset, b: Dataset) -> Dataset:
    size = a.size.model_copy(update=_fill(a.size, b.size, ("patients", "scans", "images", "slices", "text")))
    update = _fill(a, b, ("mention", "modality", "body_part", "public", "url", "in_vocabulary"))
    role = "used" if "used" in (a.role, b.role) else a.role
    return a.model_copy(update={**update, "size": size, "tasks": sorted({*a.tasks, *b.tasks}), "role": role})


def _merge_model(a: Model, b: Model) -> Model:
    update = _fill(a, b, ("backbone", "task", "pretrained", "mention"))
    return a.model_copy(update={**update, "proposed": a.proposed or b.proposed})


# ---------------------------------------------------------------- aliases and the resolver


def confirm_alias(con: duckdb.DuckDBPyConnection, kind: str, alias: str, canonical: str, reviewer: str) -> None:
    """Store a reviewer's decision that `alias` is `canonical`; `dedupe` and later ingests apply it."""
    if kind not in KINDS:
        raise DedupError(f"unknown kind {kind!r} (one of {', '.join(KINDS)})")
    alias, canonical = alias.strip(), canonical.strip()
    if not alias or not canonical:
        raise DedupError("an alias and its canonical name must both be non-empty")
    con.execute(
        "INSERT OR REPLACE INTO aliases (kind, alias, canonical, confirmed_by) VALUES (?, ?, ?, ?)",
        [kind, alias, canonical, reviewer],
    )


def confirmed_aliases(con: duckdb.DuckDBPyConnection) -> list[tuple[Kind, str, str]]:
    found = con.execute("SELECT kind, alias, canonical FROM aliases ORDER BY confirmed_at").fetchall()
    return [(r[0], r[1], r[2]) for r in found]


def load_resolver(con: duckdb.DuckDBPyConnection) -> Resolver:
    """The packaged vocabulary plus confirmed aliases, minus the name merges a reviewer undid (load once per run)."""
    rejected: list[tuple[Kind, str, str]] = [
        ("backbone" if kind == "model" else kind, member, canonical)  # a model's name is resolved as a backbone
        for kind, canonical, members in con.execute(
            "SELECT kind, canonical, members FROM merges"
            " WHERE undone_at IS NOT NULL AND kind IN ('dataset', 'backbone', 'model') AND rule <> ?",
            [SAME_RECORD],
        ).fetchall()
        for member in members
        if member != canonical
    ]
    return Resolver(with_aliases(vocabulary(), confirmed_aliases(con)), rejected)


# ---------------------------------------------------------------- plans


@dataclass
class Merge:
    """One merge, planned or applied: the kind, what it keeps, what it merges, by which rule and why."""

    kind: str
    canonical: str
    members: list[str]
    rule: str
    score: float | None
    why: str
    detail: dict[str, Any] = field(default_factory=dict)
    merge_id: int | None = None

    def row(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k != "detail"}


@dataclass
class Plan:
    merges: list[Merge] = field(default_factory=list)
    skipped: list[dict[str, Any]] = field(default_factory=list)


# ---------------------------------------------------------------- papers


def norm_doi(doi: str | None) -> str | None:
    if not doi or not idutils.is_doi(doi.strip()):
        return None
    return str(idutils.normalize_doi(doi.strip())).lower()


def norm_arxiv(arxiv_id: str | None) -> str | None:
    if not arxiv_id:
        return None
    text = re.sub(r"^arxiv:\s*", "", arxiv_id.strip(), flags=re.I)
    return re.sub(r"v\d+$", "", text).lower() or None


def norm_title(title: str | None) -> str:
    """Lower case, accents and punctuation dropped, single spaces."""
    text = unicodedata.normalize("NFKD", title or "")
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text).split())


def surname(author: str | None) -> str | None:
    """The family name of 'Given Family' or 'Family, Given', normalised like a title."""
    if not author or not author.strip():
        return None
    name = author.split(",")[0] if "," in author else author.split()[-1]
    return norm_title(name) or None


@dataclass
class _Paper:
    paper_id: str
    title: str
    surname: str | None
    year: int | None
    doi: str | None
    arxiv: str | None
    venue_type: str | None
    ingested_at: Any


def _load_papers(con: duckdb.DuckDBPyConnection) -> list[_Paper]:
    found = rows(
        con,
        "SELECT paper_id, title, authors, year, doi, arxiv_id, venue_type, ingested_at FROM reviewed_papers"
        " ORDER BY paper_id",
    )
    return [
        _Paper(
            r["paper_id"],
            norm_title(r["title"]),
            surname(r["authors"][0]) if r["authors"] else None,
            r["year"],
            norm_doi(r["doi"]),
            norm_arxiv(r["arxiv_id"]),
            r["venue_type"],
            r["ingested_at"],
        )
        for r in found
    ]


def _preference(p: _Paper) -> tuple[Any, ...]:
    """Sort key: published before preprint, a DOI before none, then the earliest ingested."""
    venue = VENUE_RANK.get(p.venue_type or "", 4 if p.venue_type == "preprint" else 3)
    journal_doi = bool(p.doi and not p.doi.startswith("10.48550/"))
    return (venue, not journal_doi, str(p.ingested_at), p.paper_id)


def _titles_agree(a: _Paper, b: _Paper) -> tuple[bool, float]:
    if not a.title or not b.title:
        return True, 0.0
    score = float(fuzz.token_set_ratio(a.title, b.title))
    return score >= TITLE_AGREE, score


def _distinct_ids(a: _Paper, b: _Paper) -> bool:
    """Whether the two carry different identifiers of the same kind (so they are different works)."""
    journal = [p.doi for p in (a, b) if p.doi and not p.doi.startswith("10.48550/")]
    return (len(journal) == 2 and journal[0] != journal[1]) or (bool(a.arxiv and b.arxiv) and a.arxiv != b.arxiv)


def _paper_pairs(papers: list[_Paper], skipped: list[dict[str, Any]]) -> list[tuple[int, int, str, float, str]]:
    """Candidate (i, j, rule, score, why) pairs; rejected near-candidates go to `skipped` with the reason."""
    pairs: list[tuple[int, int, str, float, str]] = []
    seen: set[tuple[int, int]] = set()
    for attr, rule in (("doi", "doi"), ("arxiv", "arxiv")):
        by_id: dict[str, list[int]] = {}
        for i, p in enumerate(papers):
            if getattr(p, attr):
                by_id.setdefault(getattr(p, attr), []).append(i)
        for ident, idx in by_id.items():
            for i in idx[1:]:
                a, b = papers[idx[0]], papers[i]
                agree, tscore = _titles_agree(a, b)
                if not agree:
                    skipped.append(
                        {
                            "kind": "paper",
                            "members": [a.paper_id, b.paper_id],
                            "rule": rule,
                            "reason": f"same {rule} {ident} but titles differ (token_set_ratio {tscore:.0f})",
                        }
                    )
                elif (idx[0], i) not in seen:
                    seen.add((idx[0], i))
                    pairs.append((idx[0], i, rule, 100.0, f"{rule} {ident}"))
    # token_sort_ratio, computed as ratio of the pre-sorted words: the same scores, several times faster
    titles = [" ".join(sorted(p.title.split())) for p in papers]
    matrix = process.cdist(titles, titles, scorer=fuzz.ratio, score_cutoff=TITLE_THRESHOLD)
    for i, j in zip(*matrix.nonzero(), strict=True):
        i, j = int(i), int(j)
        a, b = papers[i], papers[j]
        if i >= j or (i, j) in seen or not a.title or _distinct_ids(a, b):
            continue
        score = float(matrix[i, j])
        members = [a.paper_id, b.paper_id]
        if numbers(a.title) != numbers(b.title):
            reason = "titles carry different numbers"
        elif not (a.surname and b.surname):
            reason = "no first author to compare"
        elif a.surname != b.surname:
            reason = f"different first authors ({a.surname} / {b.surname})"
        elif a.year and b.year and abs(a.year - b.year) > YEAR_SLACK:
            reason = f"years {a.year} and {b.year} too far apart"
        else:
            pairs.append((i, j, "title+author+year", score, f"title {score:.0f}, first author {a.surname}"))
            continue
        skipped.append({"kind": "paper", "members": members, "rule": "title", "score": score, "reason": reason})
    return pairs


def plan_papers(con: duckdb.DuckDBPyConnection) -> Plan:
    """The paper merges the rules call for that are not made yet (nor undone by a reviewer)."""
    papers = _load_papers(con)
    index = {p.paper_id: i for i, p in enumerate(papers)}
    current = {r[0]: (r[1], r[2]) for r in con.execute("SELECT paper_id, work_id, merge_id FROM works").fetchall()}
    undone = [
        set(r[0])
        for r in con.execute("SELECT members FROM merges WHERE kind = 'paper' AND undone_at IS NOT NULL").fetchall()
    ]
    parent = list(range(len(papers)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for pid, (work, _) in current.items():
        if pid in index and work in index:
            parent[find(index[pid])] = find(index[work])
    plan = Plan()
    reasons: dict[int, list[tuple[str, float, str]]] = {}
    for i, j, rule, score, why in _paper_pairs(papers, plan.skipped):
        a, b = papers[i].paper_id, papers[j].paper_id
        if any({a, b} <= members for members in undone):
            plan.skipped.append({"kind": "paper", "members": [a, b], "rule": rule, "reason": "merge undone"})
            continue
        if find(i) != find(j):
            parent[find(i)] = find(j)
        reasons.setdefault(i, []).append((rule, score, f"{a} ~ {b}: {why}"))
    groups: dict[int, list[int]] = {}
    for i in range(len(papers)):
        groups.setdefault(find(i), []).append(i)
    for members in groups.values():
        if len(members) < 2:
            continue
        best = min((papers[i] for i in members), key=_preference)
        ids = sorted(papers[i].paper_id for i in members)
        if all(current.get(pid, (None,))[0] == best.paper_id for pid in ids):
            continue  # already this work
        found = [r for i in members for r in reasons.get(i, [])]
        plan.merges.append(
            Merge(
                "paper",
                best.paper_id,
                ids,
                ", ".join(sorted({r[0] for r in found})) or "earlier merge",
                min((r[1] for r in found), default=None),
                "; ".join(r[2] for r in found),
                {"before": {pid: current.get(pid) for pid in ids}},
            )
        )
    return plan


# ---------------------------------------------------------------- entity names and stored records


def plan_entities(con: duckdb.DuckDBPyConnection, resolver: Resolver) -> Plan:
    """Renames of stored dataset/backbone names that the resolver maps to another canonical name."""
    plan = Plan()
    confirmed = {(k, key(a)) for k, a, _ in confirmed_aliases(con)}
    for kind, places in ENTITY_COLUMNS.items():
        by_canonical: dict[str, Merge] = {}
        for table, column in places:
            extra = ", mention" if table == "datasets" else ", NULL AS mention"
            found = con.execute(
                f"SELECT record_id, {column}{extra} FROM {table} WHERE {column} IS NOT NULL AND review_status IS NULL"
                f" ORDER BY record_id"
            ).fetchall()
            for rid, name, mention in found:
                if kind == "model":
                    hit = model_canonical(resolver, name)
                else:
                    hit = resolver.resolve(kind, name)  # type: ignore[arg-type]
                    if hit is None and mention and mention != name:
                        hit = resolver.resolve(kind, mention)  # type: ignore[arg-type]
                if hit is None or hit.entry.name == name:
                    continue
                canonical = hit.entry.name
                rule = "confirmed alias" if (kind, key(name)) in confirmed else f"vocabulary ({hit.rule})"
                m = by_canonical.setdefault(
                    canonical, Merge(kind, canonical, [canonical], rule, hit.score, "", {"changes": []})
                )
                if name not in m.members:
                    m.members.append(name)
                    note = f"{name!r} -> {canonical!r}: {rule}, score {hit.score:g}"
                    m.why = f"{m.why}; {note}" if m.why else note
                m.score = min(m.score or 100.0, hit.score)
                if rule == "confirmed alias":
                    m.rule = rule
                m.detail["changes"].append(
                    {
                        "table": table,
                        "record_id": rid,
                        "column": column,
                        "old": name,
                        "new": canonical,
                        "mention": name if table in _MENTION_TABLES and mention is None else None,
                    }
                )
        plan.merges.extend(by_canonical.values())
    return plan


_RECORD_KEYS = {
    "datasets": ("dataset", "lower(name)"),
    "results": (
        "result",
        "lower(model) || '|' || lower(coalesce(dataset, '')) || '|' || metric || '|' || value::VARCHAR",
    ),
}


def plan_records(con: duckdb.DuckDBPyConnection) -> Plan:
    """Stored rows of one paper that are one record (same dataset name; same model, dataset, metric, value)."""
    plan = Plan()
    undone = [
        set(r[0])
        for r in con.execute(
            "SELECT members FROM merges WHERE rule = ? AND undone_at IS NOT NULL", [SAME_RECORD]
        ).fetchall()
    ]
    for table, (kind, expr) in _RECORD_KEYS.items():
        found = rows(
            con,
            f"SELECT *, {expr} AS _key FROM {table} WHERE review_status IS NULL"
            " ORDER BY paper_id, _key, verified DESC NULLS LAST, evidence_page, record_id",
        )
        groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
        for r in found:
            groups.setdefault((r["paper_id"], r.pop("_key")), []).append(r)
        for (pid, k), group in groups.items():
            ids = [r["record_id"] for r in group]
            if len(group) < 2:
                continue
            if any(set(ids) <= members for members in undone):
                plan.skipped.append({"kind": kind, "members": ids, "rule": SAME_RECORD, "reason": "merge undone"})
                continue
            pages = ", ".join(str(r["evidence_page"]) for r in group)
            plan.merges.append(
                Merge(
                    kind,
                    ids[0],
                    ids,
                    SAME_RECORD,
                    100.0,
                    f"paper {pid}: {len(group)} rows of {k!r} (pages {pages})",
                    {"table": table, "removed": group[1:]},
                )
            )
    return plan


# ---------------------------------------------------------------- apply, undo


def _apply(con: duckdb.DuckDBPyConnection, m: Merge) -> None:
    """Make one merge and log it (inside the caller's transaction)."""
    row = con.execute(
        "INSERT INTO merges (kind, canonical, members, rule, score, detail) VALUES (?, ?, ?, ?, ?, ?)"
        " RETURNING merge_id",
        [m.kind, m.canonical, m.members, m.rule, m.score, json.dumps(m.detail, default=str)],
    ).fetchone()
    assert row is not None
    m.merge_id = merge_id = int(row[0])
    if "before" in m.detail:  # papers into one work
        for pid in m.members:
            con.execute("INSERT OR REPLACE INTO works VALUES (?, ?, ?)", [pid, m.canonical, merge_id])
    for c in m.detail.get("changes", []):  # names to their canonical
        mention = ", mention = coalesce(mention, ?)" if c["table"] in _MENTION_TABLES else ""
        con.execute(
            f"UPDATE {c['table']} SET {c['column']} = ?{mention} WHERE record_id = ? AND review_status IS NULL",
            [c["new"], *([c["old"]] if mention else []), c["record_id"]],
        )
    for r in m.detail.get("removed", []):  # rows collapsed into the kept one, their evidence kept
        con.execute(
            "INSERT INTO record_evidence (record_id, paper_id, kind, page, quote, mention, verified, score, source,"
            " merge_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                m.canonical,
                r["paper_id"],
                m.kind,
                r["evidence_page"],
                r["evidence_quote"],
                r.get("mention"),
                r["verified"],
                r["score"],
                r["extractor"],
                merge_id,
            ],
        )
        table = m.detail["table"]
        con.execute(f"DELETE FROM {table} WHERE record_id = ? AND review_status IS NULL", [r["record_id"]])


def dedupe(con: duckdb.DuckDBPyConnection, *, dry_run: bool = False, papers_only: bool = False) -> Plan:
    """Plan and (unless `dry_run`) make every merge: papers, then entity names, then records.

    Each stage is one transaction. A dry run plans the record stage before the renames it would follow.
    """
    stages: list[Callable[[duckdb.DuckDBPyConnection], Plan]] = [plan_papers]
    if not papers_only:
        stages += [lambda c: plan_entities(c, load_resolver(c)), plan_records]
    done = Plan()
    for make in stages:
        stage = make(con)
        if not dry_run:
            with transaction(con):
                for m in stage.merges:
                    _apply(con, m)
        done.merges += stage.merges
        done.skipped += stage.skipped
    return done


def history(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """Every merge made, newest first."""
    return rows(
        con,
        "SELECT merge_id, kind, canonical, members, rule, score, merged_at, undone_at FROM merges"
        " ORDER BY merge_id DESC",
    )


def undo(con: duckdb.DuckDBPyConnection, merge_id: int) -> dict[str, Any]:
    """Reverse one merge; values a reviewer has touched since stay as they are. Returns the merge's row.

    A merge that a later merge built on (a work extended, a renamed row collapsed) is undone after that one.
    """
    with transaction(con):
        found = rows(con, "SELECT * FROM merges WHERE merge_id = ?", [merge_id])
        if not found:
            raise DedupError(f"no merge {merge_id} (see `litextract dedupe --history`)")
        m = found[0]
        if m["undone_at"] is not None:
            raise DedupError(f"merge {merge_id} was already undone at {m['undone_at']}")
        detail = json.loads(m["detail"]) if m["detail"] else {}
        blocker = _later_merge(con, merge_id, m["members"], detail)
        if blocker:
            raise DedupError(f"merge {merge_id} was built on by merge {blocker}: undo that one first")
        for pid, before in detail.get("before", {}).items():
            if before is None:
                con.execute("DELETE FROM works WHERE paper_id = ? AND merge_id = ?", [pid, merge_id])
            else:
                con.execute("UPDATE works SET work_id = ?, merge_id = ? WHERE paper_id = ?", [*before, pid])
        for c in detail.get("changes", []):
            mention = ", mention = CASE WHEN mention = ? THEN NULL ELSE mention END" if c["mention"] else ""
            con.execute(
                f"UPDATE {c['table']} SET {c['column']} = ?{mention}"
                f" WHERE record_id = ? AND {c['column']} = ? AND review_status IS NULL",
                [c["old"], *([c["mention"]] if mention else []), c["record_id"], c["new"]],
            )
        for r in detail.get("removed", []):
            columns = list(r)
            con.execute(
                f"INSERT OR IGNORE INTO {detail['table']} ({', '.join(columns)})"
                f" VALUES ({', '.join('?' for _ in columns)})",
                [r[c] for c in columns],
            )
        con.execute("DELETE FROM record_evidence WHERE merge_id = ?", [merge_id])
        con.execute("UPDATE merges SET undone_at = current_timestamp WHERE merge_id = ?", [merge_id])
    return m


def _later_merge(con: duckdb.DuckDBPyConnection, merge_id: int, members: list[str], detail: dict[str, Any]) -> int:
    """The id of a later, active merge that depends on this one, else 0."""
    if "before" in detail:
        found = con.execute(
            "SELECT max(merge_id) FROM works WHERE paper_id IN (SELECT unnest(?::VARCHAR[])) AND merge_id > ?",
            [members, merge_id],
        ).fetchone()
        return int(found[0]) if found and found[0] else 0
    touched = {c["record_id"] for c in detail.get("changes", [])}
    later = con.execute(
        "SELECT merge_id, members FROM merges WHERE merge_id > ? AND undone_at IS NULL AND rule = ?",
        [merge_id, SAME_RECORD],
    ).fetchall()
    return next((int(i) for i, ids in later if touched & set(ids)), 0)
