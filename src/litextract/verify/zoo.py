"""The model zoo: canonical backbone names → constructors, built untrained (no weights are downloaded).

Names resolve through the vocabulary (`vocab/backbones.toml`, whose entries carry a `zoo` key); MONAI builds
what it has, torchvision and timm the rest. Every constructor takes a `Config` (spatial dims, channels,
classes or output channels, input size) so a network can be built the way a paper used it. Defaults and the
reasons for each choice are in docs/verify.md.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from litextract.text import key
from litextract.vocab import vocabulary

if TYPE_CHECKING:
    from torch import nn

ZooTask = Literal["classification", "segmentation"]
Size = tuple[int, ...]


@dataclass(frozen=True)
class Config:
    """How to build one network: 2-D or 3-D, input channels, classes (or segmentation labels), input size."""

    spatial_dims: int
    in_channels: int
    out_channels: int
    input_size: Size


@dataclass(frozen=True)
class Spec:
    """One buildable architecture and what it accepts."""

    key: str
    library: Literal["monai", "torchvision", "timm"]
    task: ZooTask
    make: Callable[[Config], nn.Module]
    dims: tuple[int, ...] = (2,)
    sizes: dict[int, Size] = field(default_factory=lambda: {2: (224, 224), 3: (96, 96, 96)})
    classes: int = 1000
    in_channels: int | None = None  # fixed by the library (torchvision/timm: 3), None = configurable
    multiple: int = 1  # every input side must be a multiple of this
    min_side: int = 32
    fixed_size: bool = False  # the network is built for one input size (ViT, UNETR): build at the size used
    cam_layer: str | None = None  # layer for Grad-CAM; None = the last convolution

    def config(
        self, input_size: Size | None = None, in_channels: int | None = None, out_channels: int | None = None
    ) -> Config:
        """A Config with the paper's (or the data's) values where given, else this network's defaults."""
        size = input_size if input_size and len(input_size) in self.dims else self.sizes[self.dims[0]]
        channels = self.in_channels or in_channels or (3 if self.task == "classification" else 1)
        return Config(len(size), channels, out_channels or self.classes, tuple(size))


def _monai(name: str, **fixed: Any) -> Callable[[Config], nn.Module]:
    def make(c: Config) -> nn.Module:
        from monai.networks import nets

        return getattr(nets, name)(
            spatial_dims=c.spatial_dims, in_channels=c.in_channels, **fixed, **_classes(name, c)
        )

    return make


def _classes(name: str, c: Config) -> dict[str, int]:
    return {"out_channels": c.out_channels} if name.startswith("DenseNet") else {"num_classes": c.out_channels}


def _monai_resnet(depth: int) -> Callable[[Config], nn.Module]:
    def make(c: Config) -> nn.Module:
        from monai.networks import nets

        # stride-2 stem and no downsample bias: the torchvision/He et al. ResNet (MONAI defaults to the 3-D video one)
        return getattr(nets, f"resnet{depth}")(
            spatial_dims=c.spatial_dims,
            n_input_channels=c.in_channels,
            num_classes=c.out_channels,
            conv1_t_stride=2,
            bias_downsample=False,
        )

    return make


def _efficientnet(variant: str) -> Callable[[Config], nn.Module]:
    def make(c: Config) -> nn.Module:
        from monai.networks.nets import EfficientNetBN

        return EfficientNetBN(
            f"efficientnet-{variant}",
            pretrained=False,
            spatial_dims=c.spatial_dims,
            in_channels=c.in_channels,
            num_classes=c.out_channels,
        )

    return make


def _vit(patch: int, hidden: int, mlp: int, layers: int, heads: int) -> Callable[[Config], nn.Module]:
    def make(c: Config) -> nn.Module:
        from monai.networks.nets import ViT

        return ViT(
            in_channels=c.in_channels,
            img_size=c.input_size,
            patch_size=patch,
            hidden_size=hidden,
            mlp_dim=mlp,
            num_layers=layers,
            num_heads=heads,
            classification=True,
            num_classes=c.out_channels,
            spatial_dims=c.spatial_dims,
            qkv_bias=True,
        )

    return make


def _torchvision(name: str, **fixed: Any) -> Callable[[Config], nn.Module]:
    def make(c: Config) -> nn.Module:
        import torchvision

        return torchvision.models.get_model(name, weights=None, num_classes=c.out_channels, **fixed)

    return make


