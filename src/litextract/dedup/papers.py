"""Papers that are one work: the same DOI, the same arXiv id, or the same title, first author and year.

See docs/dedup.md for every rule and threshold. An identifier match whose titles plainly disagree, or a title
match without first authors to compare, is reported as skipped, never merged. The preferred paper of a work is
the published one (journal, then conference, then the one with a DOI); every file of every version stays listed
as a source.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import duckdb
from rapidfuzz import fuzz, process

from litextract.dedup.merges import Merge, Plan
from litextract.store.queries import rows
from litextract.text import arxiv_id, doi, numbers, surname, title_key

TITLE_THRESHOLD = 95.0  # token_sort_ratio of the titles' `text.title_key`s for the title rule
TITLE_AGREE = 60.0  # token_set_ratio below which two titles sharing a DOI/arXiv id are taken as different papers
YEAR_SLACK = 1  # a preprint and its published version may be a year apart
VENUE_RANK = {"journal": 0, "conference": 1, "book-chapter": 2}  # then thesis/report/unknown 3, preprint 4


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
            title_key(r["title"]),
            surname(r["authors"][0]) if r["authors"] else None,
            r["year"],
            doi(r["doi"]),
            arxiv_id(r["arxiv_id"]),
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
