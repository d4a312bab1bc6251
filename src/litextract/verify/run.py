"""`litextract verify` as a library call: rebuild each paper's backbones, measure them, store the checks.

For every paper (or those named), every backbone the zoo can build: its parameter count, FLOPs, whether
it runs at the paper's input size, its latency at batch 1 and throughput at a larger batch, each beside
what the paper prints; with `data`, the metrics of a short training run beside the paper's results.
The database is opened only briefly: once to read, then once per paper to write.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import torch

from litextract.store import connect
from litextract.store.queries import find_papers
from litextract.text import key
from litextract.verify import claims as claims_mod
from litextract.verify import measure
from litextract.verify.claims import Claim, ClaimKind
from litextract.verify.data import LocalData, load
from litextract.verify.store import Target, save, targets
from litextract.verify.train import Budget, NotCheckable, Rerun, rerun, side_for
from litextract.verify.verdict import (
    FLOPS_TOLERANCE,
    METRIC_TOLERANCE,
    PARAMS_TOLERANCE,
    Check,
    flops_verdict,
    metric_verdict,
    millions,
    params_verdict,
)
from litextract.verify.zoo import Spec, build
from litextract.vocab import vocabulary

MAX_PIXELS = 512 * 512  # larger claimed inputs are measured at the network's default size (CPU budget)
MAX_VOXELS = 96**3
SLOW_MS = 500.0  # a network slower than this at batch 1 gets throughput measured at batch 2
# names of a family, not of one network: the zoo builds a default variant, parameter claims are not checkable
FAMILIES = {"ViT", "DeiT", "Swin Transformer", "MobileNetV3", "ConvNeXt", "RegNet", "ShuffleNet", "SqueezeNet"}


@dataclass
class Options:
    device: str = "auto"
    data: Path | None = None
    budget: Budget = field(default_factory=Budget)
    out: Path = Path("verify-report")  # Grad-CAM images
    batch_2d: int = 8  # the larger batch for throughput
    batch_3d: int = 2
    timing_s: float = 2.0


@dataclass
class VerifyRun:
    device: str
    hardware: str
    software: dict[str, str]
    checks: list[Check] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # --paper refs that match no paper
    files: dict[str, str] = field(default_factory=dict)  # paper_id -> file name


def verify(
    db: Path,
    refs: list[str],
    options: Options,
    on_target: Callable[[Target], None] | None = None,
) -> VerifyRun:
    """Verify the papers `refs` name (every paper when empty) in `db`, storing every check."""
    device = measure.device_of(options.device)
    with connect(db, read_only=True) as con:
        ids, missing = find_papers(con, refs)
        work = {pid: targets(con, pid) for pid in ids}
    data = (
        load(
            options.data,
            options.budget.size_2d,
            options.budget.size_3d,
            options.budget.max_train,
            options.budget.max_test,
            options.budget.seed,
        )
        if options.data
        else None
    )
    run = VerifyRun(device.type, measure.hardware(device), measure.software(), missing=missing)
    reruns: dict[str, Rerun | str] = {}
    for pid, found in work.items():
        checks: list[Check] = []
        for target in found:
            run.files[pid] = target.file
            if on_target:
                on_target(target)
            checks.extend(check_target(target, device, options, data, reruns))
        if checks:
            with connect(db) as con:
                save(con, checks, run.device, run.hardware, run.software)
            run.checks.extend(checks)
    return run


def _size(spec: Spec, claimed: tuple[int, ...] | None) -> tuple[int, ...]:
    if claimed is None or math.prod(claimed) > (MAX_PIXELS if len(claimed) == 2 else MAX_VOXELS):
        return spec.sizes[spec.dims[0]]
    return claimed


def check_target(
    target: Target, device: torch.device, options: Options, data: LocalData | None, reruns: dict[str, Rerun | str]
) -> list[Check]:
    """Every check of one backbone of one paper; a failure becomes a 'not checkable' row, never an exception."""
    spec, name = target.backbone.spec, target.backbone.name
    paper_claims = claims_mod.find_claims(target.doc)
    base: dict[str, Any] = {"paper_id": target.paper_id, "record_id": target.record_id, "backbone": name}
    context = {"source": target.source, "model": target.model, "zoo": spec.key, "library": spec.library}
    try:
        checks = _architecture(target, spec, paper_claims, device, options, base, context)
    except Exception as exc:  # a network that cannot be built or run here: say so, go on
        reason = " ".join(str(exc).split())[:300] or type(exc).__name__
        return [
            Check(
                **base,
                check_kind="build",
                claimed=None,
                measured=None,
                unit="",
                tolerance=None,
                verdict="not checkable",
                reason=f"{spec.key} could not be built or run: {reason}",
                settings=context,
            )
        ]
    if data is not None:
        checks.extend(_metrics(target, spec, data, device, options, reruns, base, context))
    return checks


def _architecture(
    target: Target,
    spec: Spec,
    paper_claims: list[Claim],
    device: torch.device,
    options: Options,
    base: dict[str, Any],
    context: dict[str, Any],
) -> list[Check]:
    name = target.backbone.name
    claimed_size = claims_mod.input_size(paper_claims, spec.dims)
    size = _size(spec, claimed_size)
    runnable = tuple(side_for(spec, s) for s in size)
    config = spec.config(runnable)
    model = build(spec, config)
    full = measure.parameters(model)
    headless = full - measure.head_parameters(model) if spec.task == "classification" else full
    settings = {**context, "config": asdict(config)}
    checks: list[Check] = []

    def add(
        kind: str,
        claimed: Claim | None,
        measured: float | None,
        unit: str,
        tol: str | None,
        verdict: Any,
        reason: str,
        value: float | None = None,
    ) -> None:
        if value is None and claimed is not None:
            value = claimed.value
        checks.append(
            Check(
                **base,
                check_kind=kind,
                claimed=value,
                measured=measured,
                unit=unit,
                tolerance=tol,
                verdict=verdict,
                reason=reason,
                claimed_text=claimed.as_printed if claimed else None,
                claimed_page=claimed.page if claimed else None,
                settings=settings,
            )
        )

    family = name in FAMILIES
    tol = f"±{PARAMS_TOLERANCE:.0%}"
    about = claims_mod.about(paper_claims, name, "params")
    for claim in about:
        if family:
            add(
                "params",
                claim,
                full,
                "parameters",
                tol,
                "not checkable",
                f"'{name}' names a family, not one network; built {spec.key} ({millions(full)})",
            )
        else:
            add("params", claim, full, "parameters", tol, *params_verdict(claim.value, full, headless))
    if not about:
        add(
            "params",
            None,
            full,
            "parameters",
            tol,
            "not checkable",
            f"the paper prints no parameter count for {name}; built {spec.key}: {millions(full)}"
            + (f" ({millions(headless)} without the head)" if headless != full else ""),
        )

    shape = (1, config.in_channels, *config.input_size)
    counted = measure.flops(model, shape)
    ftol = f"±{FLOPS_TOLERANCE:.0%}"
    about = claims_mod.about(paper_claims, name, "flops")
    for claim in about:
        add("flops", claim, counted, "FLOPs", ftol, *flops_verdict(claim.value, counted))
    if not about:
        add(
            "flops",
            None,
            counted,
            "FLOPs",
            ftol,
            "not checkable",
            f"the paper prints no FLOPs for {name}; counted {counted / 1e9:.2f}G at {_fmt(config.input_size)}",
        )

    unit = "pixels" if len(size) == 2 else "voxels"
    size_claim = next((c for c in paper_claims if c.kind == "input_size" and c.size == claimed_size), None)
    value: float | None = float(math.prod(size))  # the claimed size, in pixels/voxels
    verdict = "not checkable"
    if claimed_size is None:
        size_claim, value = None, None
        reason = f"the paper states no input size; measured at the default {_fmt(runnable)}"
    elif size != claimed_size:
        value = float(math.prod(claimed_size))
        reason = f"{_fmt(claimed_size)} is beyond the CPU budget; measured at {_fmt(runnable)}"
    elif runnable != size:
        reason = f"this {spec.library} build takes multiples of {spec.multiple}; ran {_fmt(runnable)} instead"
    else:
        verdict, reason = "consistent", f"{name} runs at the paper's {_fmt(size)}"
    add("input_size", size_claim, math.prod(runnable), unit, None, verdict, reason, value)

    one = measure.latency(model, shape, device, budget_s=options.timing_s)
    big = options.batch_2d if len(size) == 2 else options.batch_3d
    if one.ms_per_batch > SLOW_MS:  # keep the run bounded on a CPU: a smaller "larger" batch
        big = 2
    many = measure.latency(model, (big, *shape[1:]), device, budget_s=options.timing_s)
    settings["timing"] = {
        "batch_1_runs": one.runs,
        f"batch_{big}_runs": many.runs,
        "precision": "bf16 autocast" if device.type == "cuda" else "float32",
    }
    timed: tuple[tuple[ClaimKind, float, str], ...] = (
        ("latency", one.ms_per_item, "ms"),
        ("throughput", many.items_per_s, "per s"),
    )
    for kind, measured, unit in timed:
        printed = claims_mod.about(paper_claims, name, kind) or [c for c in paper_claims if c.kind == kind]
        timing_claim = printed[0] if printed else None
        here = f"; here batch {1 if kind == 'latency' else big} at {_fmt(config.input_size)}"
        if timing_claim is None:
            reason = "the paper prints none" + here
        else:
            where = f" on {timing_claim.hardware}" if timing_claim.hardware else ""
            whose = "" if timing_claim.subject == name else " (for the paper's own model)"
            reason = f"hardware differs: paper{where} {timing_claim.as_printed}{whose}" + here
        add(kind, timing_claim, measured, unit, None, "not checkable", reason)
    return checks


def _metrics(
    target: Target,
    spec: Spec,
    data: LocalData,
    device: torch.device,
    options: Options,
    reruns: dict[str, Rerun | str],
    base: dict[str, Any],
    context: dict[str, Any],
) -> list[Check]:
    if spec.key not in reruns:
        try:
            reruns[spec.key] = rerun(spec, data, options.budget, device, options.out)
        except NotCheckable as exc:
            reruns[spec.key] = str(exc)
    done = reruns[spec.key]
    if isinstance(done, str):
        return [
            Check(
                **base,
                check_kind="metric",
                claimed=None,
                measured=None,
                unit="",
                tolerance=None,
                verdict="not checkable",
                reason=done,
                settings=context,
            )
        ]
    settings = {**context, **done.settings, "gradcam": done.cams}
    checks = []
    for metric, value in done.metrics.items():
        claimed = [r for r in target.results if r["metric"] == metric and r["value"] is not None]
        for row in claimed:
            if same_dataset(row["dataset"], data.name):
                verdict, reason = metric_verdict(float(row["value"]), value)
            else:
                verdict, reason = "not checkable", f"other data: paper {row['value']:.3f}, re-run {value:.3f}"
            checks.append(
                Check(
                    **base,
                    check_kind=f"metric:{metric}",
                    claimed=float(row["value"]),
                    measured=value,
                    unit="fraction",
                    tolerance=f"±{METRIC_TOLERANCE}",
                    verdict=verdict,
                    reason=f"{reason} (paper: {row['dataset'] or 'dataset not named'}; re-run: {data.name}, "
                    f"{options.budget.epochs} epochs from scratch)",
                    claimed_text=row["as_printed"],
                    claimed_page=row["evidence_page"],
                    settings=settings,
                )
            )
        if not claimed:
            checks.append(
                Check(
                    **base,
                    check_kind=f"metric:{metric}",
                    claimed=None,
                    measured=value,
                    unit="fraction",
                    tolerance=None,
                    verdict="not checkable",
                    reason=f"the paper reports no {metric} for {target.backbone.name}; re-run on "
                    f"{data.name}: {value:.3f}",
                    settings=settings,
                )
            )
    return checks


def same_dataset(paper: str | None, data: str) -> bool:
    """Whether the paper's dataset is the --data one: same canonical name, or one name contains the other."""
    if not paper:
        return False
    vocab = vocabulary()
    a, b = key(vocab.canonical("dataset", paper) or paper), key(vocab.canonical("dataset", data) or data)
    return bool(a and b) and (a in b or b in a)


def _fmt(size: tuple[int, ...]) -> str:
    return "×".join(str(s) for s in size)


def as_dicts(run: VerifyRun) -> list[dict[str, Any]]:
    """The run's checks as plain dicts (for --json), with the paper's file name."""
    return [{"file": run.files.get(c.paper_id), **asdict(c)} for c in run.checks]
