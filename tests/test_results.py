"""Result records with their qualifiers and roles, from tables (as grids) and from sentences."""

from __future__ import annotations

from litextract.document import Cell, Document, Table
from litextract.extract.offline import OfflineExtractor
from litextract.prepare import process
from litextract.records import Extraction, Result

from conftest import document

INTRO = (
    "Abstract\nWe propose a deep learning network, called RetiNet, for retinal vessel segmentation in fundus "
    "images. RetiNet is a convolutional neural network trained on the DRIVE dataset and the STARE dataset.\n\n"
    "1. Introduction\nVessel segmentation of fundus images helps patients. Deep learning with CNNs helps.\n"
)


def doc(*pages: str, tables: list[Table] | None = None) -> Document:
    return document(*pages, tables=tables, title="RetiNet: vessel segmentation")


def run(*pages: str, tables: list[Table] | None = None) -> Extraction:
    return process(doc(*pages, tables=tables), [OfflineExtractor()])


def page_of(table: Table) -> str:
    """The page text a table prints (for the grounding of its rows)."""
    return "\n".join([table.caption or "", *(" ".join(c for c in row if c) for row in table.grid())])


def by(results: list[Result], **fields: object) -> Result:
    (found,) = [r for r in results if all(getattr(r, k) == v for k, v in fields.items())]
    return found


def test_caption_metric_for_target_columns_and_the_average_column_is_the_headline() -> None:
    table = Table(
        page=2,
        number="2",
        caption="Table 2. Dice (%) of each vessel class on the DRIVE test set.",
        rows=[
            ["Method", "Average", "Artery", "Vein"],
            ["U-Net [4]", "78.10", "76.00", "80.20"],
            ["RetiNet", "82.40", "80.10", "84.70"],
        ],
    )
    ex = run(INTRO, page_of(table), tables=[table])
    overall = by(ex.results, model="RetiNet", target=None)
    assert (overall.metric, overall.value, overall.dataset, overall.split) == ("dice", 0.824, "DRIVE", "test")
    assert overall.headline and overall.proposed
    artery = by(ex.results, model="RetiNet", target="Artery")
    assert artery.value == 0.801 and not artery.headline
    assert by(ex.results, model="U-Net", target=None).headline  # the strongest (only) baseline


def test_rows_of_classes_are_targets_of_the_papers_model() -> None:
    table = Table(
        page=2,
        number="3",
        caption="Table 3. Per-class results of RetiNet on the STARE dataset.",
        rows=[
            ["Class", "Precision", "Recall"],
            ["Benign", "0.91", "0.88"],
            ["Malignant", "0.86", "0.90"],
            ["Average", "0.885", "0.89"],
        ],
    )
    ex = run(INTRO, page_of(table), tables=[table])
    assert {(r.model, r.target, r.metric, r.value) for r in ex.results} >= {
        ("RetiNet", "Benign", "precision", 0.91),
        ("RetiNet", "Malignant", "sensitivity", 0.9),
        ("RetiNet", None, "precision", 0.885),
    }
    assert [r.target for r in ex.results if r.headline] == [None, None]


def test_a_transposed_table_has_metrics_as_rows() -> None:
    table = Table(
        page=2,
        number="4",
        caption="Table 4. Comparison on the DRIVE dataset.",
        rows=[["Metric", "U-Net [3]", "RetiNet"], ["Accuracy", "0.951", "0.963"], ["AUC", "0.972", "0.981"]],
    )
    ex = run(INTRO, page_of(table), tables=[table])
    assert {(r.model, r.metric, r.value, r.proposed) for r in ex.results} == {
        ("U-Net", "accuracy", 0.951, False),
        ("U-Net", "auc", 0.972, False),
        ("RetiNet", "accuracy", 0.963, True),
        ("RetiNet", "auc", 0.981, True),
    }