def _timm(name: str, fixed_size: bool) -> Callable[[Config], nn.Module]:
    def make(c: Config) -> nn.Module:
        import timm

        size: dict[str, Any] = {"img_size": c.input_size} if fixed_size else {}  # built for one input size
        return timm.create_model(name, pretrained=False, num_classes=c.out_channels, in_chans=c.in_channels, **size)

    return make


def _unet(c: Config) -> nn.Module:
    from monai.networks.nets import BasicUNet

    # Ronneberger et al.: two 3x3 convolutions per level, 64..1024 feature maps, max-pooling, up-convolutions
    return BasicUNet(c.spatial_dims, c.in_channels, c.out_channels, features=(64, 128, 256, 512, 1024, 64))


def _unetpp(c: Config) -> nn.Module:
    from monai.networks.nets import BasicUNetPlusPlus

    return BasicUNetPlusPlus(c.spatial_dims, c.in_channels, c.out_channels, features=(64, 128, 256, 512, 1024, 64))


def _attention_unet(c: Config) -> nn.Module:
    from monai.networks.nets import AttentionUnet

    return AttentionUnet(c.spatial_dims, c.in_channels, c.out_channels, (64, 128, 256, 512, 1024), (2, 2, 2, 2))


def _vnet(c: Config) -> nn.Module:
    from monai.networks.nets import VNet

    return VNet(c.spatial_dims, c.in_channels, c.out_channels)


def _segresnet(c: Config) -> nn.Module:
    from monai.networks.nets import SegResNet

    # Myronenko 2018 (BraTS): 32 initial filters, blocks (1, 2, 2, 4) down and (1, 1, 1) up
    return SegResNet(c.spatial_dims, init_filters=32, in_channels=c.in_channels, out_channels=c.out_channels)


def _unetr(c: Config) -> nn.Module:
    from monai.networks.nets import UNETR

    # Hatamizadeh et al. 2022: ViT-B/16 encoder, feature size 16
    return UNETR(c.in_channels, c.out_channels, c.input_size, feature_size=16, spatial_dims=c.spatial_dims)


def _swinunetr(c: Config) -> nn.Module:
    from monai.networks.nets import SwinUNETR

    # Hatamizadeh et al. 2022 (BraTS / BTCV): feature size 48
    return SwinUNETR(c.in_channels, c.out_channels, feature_size=48, spatial_dims=c.spatial_dims)


def _torchvision_seg(name: str) -> Callable[[Config], nn.Module]:
    def make(c: Config) -> nn.Module:
        import torchvision

        return torchvision.models.get_model(name, weights=None, weights_backbone=None, num_classes=c.out_channels)

    return make


_SIZES_2D: dict[int, Size] = {2: (224, 224)}
_SIZES_299: dict[int, Size] = {2: (299, 299)}
_SEG_SIZES: dict[int, Size] = {2: (256, 256), 3: (96, 96, 96)}


