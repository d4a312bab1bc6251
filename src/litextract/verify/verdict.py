"""Verdicts: a claimed number beside a measured one, and whether they agree within a documented tolerance.

- parameters: ±5% of the built network, where the network spans every classification head from none to a
  1000-class ImageNet head (papers print either, and heads differ by dataset);
- FLOPs: ±10% of the counted FLOPs or of the MACs (FLOPs / 2), since papers print either under one name;
- metrics: ±0.05 absolute (5 percentage points), and only meaningful on the paper's dataset and budget;
- latency, throughput: never comparable across hardware, so "not checkable", shown side by side.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Verdict = Literal["consistent", "inconsistent", "not checkable"]
PARAMS_TOLERANCE = 0.05
FLOPS_TOLERANCE = 0.10
METRIC_TOLERANCE = 0.05


@dataclass
class Check:
    """One row of the verifications table."""

    paper_id: str
    record_id: str | None
    backbone: str
    check_kind: str  # params | flops | input_size | latency | throughput | metric:<name> | gradcam
    claimed: float | None
    measured: float | None
    unit: str
    tolerance: str | None
    verdict: Verdict
    reason: str
    claimed_text: str | None = None
    claimed_page: int | None = None
    settings: dict[str, Any] = field(default_factory=dict)


def millions(n: float) -> str:
    return f"{n / 1e6:.2f}M"


def params_verdict(claimed: float, full: int, headless: int, tol: float = PARAMS_TOLERANCE) -> tuple[Verdict, str]:
    """Consistent when `claimed` lies in [headless - tol, full + tol] (full = with a 1000-class head)."""
    low, high = min(full, headless) * (1 - tol), max(full, headless) * (1 + tol)
    span = (
        millions(full) if full == headless else f"{millions(headless)} (no head) to {millions(full)} (1000 classes)"
    )
    if low <= claimed <= high:
        return "consistent", f"paper {millions(claimed)}; built {span}; within ±{tol:.0%}"
    side = "more" if claimed > high else "fewer"
    return "inconsistent", f"paper {millions(claimed)} is {side} than the built {span} allows (±{tol:.0%})"


def flops_verdict(claimed: float, counted: int, tol: float = FLOPS_TOLERANCE) -> tuple[Verdict, str]:
    """Consistent when `claimed` is within tol of the counted FLOPs or of the MACs (FLOPs / 2)."""
    g = 1e9
    for value, name in ((counted, "FLOPs"), (counted / 2, "MACs")):
        if abs(claimed - value) <= tol * value:
            return "consistent", f"paper {claimed / g:.2f}G; counted {value / g:.2f}G {name}; within ±{tol:.0%}"
    return "inconsistent", f"paper {claimed / g:.2f}G; counted {counted / g:.2f}G FLOPs = {counted / 2 / g:.2f}G MACs"


def metric_verdict(claimed: float, measured: float, tol: float = METRIC_TOLERANCE) -> tuple[Verdict, str]:
    if abs(claimed - measured) <= tol:
        return "consistent", f"paper {claimed:.3f}; re-run {measured:.3f}; within ±{tol}"
    side = "below" if measured < claimed else "above"
    return "inconsistent", f"re-run {measured:.3f} is {abs(claimed - measured):.3f} {side} the paper's {claimed:.3f}"
