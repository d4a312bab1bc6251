"""What `verify` reads from a paper and how it judges a claim: pure functions, no PyTorch needed."""

from __future__ import annotations

import subprocess
import sys

import pytest

from litextract.document import Document, Page, Table
from litextract.verify import INSTALL_LINE, missing_extra
from litextract.verify.claims import about, find_claims, input_size, number
from litextract.verify.verdict import flops_verdict, metric_verdict, params_verdict
from litextract.verify.zoo import resolve


def doc(*pages: str, tables: list[Table] | None = None) -> Document:
    return Document(
        file="p.pdf",
        path="/p.pdf",
        sha256="c" * 64,
        n_pages=len(pages),
        pages=[Page(number=i + 1, text=t) for i, t in enumerate(pages)],
        tables=tables or [],
    )


def test_numbers_with_scales_and_thousands_separators() -> None:
    assert number("25.6", "M") == pytest.approx(25.6e6)
    assert number("27,794,320") == 27_794_320
    assert number("1.5", "billion") == pytest.approx(1.5e9)


def test_parameter_counts_tied_to_the_backbone_named_before_them() -> None:
    claims = find_claims(
        doc(
            "We fine-tune a ResNet-50 with 25.6M parameters on chest X-rays. "
            "Images were resized to 224×224 pixels before training.\n"
            "UNETR is a moderate-sized model with 92.58M parameters and 41.19G FLOPs."
        )
    )
    params = {c.subject: c.value for c in claims if c.kind == "params"}
    assert params["ResNet-50"] == pytest.approx(25.6e6)
    assert params["UNETR"] == pytest.approx(92.58e6)
    flops = about(claims, "UNETR", "flops")
    assert [c.value for c in flops] == [pytest.approx(41.19e9)]
    assert input_size(claims, (2,)) == (224, 224)


def test_counts_of_parts_other_models_or_lists_have_no_subject() -> None:
    claims = find_claims(
        doc(
            "The first four residual blocks of ResNet-50, about 23.5 million parameters, are frozen. "
            "Our model is larger than ResNet-50 while it has 45.3 M parameters. "
            "DenseNet-121 and ResNet-50 have 8.0M and 25.6M parameters, respectively."
        )
    )
    counts = [c for c in claims if c.kind == "params"]
    assert len(counts) == 3
    assert all(c.subject is None for c in counts)


def test_parameter_phrasings_before_and_after_the_number() -> None:
    claims = find_claims(doc("VGG16: trainable parameters: ~138.4 million. EfficientNet-B0 has 5,288,548 params."))
    assert {c.subject: c.value for c in claims if c.kind == "params"} == {
        "VGG16": pytest.approx(138.4e6),
        "EfficientNet-B0": 5_288_548,
    }


def test_table_rows_named_after_a_backbone() -> None:
    table = Table(
        page=3,
        rows=[["Model", "Params (M)", "Accuracy"], ["Resnet50", "27.79", "54.3%"], ["Ours (proposed)", "4.1", "90%"]],
    )
    claims = find_claims(doc("Results.", tables=[table]))
    assert [(c.subject, c.value, c.page) for c in claims if c.kind == "params"] == [
        ("ResNet-50", pytest.approx(27.79e6), 3),
        (None, pytest.approx(4.1e6), 3),
    ]


def test_sizes_latency_and_throughput() -> None:
    claims = find_claims(
        doc(
            "Volumes were cropped to 96 × 96 × 96 voxels. Input images of 512x512x3 were used in 2-D. "
            "The segmentation time for an image is 35.98 ms. It runs at 23.4 FPS on an NVIDIA V100. "
            "A 3 × 3 convolution follows."
        )
    )
    assert input_size(claims, (3, 2)) == (96, 96, 96)
    assert input_size(claims, (2,)) == (512, 512)
    latency = [c for c in claims if c.kind == "latency"]
    assert [c.value for c in latency] == [pytest.approx(35.98)]
    fps = [c for c in claims if c.kind == "throughput"]
    assert fps[0].value == pytest.approx(23.4)
    assert fps[0].hardware is not None and "V100" in fps[0].hardware