def _specs() -> list[Spec]:
    specs: list[Spec] = []
    for depth in (18, 34, 50, 101, 152):
        specs.append(
            Spec(f"resnet{depth}", "monai", "classification", _monai_resnet(depth), (2, 3), cam_layer="layer4")
        )
    for depth in (121, 169, 201):
        make = _monai(f"DenseNet{depth}")
        specs.append(Spec(f"densenet{depth}", "monai", "classification", make, (2, 3), cam_layer="class_layers.relu"))
    for variant in ("b0", "b1", "b2", "b3", "b4", "b5", "b6", "b7"):
        specs.append(Spec(f"efficientnet_{variant}", "monai", "classification", _efficientnet(variant), (2, 3)))
    for name, cls in (("senet154", "SENet154"), ("se_resnet50", "SEResNet50"), ("se_resnext50", "SEResNext50")):
        specs.append(Spec(name, "monai", "classification", _monai(cls), (2, 3), cam_layer="layer4"))
    for name, patch, hidden, mlp, layers, heads in (
        ("vit_b_16", 16, 768, 3072, 12, 12),
        ("vit_b_32", 32, 768, 3072, 12, 12),
        ("vit_l_16", 16, 1024, 4096, 24, 16),
    ):
        specs.append(
            Spec(
                name,
                "monai",
                "classification",
                _vit(patch, hidden, mlp, layers, heads),
                (2, 3),
                multiple=patch,
                fixed_size=True,
            )
        )
    tv_fixed: dict[str, dict[str, Any]] = {
        "inception_v3": {"aux_logits": False, "init_weights": False},
        "googlenet": {"aux_logits": False, "init_weights": False},
    }
    for name in (
        "vgg11", "vgg13", "vgg16", "vgg19", "alexnet", "densenet161", "googlenet", "inception_v3",
        "mobilenet_v2", "mobilenet_v3_small", "mobilenet_v3_large", "squeezenet1_1", "shufflenet_v2_x1_0",
        "resnext50_32x4d", "wide_resnet50_2", "efficientnet_v2_s", "regnet_y_400mf", "convnext_tiny",
        "convnext_base", "swin_t", "swin_s", "swin_b",
    ):  # fmt: skip
        sizes = _SIZES_299 if name == "inception_v3" else _SIZES_2D
        fixed = name.startswith("swin")
        specs.append(
            Spec(
                name,
                "torchvision",
                "classification",
                _torchvision(name, **tv_fixed.get(name, {})),
                sizes=sizes,
                in_channels=3,
                min_side=75 if name == "inception_v3" else 32,
                multiple=32 if fixed else 1,
            )
        )
    for name, timm_name, size in (
        ("xception", "legacy_xception", 299),
        ("inception_v4", "inception_v4", 299),
        ("inception_resnet_v2", "inception_resnet_v2", 299),
        ("ghostnet_100", "ghostnet_100", 224),
        ("nasnetalarge", "nasnetalarge", 331),
        ("deit_small_patch16_224", "deit_small_patch16_224", 224),
        ("beit_base_patch16_224", "beit_base_patch16_224", 224),
        ("vit_base_r50_s16_224", "vit_base_r50_s16_224", 224),
    ):
        fixed = "patch16" in name or "vit" in name
        specs.append(
            Spec(
                name,
                "timm",
                "classification",
                _timm(timm_name, fixed),
                sizes={2: (size, size)},
                in_channels=3,
                min_side=75,
                fixed_size=fixed,
                multiple=16 if fixed else 1,
            )
        )
    seg: list[tuple[str, Callable[[Config], nn.Module], int, bool]] = [
        ("unet", _unet, 16, False),
        ("unetplusplus", _unetpp, 16, False),
        ("attention_unet", _attention_unet, 16, False),
        ("vnet", _vnet, 16, False),
        ("segresnet", _segresnet, 8, False),
        ("unetr", _unetr, 16, True),
        ("swinunetr", _swinunetr, 32, False),
    ]
    for name, make_seg, multiple, fixed in seg:
        dims = (3, 2) if name in ("unetr", "swinunetr", "vnet", "segresnet") else (2, 3)
        classes = 14 if name in ("unetr", "swinunetr") else 2
        specs.append(
            Spec(name, "monai", "segmentation", make_seg, dims, _SEG_SIZES, classes, None, multiple, multiple, fixed)
        )
    for name in ("fcn_resnet50", "deeplabv3_resnet50"):
        specs.append(
            Spec(
                name,
                "torchvision",
                "segmentation",
                _torchvision_seg(name),
                sizes={2: (512, 512)},
                classes=21,
                in_channels=3,
            )
        )
    return specs


ZOO: dict[str, Spec] = {s.key: s for s in _specs()}


@dataclass(frozen=True)
class Resolved:
    """A backbone name as the paper gives it, its canonical name, and the zoo entry that builds it."""

    name: str
    spec: Spec
    aliases: tuple[str, ...]


def resolve(name: str | None) -> Resolved | None:
    """The zoo entry for a backbone name (any vocabulary alias), or None when the zoo cannot build it."""
    if not name:
        return None
    entry = vocabulary().lookup("backbone", name)
    if entry is not None:
        spec = ZOO.get(str(entry.attrs.get("zoo", "")))
        return Resolved(entry.name, spec, entry.forms) if spec else None
    spec = ZOO.get(name) or next((s for k, s in ZOO.items() if key(k) == key(name)), None)
    return Resolved(name, spec, (name,)) if spec else None


def build(spec: Spec, config: Config) -> nn.Module:
    """The untrained network, in eval mode."""
    model = spec.make(config)
    model.eval()
    return model
