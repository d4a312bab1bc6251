"""The metrics papers report, computed with MONAI's implementations, named as the vocabulary names them.

Classification: the predicted class is the arg-max of the softmax (for two classes: positive when its
probability exceeds 0.5). With two classes, sensitivity, specificity, precision and F1 are those of class 1
(the positive class); with more, the unweighted mean over classes, each one-vs-rest (macro). AUC is
threshold-free: of class 1's probability for two classes, else the macro one-vs-rest mean.
Segmentation: Dice and IoU of each foreground label (background excluded), averaged over labels and cases.
"""

from __future__ import annotations

import numpy as np
import torch
from monai.metrics import compute_confusion_matrix_metric, compute_dice, compute_iou, compute_roc_auc
from monai.metrics import get_confusion_matrix as confusion
from torch.nn import functional

CONFUSION_METRICS = {
    "sensitivity": "sensitivity",
    "specificity": "specificity",
    "precision": "precision",
    "f1": "f1 score",
}


def classification(probabilities: torch.Tensor, labels: torch.Tensor) -> dict[str, float]:
    """accuracy, sensitivity, specificity, precision, f1 and auc of (N, C) class probabilities vs (N,) labels."""
    n_classes = probabilities.shape[1]
    predicted = probabilities.argmax(dim=1)
    truth = functional.one_hot(labels.long(), n_classes).float()
    matrix = confusion(functional.one_hot(predicted, n_classes).float(), truth).sum(dim=0)  # (C, [tp, fp, tn, fn])
    found = {"accuracy": float((predicted == labels).float().mean())}
    for name, monai_name in CONFUSION_METRICS.items():
        per_class = compute_confusion_matrix_metric(monai_name, matrix)
        found[name] = float(per_class[1] if n_classes == 2 else per_class.nanmean())
    if len(labels.unique()) == n_classes:  # AUC needs every class present
        if n_classes == 2:
            auc = compute_roc_auc(probabilities[:, 1], labels.float())
        else:
            auc = compute_roc_auc(probabilities, truth, average="macro")
        found["auc"] = float(np.asarray(auc))
    return found


def segmentation(predicted: torch.Tensor, labels: torch.Tensor, n_classes: int) -> dict[str, float]:
    """Dice and IoU of (N, *spatial) predicted label maps vs (N, *spatial) true label maps."""
    dims = list(range(predicted.ndim + 1))
    pred = functional.one_hot(predicted.long(), n_classes).permute(0, dims[-1], *dims[1:-1]).float()
    true = functional.one_hot(labels.long(), n_classes).permute(0, dims[-1], *dims[1:-1]).float()
    return {
        "dice": float(compute_dice(pred, true, include_background=False).nanmean()),
        "iou": float(compute_iou(pred, true, include_background=False).nanmean()),
    }