def test_parameter_verdicts_span_no_head_to_an_imagenet_head() -> None:
    full, headless = 25_557_032, 23_508_032  # ResNet-50 with a 1000-class head / without the final layer
    assert params_verdict(25.6e6, full, headless)[0] == "consistent"
    assert params_verdict(23.5e6, full, headless)[0] == "consistent"
    verdict, reason = params_verdict(36.2e6, full, headless)
    assert verdict == "inconsistent" and "36.20M" in reason
    assert params_verdict(20.0e6, full, headless)[0] == "inconsistent"


def test_flops_verdict_accepts_flops_or_macs() -> None:
    counted = 8_178_368_512  # ResNet-50 at 224x224 (a multiply-add counts 2)
    assert flops_verdict(4.1e9, counted)[0] == "consistent"  # MACs, as most papers print them
    assert flops_verdict(8.2e9, counted)[0] == "consistent"
    assert flops_verdict(15e9, counted)[0] == "inconsistent"


def test_metric_verdict_tolerance() -> None:
    assert metric_verdict(0.91, 0.88)[0] == "consistent"
    verdict, reason = metric_verdict(0.95, 0.70)
    assert verdict == "inconsistent" and "below" in reason


def test_zoo_names_resolve_through_the_vocabulary() -> None:
    resolved = resolve("Resnet50")
    assert resolved is not None and resolved.name == "ResNet-50" and resolved.spec.key == "resnet50"
    chexnet = resolve("CheXNet")
    assert chexnet is not None and chexnet.spec.key == "densenet121"
    assert resolve("TransUNet") is None  # in the vocabulary, not buildable by the zoo
    assert resolve("no such net") is None


def test_missing_extra_names_the_install_line() -> None:
    hint = missing_extra(("json", "surely_not_an_installed_module_xyz"))
    assert hint is not None and hint.startswith(INSTALL_LINE) and hint.endswith("surely_not_an_installed_module_xyz")
    assert missing_extra(("json",)) is None


def test_the_rest_of_litextract_never_imports_torch() -> None:
    code = "import sys, litextract.cli, litextract.ingest, litextract.export; print('torch' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)
    assert done.stdout.strip() == "False"


def test_cli_without_torch_prints_the_install_line_and_exits_2(tmp_path) -> None:  # type: ignore[no-untyped-def]
    code = (
        "import sys; sys.modules['torch'] = None; from litextract.cli import app; "
        f"sys.argv = ['litextract', 'verify', '--db', {str(tmp_path / 'x.duckdb')!r}]; app()"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "pip install 'litextract[verify]'" in lines[0] and "torch" in lines[0]


def test_backbones_from_records_and_from_printed_sizes(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from litextract.records import Evidence, Extraction, Model
    from litextract.store import connect
    from litextract.store.queries import find_papers
    from litextract.store.write import save_paper
    from litextract.verify.store import targets

    paper = doc("Our encoder is a ViT-B/16. UNETR is a moderate-sized model with 92.58M parameters and 41.19G FLOPs.")
    ev = Evidence(page=1, quote="ViT-B/16")
    extraction = Extraction(models=[Model(name="Encoder", backbone="ViT-B/16", evidence=ev)])
    db = tmp_path / "t.duckdb"
    with connect(db) as con:
        pid = save_paper(con, paper, extraction)
    with connect(db, read_only=True) as con:
        assert find_papers(con, ["p.pdf", "nope.pdf", pid[:8]]) == ([pid], ["nope.pdf"])
        assert find_papers(con, []) == ([pid], [])
        found = {t.backbone.name: t for t in targets(con, pid)}
    assert set(found) == {"ViT-B/16", "UNETR"}
    assert found["ViT-B/16"].source == "model record" and found["UNETR"].source == "text"
