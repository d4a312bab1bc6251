"""Metric re-runs on generated data with a known signal: the short training must learn it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("monai")
nibabel = pytest.importorskip("nibabel")

from helpers import separable_npz  # noqa: E402
from PIL import Image  # noqa: E402

from litextract.verify.data import DataError, load  # noqa: E402
from litextract.verify.train import Budget, NotCheckable, rerun  # noqa: E402
from litextract.verify.zoo import ZOO  # noqa: E402

pytestmark = pytest.mark.torch


def test_a_known_separable_signal_is_learned_in_two_epochs(tmp_path: Path) -> None:
    budget = Budget(epochs=2, size_2d=32, batch=16, cam_samples=2)
    data = load(separable_npz(tmp_path / "squares.npz"), 32, 16, budget.max_train, budget.max_test, budget.seed)
    assert data.task == "classification" and data.n_classes == 2
    assert tuple(data.train.images.shape) == (160, 3, 32, 32)
    done = rerun(ZOO["resnet18"], data, budget, torch.device("cpu"), tmp_path / "report")
    assert done.metrics["accuracy"] >= 0.9
    assert done.metrics["auc"] >= 0.95
    assert done.settings["budget"]["epochs"] == 2 and done.settings["n_test"] == 60
    assert len(done.cams) == 2
    picture = Image.open(done.cams[0])
    assert picture.mode == "RGB" and min(picture.size) >= 224


def test_the_same_seed_gives_the_same_metrics(tmp_path: Path) -> None:
    budget = Budget(epochs=1, size_2d=32, batch=16, cam_samples=0)
    path = separable_npz(tmp_path / "squares.npz", n_train=64, n_test=32)
    results = [
        rerun(ZOO["resnet18"], load(path, 32, 16, 2048, 1024, 0), budget, torch.device("cpu"), tmp_path).metrics
        for _ in range(2)
    ]
    assert results[0] == results[1]


def test_nifti_segmentation_volumes(tmp_path: Path) -> None:
    """Bright cubes on dark noise, labelled where they are bright: SegResNet learns to find them."""
    rng = np.random.default_rng(0)
    for folder in ("images", "labels"):
        (tmp_path / "nifti" / folder).mkdir(parents=True)
    for case in range(6):
        volume = rng.uniform(0, 0.3, (16, 16, 16)).astype(np.float32)
        start = rng.integers(2, 8, 3)
        mask = np.zeros((16, 16, 16), np.uint8)
        mask[start[0] : start[0] + 6, start[1] : start[1] + 6, start[2] : start[2] + 6] = 1
        volume[mask == 1] += 0.7
        for folder, array in (("images", volume), ("labels", mask)):
            nibabel.save(nibabel.Nifti1Image(array, np.eye(4)), tmp_path / "nifti" / folder / f"case{case}.nii.gz")
    budget = Budget(epochs=10, size_3d=16, batch=2)
    data = load(tmp_path / "nifti", 64, 16, 2048, 1024, 0)
    assert data.task == "segmentation" and data.spatial_dims == 3 and len(data.test.labels) == 1
    done = rerun(ZOO["segresnet"], data, budget, torch.device("cpu"), tmp_path)
    assert 0.0 <= done.metrics["iou"] <= done.metrics["dice"] <= 1.0
    assert done.metrics["dice"] > 0.5
    with pytest.raises(NotCheckable, match="classification network"):
        rerun(ZOO["resnet18"], data, budget, torch.device("cpu"), tmp_path)


def test_unreadable_data_is_a_one_line_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.npz"
    np.savez(bad, images=np.zeros((2, 8, 8)))
    with pytest.raises(DataError, match=r"bad\.npz: no array 'train_images"):
        load(bad, 32, 16, 10, 10, 0)
    with pytest.raises(DataError, match="no such file"):
        load(tmp_path / "absent", 32, 16, 10, 10, 0)
