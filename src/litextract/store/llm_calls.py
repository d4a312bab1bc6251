"""The per-call LLM log (`llm_calls`, migration 004): writing it, and the cost report `litextract costs` prints."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import duckdb

from litextract.records import LLMCall
from litextract.store.queries import rows

Row = dict[str, Any]


def write_calls(con: duckdb.DuckDBPyConnection, run_id: int | None, paper_id: str, calls: Sequence[LLMCall]) -> None:
    """One `llm_calls` row per request of one paper's extraction, under the run it was part of."""
    if not calls:
        return
    con.executemany(
        "INSERT INTO llm_calls (run_id, paper_id, model, prompt_version, chunk, pages, prompt_tokens,"
        " completion_tokens, latency_s, attempts, retries, outcome, error, cached)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            [
                run_id,
                paper_id,
                c.model,
                c.prompt_version,
                c.chunk,
                c.pages,
                c.prompt_tokens,
                c.completion_tokens,
                round(c.latency_s, 3),
                c.attempts,
                c.retries,
                c.outcome,
                c.error,
                c.cached,
            ]
            for c in calls
        ],
    )


def price_of(model: str, prices: dict[str, tuple[float, float]]) -> tuple[float, float] | None:
    """(input, output) USD per 1M tokens for `model`, matching the longest configured prefix
    (so "gpt-4o-mini-2024-07-18" uses the "gpt-4o-mini" price); None when unknown."""
    matches = [name for name in prices if model == name or model.startswith(name + "-")]
    return prices[max(matches, key=len)] if matches else None


_SUMS = (
    "count(*) FILTER (WHERE NOT cached AND outcome <> 'budget') AS calls,"
    " count(*) FILTER (WHERE cached) AS cached,"
    " count(*) FILTER (WHERE outcome NOT IN ('ok', 'budget')) AS failed,"
    " count(*) FILTER (WHERE outcome = 'budget') AS skipped,"
    " CAST(sum(attempts) AS INTEGER) AS requests, CAST(sum(retries) AS INTEGER) AS retries,"
    " CAST(sum(prompt_tokens) AS BIGINT) AS prompt_tokens,"
    " CAST(sum(completion_tokens) AS BIGINT) AS completion_tokens,"
    " round(sum(latency_s), 2) AS latency_s"
)


def _priced(data: list[Row], prices: dict[str, tuple[float, float]]) -> list[Row]:
    for row in data:
        price = price_of(row["model"], prices)
        row["cost_usd"] = (
            round((row["prompt_tokens"] * price[0] + row["completion_tokens"] * price[1]) / 1e6, 6) if price else None
        )
    return data


def costs(con: duckdb.DuckDBPyConnection, prices: dict[str, tuple[float, float]]) -> dict[str, list[Row]]:
    """Calls, retries, tokens and cost per model and per paper (cost None where the model has no price)."""
    by_model = rows(con, f"SELECT model, {_SUMS} FROM llm_calls GROUP BY model ORDER BY model")
    by_paper = rows(
        con,
        f"SELECT c.paper_id, any_value(p.file) AS file, c.model, {_SUMS}"
        " FROM llm_calls c LEFT JOIN papers p USING (paper_id) GROUP BY c.paper_id, c.model ORDER BY c.paper_id",
    )
    return {"by_model": _priced(by_model, prices), "by_paper": _priced(by_paper, prices)}
