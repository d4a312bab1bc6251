"""Metric re-runs: train a paper's backbone briefly on local data, evaluate it, and save Grad-CAM images.

The budget is fixed and recorded with every result (docs/verify.md): `epochs` passes over at most
`max_train` samples at `size_2d`² pixels or `size_3d`³ voxels, batch `batch`, Adam at `lr`, seed `seed`,
from random initialisation (no pretrained weights can be downloaded); batch-norm statistics are then
recomputed over the training set (`torch.optim.swa_utils.update_bn`). A short run from scratch is a floor,
not a reproduction: the numbers tell whether the architecture learns the task at all on this data.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch
from PIL import Image
from torch import nn
from torch.optim.swa_utils import update_bn

from litextract.verify import metrics
from litextract.verify.data import LocalData
from litextract.verify.measure import autocast, outputs
from litextract.verify.zoo import Spec, build

NO_CAM = ("vit", "deit", "beit", "swin")  # transformers: their only convolution is the patch embedding


@dataclass(frozen=True)
class Budget:
    epochs: int = 3
    batch: int = 32
    lr: float = 1e-3
    size_2d: int = 64
    size_3d: int = 32
    max_train: int = 2048
    max_test: int = 1024
    seed: int = 0
    cam_samples: int = 4


@dataclass
class Rerun:
    metrics: dict[str, float]
    settings: dict[str, Any]
    cams: list[str] = field(default_factory=list)


class NotCheckable(Exception):
    """This backbone cannot be trained on this data (task or dimensionality differ); the message says why."""


def side_for(spec: Spec, side: int) -> int:
    """The nearest side ≥ `side` the network accepts (its minimum and its multiple)."""
    side = max(side, spec.min_side)
    return math.ceil(side / spec.multiple) * spec.multiple


def rerun(spec: Spec, data: LocalData, budget: Budget, device: torch.device, out: Path) -> Rerun:
    """Train `spec` on `data.train`, evaluate on `data.test`; Grad-CAM PNGs go to `out`."""
    if spec.task != data.task:
        raise NotCheckable(f"{spec.key} is a {spec.task} network; {data.name} is a {data.task} dataset")
    if data.spatial_dims not in spec.dims:
        raise NotCheckable(f"{spec.key} takes {' or '.join(f'{d}-D' for d in spec.dims)} input; the data is "
                           f"{data.spatial_dims}-D")  # fmt: skip
    side = data.train.images.shape[-1]
    if side_for(spec, side) != side:
        raise NotCheckable(f"{spec.key} needs sides that are multiples of {spec.multiple} from {spec.min_side}")
    torch.manual_seed(budget.seed)
    config = spec.config(tuple(data.train.images.shape[2:]), data.train.images.shape[1], data.n_classes)
    model = build(spec, config).to(device)
    _train(model, data, budget, device)
    # a short run leaves batch-norm running averages far behind the weights: recompute them on the training set
    update_bn(data.train.images.split(budget.batch), model, device)
    model.eval()
    settings = {"budget": asdict(budget), "config": asdict(config), "data": data.name,
                "n_train": len(data.train.labels), "n_test": len(data.test.labels)}  # fmt: skip
    logits = _predict(model, data.test.images, budget.batch, device)
    if data.task == "classification":
        found = metrics.classification(logits.softmax(dim=1), data.test.labels)
        cams = [] if spec.key.startswith(NO_CAM) else _gradcam(model, spec, data, device, out, budget.cam_samples)
        return Rerun(found, settings, cams)
    return Rerun(metrics.segmentation(logits.argmax(dim=1), data.test.labels, data.n_classes), settings)


def _train(model: nn.Module, data: LocalData, budget: Budget, device: torch.device) -> None:
    from monai.losses import DiceCELoss

    loss_fn: nn.Module = (
        nn.CrossEntropyLoss() if data.task == "classification" else DiceCELoss(to_onehot_y=True, softmax=True)
    )
    optimiser = torch.optim.Adam(model.parameters(), lr=budget.lr)
    generator = torch.Generator().manual_seed(budget.seed)
    model.train()
    n = len(data.train.labels)
    for _ in range(budget.epochs):
        for idx in torch.randperm(n, generator=generator).split(budget.batch):
            if len(idx) < 2:  # batch norm needs two samples
                continue
            x, y = data.train.images[idx].to(device), data.train.labels[idx].to(device)
            with autocast(device):
                logits = outputs(model(x))
                loss = loss_fn(logits.float(), y if data.task == "classification" else y[:, None])
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()


def _predict(model: nn.Module, images: torch.Tensor, batch: int, device: torch.device) -> torch.Tensor:
    parts = []
    with torch.inference_mode(), autocast(device):
        for chunk in images.split(batch):
            parts.append(outputs(model(chunk.to(device))).float().cpu())
    return torch.cat(parts)


def cam_layer(model: nn.Module, spec: Spec) -> str:
    """The layer Grad-CAM reads: the zoo's choice, else the network's last convolution."""
    if spec.cam_layer:
        return spec.cam_layer
    convs = [name for name, m in model.named_modules() if isinstance(m, nn.Conv2d | nn.Conv3d)]
    if not convs:
        raise NotCheckable(f"{spec.key} has no convolution for Grad-CAM")
    return convs[-1]


def _gradcam(model: nn.Module, spec: Spec, data: LocalData, device: torch.device, out: Path, k: int) -> list[str]:
    from monai.visualize import GradCAM

    if data.spatial_dims != 2 or k <= 0:
        return []
    out.mkdir(parents=True, exist_ok=True)
    images = data.test.images[:k].to(device)
    maps = GradCAM(nn_module=model, target_layers=cam_layer(model, spec))(x=images).detach().float().cpu()
    written = []
    for i, (image, heat) in enumerate(zip(images.cpu(), maps, strict=True)):
        path = out / f"gradcam_{spec.key}_{data.name}_{i}.png"
        overlay(image, heat[0]).save(path)
        written.append(str(path))
    return written


def overlay(image: torch.Tensor, heat: torch.Tensor, alpha: float = 0.45) -> Image.Image:
    """An RGB picture of a (C, H, W) image in [0, 1] under a red-to-yellow Grad-CAM map in [0, 1], ≥ 224 px."""
    base = image[:3].mean(dim=0, keepdim=True).repeat(3, 1, 1) if image.shape[0] != 3 else image
    h = heat.clamp(0, 1)
    colour = torch.stack([torch.ones_like(h), h, torch.zeros_like(h)]) * h
    mixed = ((1 - alpha * h) * base + alpha * colour).clamp(0, 1)
    pixels = (mixed.permute(1, 2, 0).numpy() * 255).astype(np.uint8)
    picture = Image.fromarray(pixels)
    scale = max(1, 224 // max(picture.size))
    return picture.resize((picture.width * scale, picture.height * scale), Image.Resampling.NEAREST)
