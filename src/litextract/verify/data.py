"""Local datasets for metric re-runs, loaded into memory as tensors at a fixed size.

`--data` may be:
- a MedMNIST-style `.npz` file (train_images/train_labels, test_images/test_labels; val_* unused): 2-D images
  (N, H, W) or (N, H, W, 3), or 3-D volumes (N, D, H, W), with class labels (N,) or (N, 1);
- a folder with `images/` and `labels/` (or `imagesTr/` and `labelsTr/`) of NIfTI volumes of the same names:
  segmentation, 3-D, split 80/20 by case with the seed;
- any other folder: an ImageFolder tree of 2-D images (one sub-folder per class), with `train/` and `test/`
  sub-trees when present, else split 80/20 with the seed.
Classification images get 3 channels (grey repeated), volumes 1. At most `max_train` / `max_test` samples
are kept (a seeded subset), so the budget stays fixed whatever the dataset's size.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import torch
from torch.nn import functional


class DataError(Exception):
    """The --data path cannot be read as any supported layout; the message says why."""


@dataclass
class Split:
    images: torch.Tensor  # (N, C, *spatial), float in [0, 1]
    labels: torch.Tensor  # (N,) classes, or (N, *spatial) label maps


@dataclass
class LocalData:
    name: str
    task: Literal["classification", "segmentation"]
    train: Split
    test: Split
    n_classes: int

    @property
    def spatial_dims(self) -> int:
        return self.train.images.ndim - 2


def load(path: Path, size_2d: int, size_3d: int, max_train: int, max_test: int, seed: int) -> LocalData:
    """The dataset at `path` resized to size_2d² pixels or size_3d³ voxels; DataError when unreadable."""
    if not path.exists():
        raise DataError(f"{path}: no such file or folder")
    if path.suffix == ".npz":
        data = _npz(path, size_2d, size_3d)
    elif path.is_dir() and _nifti_folders(path):
        data = _nifti(path, size_3d, seed)
    elif path.is_dir():
        data = _image_folder(path, size_2d, seed)
    else:
        raise DataError(f"{path}: not a .npz file or a folder of images or NIfTI volumes")
    data.train = _subset(data.train, max_train, seed)
    data.test = _subset(data.test, max_test, seed + 1)
    return data


def _subset(split: Split, limit: int, seed: int) -> Split:
    if len(split.labels) <= limit:
        return split
    keep = torch.randperm(len(split.labels), generator=torch.Generator().manual_seed(seed))[:limit]
    return Split(split.images[keep], split.labels[keep])


def _resize(images: torch.Tensor, side: int, labels: bool = False) -> torch.Tensor:
    spatial = images.ndim - 2
    mode = "nearest" if labels else ("bilinear" if spatial == 2 else "trilinear")
    extra = {} if labels else {"align_corners": False}
    return functional.interpolate(images, size=(side,) * spatial, mode=mode, **extra)


def _scaled(array: np.ndarray) -> torch.Tensor:
    tensor = torch.from_numpy(np.asarray(array, dtype=np.float32))
    if array.dtype == np.uint8:
        return tensor / 255.0
    low, high = tensor.min(), tensor.max()
    return (tensor - low) / (high - low) if high > low else tensor * 0


def _npz(path: Path, size_2d: int, size_3d: int) -> LocalData:
    try:
        arrays = np.load(path)
        splits = {}
        for part in ("train", "test"):
            images, labels = arrays[f"{part}_images"], arrays[f"{part}_labels"]
            x = _scaled(images)
            if images.ndim == 4 and images.shape[-1] == 3:  # (N, H, W, 3)
                x, side = x.permute(0, 3, 1, 2), size_2d
            elif images.ndim == 3:  # (N, H, W)
                x, side = x[:, None].repeat(1, 3, 1, 1), size_2d
            elif images.ndim == 4:  # (N, D, H, W)
                x, side = x[:, None], size_3d
            else:
                raise DataError(
                    f"{path}: {part}_images has shape {images.shape}, not (N,H,W), (N,H,W,3) or (N,D,H,W)"
                )
            splits[part] = Split(_resize(x, side), torch.from_numpy(np.asarray(labels).reshape(len(labels))).long())
    except KeyError as exc:
        raise DataError(
            f"{path}: no array {exc} (expected train_images, train_labels, test_images, test_labels)"
        ) from exc
    except (OSError, ValueError) as exc:
        raise DataError(f"{path}: {exc}") from exc
    n_classes = int(max(splits["train"].labels.max(), splits["test"].labels.max())) + 1
    return LocalData(path.stem, "classification", splits["train"], splits["test"], n_classes)


def _nifti_folders(path: Path) -> tuple[Path, Path] | None:
    for images, labels in (("images", "labels"), ("imagesTr", "labelsTr")):
        if (path / images).is_dir() and (path / labels).is_dir():
            return path / images, path / labels
    return None


def _nifti(path: Path, side: int, seed: int) -> LocalData:
    import nibabel

    folders = _nifti_folders(path)
    assert folders is not None
    cases = sorted(p for p in folders[0].iterdir() if p.name.endswith((".nii", ".nii.gz")))
    if len(cases) < 2:
        raise DataError(f"{folders[0]}: needs at least 2 NIfTI volumes")
    volumes, maps = [], []
    for case in cases:
        label = folders[1] / case.name
        if not label.exists():
            raise DataError(f"{case}: no label volume {label}")
        try:
            image = np.asarray(nibabel.load(case).get_fdata(), dtype=np.float32)  # type: ignore[attr-defined, unused-ignore]
            mask = np.asarray(nibabel.load(label).get_fdata())  # type: ignore[attr-defined, unused-ignore]
        except Exception as exc:
            raise DataError(f"{case}: {exc}") from exc
        volumes.append(_resize(_scaled(image)[None, None], side)[0])
        maps.append(_resize(torch.from_numpy(mask.astype(np.float32))[None, None], side, labels=True)[0, 0])
    x, y = torch.stack(volumes), torch.stack(maps).long()
    order = torch.randperm(len(cases), generator=torch.Generator().manual_seed(seed))
    n_test = max(1, len(cases) // 5)
    test, train = order[:n_test], order[n_test:]
    return LocalData(path.name, "segmentation", Split(x[train], y[train]), Split(x[test], y[test]), int(y.max()) + 1)


def _image_folder(path: Path, side: int, seed: int) -> LocalData:
    from torchvision import datasets, transforms

    transform = transforms.Compose(
        [
            transforms.Lambda(lambda image: image.convert("RGB")),
            transforms.Resize((side, side)),
            transforms.ToTensor(),
        ]
    )

    def read(root: Path) -> tuple[Split, list[str]]:
        try:
            folder = datasets.ImageFolder(str(root), transform=transform)
        except (FileNotFoundError, OSError) as exc:
            raise DataError(f"{root}: {exc}") from exc
        images, labels = zip(*(folder[i] for i in range(len(folder))), strict=True)
        return Split(torch.stack(images), torch.tensor(labels)), folder.classes

    if (path / "train").is_dir() and (path / "test").is_dir():
        (train, classes), (test, _) = read(path / "train"), read(path / "test")
    else:
        everything, classes = read(path)
        order = torch.randperm(len(everything.labels), generator=torch.Generator().manual_seed(seed))
        n_test = max(1, len(order) // 5)
        test = Split(everything.images[order[:n_test]], everything.labels[order[:n_test]])
        train = Split(everything.images[order[n_test:]], everything.labels[order[n_test:]])
    return LocalData(path.name, "classification", train, test, len(classes))
