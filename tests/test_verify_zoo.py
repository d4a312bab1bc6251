"""The zoo builds the published architectures: parameter counts, FLOPs and timings of real networks."""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("monai")

from litextract.verify import measure  # noqa: E402
from litextract.verify.zoo import ZOO, build, resolve  # noqa: E402

pytestmark = pytest.mark.torch


@pytest.mark.parametrize(
    ("name", "expected"),
    [("ResNet-50", 25_557_032), ("DenseNet-121", 7_978_856), ("VGG16", 138_357_544), ("EfficientNet-B0", 5_288_548)],
)
def test_parameter_counts_match_the_published_networks(name: str, expected: int) -> None:
    resolved = resolve(name)
    assert resolved is not None
    model = build(resolved.spec, resolved.spec.config())  # 3 channels, 1000 ImageNet classes, 224x224
    assert measure.parameters(model) == expected


def test_head_is_the_final_linear_layer() -> None:
    spec = ZOO["resnet50"]
    model = build(spec, spec.config())
    assert measure.parameters(model) - measure.head_parameters(model) == 25_557_032 - (2048 * 1000 + 1000)
    two_classes = build(spec, spec.config(out_channels=2))
    assert measure.parameters(two_classes) == 25_557_032 - 2048 * 998 - 998


def test_flops_of_resnet50_at_224_are_twice_its_4_1_gmacs() -> None:
    spec = ZOO["resnet50"]
    counted = measure.flops(build(spec, spec.config()), (1, 3, 224, 224))
    assert 4.0e9 <= counted / 2 <= 4.2e9


def test_segmentation_network_in_3d_and_its_output_shape() -> None:
    spec = ZOO["unetr"]
    config = spec.config((32, 32, 32))
    assert config.spatial_dims == 3 and config.in_channels == 1 and config.out_channels == 14
    model = build(spec, config)
    with torch.inference_mode():
        out = measure.outputs(model(torch.zeros(1, 1, 32, 32, 32)))
    assert tuple(out.shape) == (1, 14, 32, 32, 32)


def test_latency_and_throughput_on_the_cpu() -> None:
    spec = ZOO["resnet18"]
    model = build(spec, spec.config((32, 32), out_channels=2))
    device = measure.device_of("cpu")
    one = measure.latency(model, (1, 3, 32, 32), device, budget_s=0.2)
    four = measure.latency(model, (4, 3, 32, 32), device, budget_s=0.2)
    assert one.runs >= 2 and one.ms_per_batch > 0
    assert four.items_per_s == pytest.approx(4000 / four.ms_per_batch)
    assert "threads" in measure.hardware(device)
    assert measure.software()["monai"] != "absent"


def test_cuda_without_a_gpu_is_a_readable_error() -> None:
    if torch.cuda.is_available():
        pytest.skip("a GPU is visible")
    with pytest.raises(RuntimeError, match="no CUDA device"):
        measure.device_of("cuda")
    assert measure.device_of("auto").type == "cpu"
