"""Architecture measurements: parameters, FLOPs (torch's own FlopCounterMode), latency and throughput.

On CUDA, time is taken with CUDA events after synchronising, under bf16 autocast where the GPU supports it;
on the CPU with `time.perf_counter`, in float32. Each timing warms up first, then runs until `budget_s`
seconds or `max_runs` runs have passed (at least `min_runs`), and reports the median.
"""

from __future__ import annotations

import platform
import statistics
import sys
import time
from contextlib import nullcontext
from dataclasses import dataclass
from importlib import metadata
from typing import Any

import torch
from torch import nn
from torch.utils.flop_counter import FlopCounterMode


def device_of(name: str) -> torch.device:
    """'auto' → cuda when one is visible, else cpu; 'cuda' without a GPU is an error a person can read."""
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if name.startswith("cuda") and not torch.cuda.is_available():
        raise RuntimeError("--device cuda: no CUDA device is visible to PyTorch")
    return torch.device(name)


def outputs(result: Any) -> torch.Tensor:
    """The logits of a forward pass: MONAI's ViT returns (logits, hidden states), torchvision's FCN {'out': ...}."""
    if isinstance(result, dict):
        result = result["out"]
    if isinstance(result, tuple | list):
        result = result[0]
    assert isinstance(result, torch.Tensor)
    return result


def parameters(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


def head_parameters(model: nn.Module) -> int:
    """Parameters of the final linear layer (the classification head); 0 for networks without one."""
    linears = [m for m in model.modules() if isinstance(m, nn.Linear)]
    return parameters(linears[-1]) if linears else 0


def autocast(device: torch.device) -> Any:
    """bf16 autocast on a GPU that supports it; nothing on the CPU (float32)."""
    if device.type == "cuda" and torch.cuda.is_bf16_supported():
        return torch.autocast("cuda", dtype=torch.bfloat16)
    return nullcontext()


def flops(model: nn.Module, shape: tuple[int, ...]) -> int:
    """Floating-point operations of one forward pass at `shape` (a multiply-add counts 2), on the CPU."""
    model = model.to("cpu")
    with FlopCounterMode(display=False) as counter, torch.inference_mode():
        model(torch.zeros(shape))
    return int(counter.get_total_flops())


@dataclass(frozen=True)
class Timing:
    batch: int
    ms_per_batch: float  # median
    runs: int

    @property
    def ms_per_item(self) -> float:
        return self.ms_per_batch / self.batch

    @property
    def items_per_s(self) -> float:
        return 1000.0 * self.batch / self.ms_per_batch


def latency(
    model: nn.Module,
    shape: tuple[int, ...],
    device: torch.device,
    *,
    warmup: int = 1,
    min_runs: int = 2,
    max_runs: int = 20,
    budget_s: float = 2.0,
) -> Timing:
    """Median wall time of a forward pass on a batch of `shape` (batch first), with warm-up."""
    model = model.to(device).eval()
    x = torch.randn(shape, device=device)
    times: list[float] = []
    with torch.inference_mode(), autocast(device):
        for _ in range(warmup):
            model(x)
        started = time.perf_counter()
        while len(times) < min_runs or (len(times) < max_runs and time.perf_counter() - started < budget_s):
            times.append(_time_once(model, x, device))
    return Timing(shape[0], statistics.median(times), len(times))


def _time_once(model: nn.Module, x: torch.Tensor, device: torch.device) -> float:
    if device.type == "cuda":
        start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        torch.cuda.synchronize(device)
        start.record()
        model(x)
        end.record()
        torch.cuda.synchronize(device)
        return float(start.elapsed_time(end))
    t = time.perf_counter()
    model(x)
    return (time.perf_counter() - t) * 1000.0


def hardware(device: torch.device) -> str:
    """The GPU's name, or the CPU's model and the threads torch uses."""
    if device.type == "cuda":
        return torch.cuda.get_device_name(device)
    name = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            name = next((line.split(":", 1)[1].strip() for line in fh if line.startswith("model name")), name)
    except OSError:
        pass
    return f"{name} ({torch.get_num_threads()} threads)"


def software() -> dict[str, str]:
    """Versions of Python and of the libraries that built and ran the networks."""
    found = {"python": sys.version.split()[0], "cuda": str(torch.version.cuda)}
    for package in ("litextract", "torch", "torchvision", "timm", "monai"):
        try:
            found[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            found[package] = "absent"
    return found