def test_a_table_of_published_results_is_cited_and_cost_columns_are_never_headline() -> None:
    literature = Table(
        page=2,
        number="5",
        caption="Table 5. Results reported in the literature on DRIVE.",
        rows=[["Study", "Accuracy"], ["Smith", "0.942"], ["Jones", "0.955"]],
    )
    cost = Table(
        page=2,
        number="6",
        caption="Table 6. Accuracy and size of the networks on DRIVE.",
        rows=[["Model", "Accuracy", "Params (M)"], ["RetiNet", "0.963", "7.8"]],
    )
    ex = run(INTRO, page_of(literature) + "\n" + page_of(cost), tables=[literature, cost])
    assert all(r.source == "cited" and not r.proposed for r in ex.results if r.model in ("Smith", "Jones"))
    params = by(ex.results, model="RetiNet", metric="params")
    assert params.value == 7.8 and not params.headline
    assert by(ex.results, model="RetiNet", metric="accuracy").headline


def test_multirow_dataset_blocks_and_the_sentence_about_the_table() -> None:
    table = Table(
        page=2,
        number="7",
        caption="Table 7. Cross-dataset results.",
        n_rows=5,
        n_cols=3,
        header_rows=1,
        stub_cols=2,
        cells=[
            Cell(text="Dataset", row=0, col=0),
            Cell(text="Method", row=0, col=1),
            Cell(text="Sensitivity", row=0, col=2),
            Cell(text="DRIVE", row=1, col=0, row_span=2),
            Cell(text="U-Net", row=1, col=1),
            Cell(text="0.781", row=1, col=2),
            Cell(text="RetiNet", row=2, col=1),
            Cell(text="0.812", row=2, col=2),
            Cell(text="STARE", row=3, col=0, row_span=2),
            Cell(text="U-Net", row=3, col=1),
            Cell(text="0.765", row=3, col=2),
            Cell(text="RetiNet", row=4, col=1),
            Cell(text="0.803", row=4, col=2),
        ],
    )
    text = "Table 7 gives the results of the models trained on one set and tested on the other (external test)."
    ex = run(INTRO, page_of(table) + "\n" + text, tables=[table])
    assert by(ex.results, model="RetiNet", value=0.812).dataset == "DRIVE"
    assert by(ex.results, model="RetiNet", value=0.803).dataset == "STARE"


def test_sentences_in_both_orders_with_spread_and_intervals() -> None:
    results = (
        "4. Results\nOn the DRIVE test set, RetiNet achieves 81.9 Dice and 0.975 AUC. "
        "On STARE our model reaches a sensitivity of 0.85 ± 0.03 and an AUC of 0.97 (95% CI 0.95-0.98). "
        "It improves the accuracy by 2.3% over the baseline."
    )
    ex = run(INTRO, results)
    dice = by(ex.results, metric="dice")
    assert (dice.value, dice.dataset, dice.split, dice.model) == (0.819, "DRIVE", "test", "RetiNet")
    assert by(ex.results, metric="auc", dataset="DRIVE").value == 0.975
    sens = by(ex.results, metric="sensitivity")
    assert (sens.value, sens.std, sens.dataset) == (0.85, 0.03, "STARE")
    auc = by(ex.results, metric="auc", dataset="STARE")
    assert (auc.value, auc.ci_low, auc.ci_high) == (0.97, 0.95, 0.98)
    assert not any(r.metric == "accuracy" for r in ex.results)  # a gain is no result


def test_a_list_of_values_is_aligned_with_its_datasets_and_a_cited_sentence_is_cited() -> None:
    text = (
        "5. Discussion\nOur RetiNet obtains an accuracy of 0.963 and 0.971 on DRIVE and STARE, respectively. "
        "The method of Li et al. [7] reached an accuracy of 0.952 on DRIVE."
    )
    ex = run(INTRO, text)
    assert by(ex.results, value=0.963).dataset == "DRIVE" and by(ex.results, value=0.971).dataset == "STARE"
    cited = by(ex.results, value=0.952)
    assert cited.source == "cited" and not cited.headline


