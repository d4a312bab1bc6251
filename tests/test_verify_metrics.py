"""Metrics against hand-computed confusion matrices and masks."""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("monai")

from litextract.verify.metrics import classification, segmentation  # noqa: E402

pytestmark = pytest.mark.torch


def test_binary_metrics_from_a_known_confusion_matrix() -> None:
    # 4 positives, 6 negatives; at p > 0.5: TP 3, FN 1, FP 2, TN 4
    labels = torch.tensor([1, 1, 1, 1, 0, 0, 0, 0, 0, 0])
    p = torch.tensor([0.9, 0.8, 0.7, 0.4, 0.6, 0.55, 0.3, 0.2, 0.1, 0.05])
    found = classification(torch.stack([1 - p, p], dim=1), labels)
    assert found["accuracy"] == pytest.approx(0.7)
    assert found["sensitivity"] == pytest.approx(3 / 4)
    assert found["specificity"] == pytest.approx(4 / 6)
    assert found["precision"] == pytest.approx(3 / 5)
    assert found["f1"] == pytest.approx(2 * 3 / (2 * 3 + 2 + 1))
    assert found["auc"] == pytest.approx(22 / 24)  # 22 of the 24 positive/negative pairs ranked right


def test_three_classes_are_macro_averaged() -> None:
    labels = torch.tensor([0, 0, 1, 1, 2, 2])
    predicted = torch.tensor([0, 1, 1, 1, 2, 0])
    probabilities = torch.nn.functional.one_hot(predicted, 3).float() * 0.8 + 0.2 / 3
    found = classification(probabilities, labels)
    assert found["accuracy"] == pytest.approx(4 / 6)
    # per class sensitivity 1/2, 2/2, 1/2; precision 1/2, 2/3, 1/1
    assert found["sensitivity"] == pytest.approx((0.5 + 1 + 0.5) / 3)
    assert found["precision"] == pytest.approx((0.5 + 2 / 3 + 1) / 3)


def test_dice_and_iou_of_known_masks() -> None:
    predicted = torch.zeros(1, 4, 4, dtype=torch.long)
    predicted[0, :2, :2] = 1  # 4 pixels
    truth = torch.zeros(1, 4, 4, dtype=torch.long)
    truth[0, :2, :3] = 1  # 6 pixels, 4 shared
    found = segmentation(predicted, truth, n_classes=2)
    assert found["dice"] == pytest.approx(2 * 4 / (4 + 6))
    assert found["iou"] == pytest.approx(4 / 6)
