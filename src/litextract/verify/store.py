"""Reads what `verify` needs from the store (papers, model records, results, documents) and writes its checks."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field

import duckdb

from litextract.document import Document
from litextract.store import transaction
from litextract.store.queries import Row, rows
from litextract.verify.claims import find_claims, mentions
from litextract.verify.verdict import Check
from litextract.verify.zoo import Resolved, resolve

TEXT_BACKBONES = 3  # a paper without model records: the backbones its text names most, at most this many


@dataclass
class Target:
    """One backbone of one paper to rebuild, with what the paper says about it."""

    paper_id: str
    file: str
    backbone: Resolved
    record_id: str | None  # the model record naming it; None when only the text does
    model: str | None
    doc: Document
    results: list[Row] = field(default_factory=list)  # the paper's results for models on this backbone

    @property
    def source(self) -> str:
        return "model record" if self.record_id else "text"


def targets(con: duckdb.DuckDBPyConnection, paper_id: str) -> list[Target]:
    """The zoo backbones of one paper: its (not rejected) model records' (else the ones its text names most),
    and any the paper prints a parameter count or FLOPs for."""
    paper = rows(con, "SELECT p.file, d.document FROM papers p JOIN documents d USING (paper_id) WHERE paper_id = ?",
                 [paper_id])  # fmt: skip
    if not paper:
        return []
    doc = Document.model_validate_json(paper[0]["document"])
    models = rows(
        con,
        "SELECT record_id, name, backbone FROM models"
        " WHERE paper_id = ? AND coalesce(review_status, '') <> 'rejected' ORDER BY proposed DESC, name",
        [paper_id],
    )
    results = rows(
        con,
        "SELECT record_id, model, backbone, dataset, metric, value, as_printed, split, evidence_page FROM results"
        " WHERE paper_id = ? AND coalesce(review_status, '') <> 'rejected'",
        [paper_id],
    )
    found: dict[str, Target] = {}
    for m in models:
        resolved = resolve(m["backbone"]) or resolve(m["name"])
        if resolved and resolved.name not in found:
            found[resolved.name] = Target(paper_id, paper[0]["file"], resolved, m["record_id"], m["name"], doc)
    if not models:
        named = Counter(name for page in doc.pages for _, _, name in mentions(" ".join(page.text.split())))
        for name, _ in named.most_common():
            resolved = resolve(name)
            if resolved and resolved.name not in found and len(found) < TEXT_BACKBONES:
                found[resolved.name] = Target(paper_id, paper[0]["file"], resolved, None, None, doc)
    for claim in find_claims(doc):  # a backbone the paper prints its size for is checked even without a record
        resolved = resolve(claim.subject) if claim.kind in ("params", "flops") else None
        if resolved and resolved.name not in found:
            found[resolved.name] = Target(paper_id, paper[0]["file"], resolved, None, None, doc)
    for target in found.values():
        names = {target.backbone.name, target.model}
        target.results = [
            r
            for r in results
            if r["model"] in names or (resolve(r["backbone"]) or resolve(r["model"])) == target.backbone
        ]
    return list(found.values())


def save(
    con: duckdb.DuckDBPyConnection,
    checks: list[Check],
    device: str,
    hardware: str,
    software: dict[str, str],
) -> None:
    """Store one paper's checks in one transaction, replacing earlier ones of the same backbone, kind and device."""
    with transaction(con):
        for paper_id, backbone, kind in {(c.paper_id, c.backbone, c.check_kind) for c in checks}:
            con.execute(
                "DELETE FROM verifications WHERE paper_id = ? AND backbone = ? AND check_kind = ? AND device = ?",
                [paper_id, backbone, kind, device],
            )
        con.executemany(
            "INSERT INTO verifications (paper_id, record_id, backbone, check_kind, claimed, claimed_text,"
            " claimed_page, measured, unit, tolerance, verdict, reason, device, hardware, software, settings)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                [
                    c.paper_id, c.record_id, c.backbone, c.check_kind, c.claimed, c.claimed_text, c.claimed_page,
                    c.measured, c.unit, c.tolerance, c.verdict, c.reason, device, hardware, json.dumps(software),
                    json.dumps(c.settings, default=str),
                ]
                for c in checks
            ],
        )  # fmt: skip
