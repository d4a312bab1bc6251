"""The dashboard's read layer on a small database of two generated papers (`helpers.build_sample_db`, which the
dashboard, review and browser tests use too)."""

from __future__ import annotations

from pathlib import Path

from helpers import CHEST_TITLE, PANCREAS_TITLE, build_sample_db

from litextract.store import connect, queries


def test_sample_grounding_marks_only_the_invented_value_unverified(tmp_path: Path) -> None:
    db, _ids = build_sample_db(tmp_path)
    with connect(db, read_only=True) as con:
        counts = queries.overview_counts(con)
        queue = queries.review_queue(con)
    assert counts | {} == {"papers": 2, "datasets": 3, "models": 3, "results": 5, "unverified": 1, "failed_files": 0}
    assert (queue[0]["kind"], queue[0]["label"], queue[0]["verified"]) == (
        "result",
        "PancNet · NIH Pancreas-CT · hd95",
        False,
    )
    assert len(queue) == 11 and all(q["verified"] for q in queue[1:])
    assert queue[0]["path"].endswith("pancreas.pdf") and queue[0]["title"] == PANCREAS_TITLE


def test_filters_combine_and_search_is_case_insensitive(tmp_path: Path) -> None:
    db, _ids = build_sample_db(tmp_path)
    with connect(db, read_only=True) as con:

        def titles(**kw: object) -> list[str]:
            return [p["title"] for p in queries.filter_papers(con, **kw)]  # type: ignore[arg-type]

        assert titles() == [PANCREAS_TITLE, CHEST_TITLE]  # newest first
        assert titles(search="densenet") == [CHEST_TITLE]
        assert titles(modalities=["X-ray"]) == [CHEST_TITLE]
        assert titles(datasets=["NIH Pancreas-CT"]) == [PANCREAS_TITLE, CHEST_TITLE]
        assert titles(datasets=["NIH Pancreas-CT"], backbones=["ResNet-50"]) == [PANCREAS_TITLE]
        assert titles(year_min=2022) == [PANCREAS_TITLE]
        assert titles(venues=["MICCAI"], tasks=["segmentation"]) == [CHEST_TITLE]
        assert titles(search="no such paper") == []
        facets = queries.facets(con)
    assert facets["years"] == [2021, 2023] and facets["modalities"] == ["CT", "X-ray"]
    assert facets["metrics"] == ["auc", "dice", "hd95"]


def test_leaderboard_ranks_across_papers_in_the_metric_direction(tmp_path: Path) -> None:
    db, ids = build_sample_db(tmp_path)
    with connect(db, read_only=True) as con:
        board = queries.leaderboard(con, "NIH Pancreas-CT", "dice")
        ascending = queries.leaderboard(con, "NIH Pancreas-CT", "dice", lower_is_better=True)
        choices = queries.leaderboard_choices(con)
    assert [(r["rank"], r["model"], r["value"]) for r in board] == [
        (1, "PancNet", 0.842),
        (2, "UNet++", 0.823),
        (3, "U-Net", 0.801),
    ]
    assert board[0]["proposed"] is True and board[0]["year"] == 2023 and board[0]["verified"] is True
    assert board[1]["paper_id"] == ids["chest"]
    assert [r["model"] for r in ascending] == ["U-Net", "UNet++", "PancNet"]
    assert choices[0] | {} == {"dataset": "NIH Pancreas-CT", "metric": "dice", "n_results": 3, "n_papers": 2}


def test_optional_tables_are_tolerated_when_absent(tmp_path: Path) -> None:
    db, _ = build_sample_db(tmp_path)
    with connect(db, read_only=True) as con:
        assert queries.verifications(con) == []
        assert queries.has_table(con, "papers") and not queries.has_table(con, "no_such_table")