def test_a_cell_of_two_values_under_two_metrics_gives_both() -> None:
    table = Table(
        page=2,
        number="8",
        caption="Table 8. Super-resolution of the DRIVE images (PSNR / SSIM).",
        rows=[["Method", "×2", "×4"], ["Bicubic", "33.38 / 0.9460", "28.10 / 0.8712"],
              ["RetiNet", "38.62 / 0.9813", "32.05 / 0.9413"]],
    )
    ex = run(INTRO, page_of(table), tables=[table])
    own = {(r.metric, r.value, r.setting) for r in ex.results if r.model == "RetiNet"}
    assert own == {("psnr", 38.62, "×2"), ("ssim", 0.9813, "×2"), ("psnr", 32.05, "×4"), ("ssim", 0.9413, "×4")}


def test_a_metric_word_inside_a_dataset_name_is_no_metric() -> None:
    from litextract.extract.offline_results import metric_in
    from litextract.vocab import vocabulary

    v = vocabulary()
    assert metric_in("Kvasir SEG", v) is None and metric_in("Kvasir-SEG", v) is None
    assert metric_in("SEG", v) is not None and metric_in("SEG", v).name == "seg"  # type: ignore[union-attr]


def test_splits_from_the_setup_cross_validation_folds_training_sets_and_cross_training() -> None:
    setup = (
        "3. Experiments\nThe DRIVE dataset has 40 images. We use five-fold cross-validation on the DRIVE "
        "training set: each fold in turn is the test set and the other folds are used for training. "
        "The STARE dataset is used as given. The model is tuned on the validation set of STARE. "
        "Scores on the STARE validation set are reported. The validation set of STARE has 5 images.\n"
    )
    tables = [
        Table(page=2, number="2", caption="Table 2. Dice (%) on the DRIVE training set.",
              rows=[["Method", "Dice"], ["U-Net [4]", "78.10"], ["RetiNet", "82.40"]]),
        Table(page=2, number="3", caption="Table 3. Dice (%) on STARE.",
              rows=[["Method", "Dice"], ["U-Net [4]", "74.00"], ["RetiNet", "79.50"]]),
        Table(page=2, number="4", caption="Table 4. Dice (%) of cross-training between DRIVE and STARE.",
              rows=[["Method", "Dice"], ["U-Net [4]", "70.20"], ["RetiNet", "73.30"]]),
    ]
    ex = run(INTRO, setup, "\n".join(page_of(t) for t in tables), tables=tables)
    # results on a training set the paper cross-validates on are cross-validation figures, and the test set of
    # a sentence about folds is a fold
    assert by(ex.results, model="RetiNet", value=0.824).split == "cross-validation"
    assert by(ex.results, model="RetiNet", value=0.795).split == "validation"  # named more than any other
    assert by(ex.results, model="RetiNet", value=0.733).split == "external"  # trained on one, tested on another


def test_a_results_table_naming_no_metric_takes_the_one_the_paper_evaluates_with() -> None:
    setup = "3. Experiments\nWe evaluate the classification of every model via the area under the ROC curve.\n"
    table = Table(
        page=2, number="2", caption="Table 2. Classification performance on DRIVE and STARE.",
        rows=[["Method", "DRIVE", "STARE"], ["U-Net [4]", "81.20", "80.10"], ["RetiNet", "84.70", "83.90"]],
    )
    ex = run(INTRO, setup, page_of(table), tables=[table])
    own = by(ex.results, model="RetiNet", dataset="STARE")
    assert (own.metric, own.value) == ("auc", 0.839)
    # a generic phrase ("segmentation accuracy") names no metric to evaluate with: the table stays unread
    vague = "3. Experiments\nWe evaluate the segmentation accuracy of every model with the annotations.\n"
    assert run(INTRO, vague, page_of(table), tables=[table]).results == []
