"""Build src/litextract/vocab/backbones.toml: architectures from the model registries of timm and torchvision
(every depth / size variant a registry builds is its own entry), plus the architectures of the field from their
papers (sources/architectures.tsv: name, aliases, family, type, task, source, extra).

    pip download --no-deps timm==1.0.31 torchvision==0.29.1 -d /tmp/pkgs
    python scripts/vocab/build_backbones.py --packages /tmp/pkgs

A registry family turns model names into canonical names ("resnet50" -> ResNet-50, "vit_base_patch16_224" ->
ViT-B/16); the registry name itself is kept as an alias. The TOML file is the committed artefact.
"""

from __future__ import annotations

import argparse
import re
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from toml_out import runs, toml

HERE = Path(__file__).parent
OUT = HERE.parents[1] / "src" / "litextract" / "vocab" / "backbones.toml"
_KEY = re.compile(r"[^0-9a-z+]+")  # "+" kept: UNet++ and U-Net are two architectures
SIZE = {"atto": "A", "femto": "F", "pico": "P", "nano": "N", "tiny": "T", "small": "S", "base": "B",
        "large": "L", "xlarge": "XL", "xxlarge": "XXL", "huge": "H", "giant": "g"}  # fmt: skip
SIZE_WORD = {"T": "Tiny", "S": "Small", "B": "Base", "L": "Large", "H": "Huge", "XL": "XLarge"}
VIT = {"tiny": "Ti", "small": "S", "base": "B", "large": "L", "huge": "H", "giant": "g"}


def key(text: str) -> str:
    return _KEY.sub("", text.casefold())


def _regnet(m: re.Match[str]) -> str:
    flops = m.group(2).replace("_", ".")
    return f"RegNet{m.group(1).upper()}-{flops.upper()}"


def _mf(m: re.Match[str]) -> str:  # timm's regnetx_016 is 1.6 GF, regnetx_004 400 MF
    n = int(m.group(2))
    flops = f"{n * 100}MF" if n < 10 else f"{n / 10:g}GF"
    return f"RegNet{m.group(1).upper()}-{flops}"


# (registry, pattern, canonical, family, type): `canonical` is a format string over the match's groups or a
# function of the match. The first rule that matches a registry name wins.
Rule = tuple[str, str, object, str, str]
RULES: list[Rule] = [
    ("torchvision", r"resnet(18|34|50|101|152)", "ResNet-{0}", "ResNet", "cnn"),
    ("timm", r"resnet(26|200)", "ResNet-{0}", "ResNet", "cnn"),
    ("timm", r"resnetv2_(50|101|152)", "ResNetV2-{0}", "ResNet", "cnn"),
    ("timm", r"resnetrs(50|101|152|200|270|350|420)", "ResNet-RS-{0}", "ResNet", "cnn"),
    ("torchvision", r"resnext50_32x4d", "ResNeXt-50", "ResNeXt", "cnn"),
    ("timm", r"resnext101_(32x4d|32x8d|32x16d|64x4d)", "ResNeXt-101 {0}", "ResNeXt", "cnn"),
    ("torchvision", r"wide_resnet(50|101)_2", "Wide ResNet-{0}-2", "ResNet", "cnn"),
    ("timm", r"seresnet(18|34|50|101|152)", "SE-ResNet-{0}", "SENet", "cnn"),
    ("timm", r"seresnext(50|101)_(32x4d)", "SE-ResNeXt-{0} {1}", "SENet", "cnn"),
    ("timm", r"legacy_senet154", "SENet-154", "SENet", "cnn"),
    ("timm", r"res2net(50|101)_26w_4s", "Res2Net-{0}", "Res2Net", "cnn"),
    ("timm", r"resnest(50|101|200|269)[de]", "ResNeSt-{0}", "ResNeSt", "cnn"),
    ("torchvision", r"vgg(11|13|16|19)", "VGG{0}", "VGG", "cnn"),
    ("torchvision", r"vgg(11|13|16|19)_bn", "VGG{0}-BN", "VGG", "cnn"),
    ("torchvision", r"densenet(121|161|169|201)", "DenseNet-{0}", "DenseNet", "cnn"),
    ("timm", r"densenet(264)d", "DenseNet-{0}", "DenseNet", "cnn"),
    ("torchvision", r"googlenet", "GoogLeNet", "Inception", "cnn"),
    ("torchvision", r"inception_v3", "InceptionV3", "Inception", "cnn"),
    ("timm", r"inception_v4", "InceptionV4", "Inception", "cnn"),
    ("timm", r"inception_resnet_v2", "Inception-ResNet-v2", "Inception", "cnn"),
    ("timm", r"legacy_xception", "Xception", "Xception", "cnn"),
    ("timm", r"xception(41|65|71)", "Xception-{0}", "Xception", "cnn"),
    ("torchvision", r"alexnet", "AlexNet", "AlexNet", "cnn"),
    ("torchvision", r"squeezenet1_([01])", "SqueezeNet 1.{0}", "SqueezeNet", "cnn"),
    ("torchvision", r"mobilenet_v2", "MobileNetV2", "MobileNet", "cnn"),
    ("torchvision", r"mobilenet_v3_(small|large)", lambda m: f"MobileNetV3-{m.group(1).title()}", "MobileNet", "cnn"),
    (
        "timm",
        r"mobilenetv4_conv_(small|medium|large)",
        lambda m: f"MobileNetV4-Conv-{m.group(1)[0].upper()}",
        "MobileNet",
        "cnn",
    ),
    (
        "timm",
        r"mobilenetv4_hybrid_(medium|large)",
        lambda m: f"MobileNetV4-Hybrid-{m.group(1)[0].upper()}",
        "MobileNet",
        "hybrid",
    ),
    (
        "torchvision",
        r"mnasnet(0_5|0_75|1_0|1_3)",
        lambda m: f"MnasNet-{m.group(1).replace('_', '.')}",
        "MnasNet",
        "cnn",
    ),
    (
        "torchvision",
        r"shufflenet_v2_x(0_5|1_0|1_5|2_0)",
        lambda m: f"ShuffleNetV2-x{m.group(1).replace('_', '.')}",
        "ShuffleNet",
        "cnn",
    ),
    ("timm", r"ghostnet_100", "GhostNet", "GhostNet", "cnn"),
    ("timm", r"ghostnetv2_100", "GhostNetV2", "GhostNet", "cnn"),
    ("timm", r"nasnetalarge", "NASNet-A-Large", "NASNet", "cnn"),
    ("timm", r"pnasnet5large", "PNASNet-5-Large", "NASNet", "cnn"),
    ("timm", r"efficientnet_b([0-8])", "EfficientNet-B{0}", "EfficientNet", "cnn"),
    (
        "torchvision",
        r"efficientnet_v2_([sml])",
        lambda m: f"EfficientNetV2-{m.group(1).upper()}",
        "EfficientNet",
        "cnn",
    ),
    ("timm", r"efficientnetv2_(xl)", "EfficientNetV2-XL", "EfficientNet", "cnn"),
    ("torchvision", r"regnet_([xy])_(400mf|800mf|1_6gf|3_2gf|8gf|16gf|32gf|128gf)", _regnet, "RegNet", "cnn"),
    ("timm", r"regnet([xy])_(002|006)", _mf, "RegNet", "cnn"),
    ("timm", r"dpn(68|92|98|107|131)", "DPN-{0}", "DPN", "cnn"),
    ("timm", r"hrnet_w(18|30|32|40|44|48|64)", "HRNet-W{0}", "HRNet", "cnn"),
    ("timm", r"repvgg_([ab][0-3])", lambda m: f"RepVGG-{m.group(1).upper()}", "RepVGG", "cnn"),
    ("timm", r"darknet53", "DarkNet-53", "DarkNet", "cnn"),
    ("timm", r"cspdarknet53", "CSPDarkNet-53", "DarkNet", "cnn"),
    ("timm", r"nfnet_f([0-6])", "NFNet-F{0}", "NFNet", "cnn"),
    ("timm", r"tresnet_(m|l|xl)", lambda m: f"TResNet-{m.group(1).upper()}", "TResNet", "cnn"),
    ("timm", r"mixnet_(s|m|l)", lambda m: f"MixNet-{m.group(1).upper()}", "MixNet", "cnn"),
    (
        "timm",
        r"convnext_(atto|femto|pico|nano|tiny|small|base|large|xlarge)",
        lambda m: f"ConvNeXt-{SIZE[m.group(1)]}",
        "ConvNeXt",
        "cnn",
    ),
    (
        "timm",
        r"convnextv2_(atto|femto|pico|nano|tiny|base|large|huge)",
        lambda m: f"ConvNeXtV2-{SIZE[m.group(1)]}",
        "ConvNeXt",
        "cnn",
    ),
    (
        "timm",
        r"vit_(tiny|small|base|large|huge|giant)_patch(8|14|16|32)_224",
        lambda m: f"ViT-{VIT[m.group(1)]}/{m.group(2)}",
        "ViT",
        "transformer",
    ),
    ("torchvision", r"vit_h_14", "ViT-H/14", "ViT", "transformer"),
    ("timm", r"vit_base_r50_s16_224", "R50-ViT-B/16", "ViT", "hybrid"),
    ("timm", r"deit_(tiny|small|base)_patch16_224", lambda m: f"DeiT-{VIT[m.group(1)]}", "ViT", "transformer"),
    ("timm", r"beit_(base|large)_patch16_224", lambda m: f"BEiT-{VIT[m.group(1)]}/16", "ViT", "transformer"),
    (
        "timm",
        r"swin_(tiny|small|base|large)_patch4_window7_224",
        lambda m: f"Swin-{SIZE[m.group(1)]}",
        "Swin Transformer",
        "transformer",
    ),
    ("torchvision", r"swin_v2_([tsb])", lambda m: f"SwinV2-{m.group(1).upper()}", "Swin Transformer", "transformer"),
    ("timm", r"swinv2_large_window12_192", "SwinV2-L", "Swin Transformer", "transformer"),
    ("torchvision", r"swin3d_([tsb])", lambda m: f"Swin3D-{m.group(1).upper()}", "Swin Transformer", "transformer"),
    ("timm", r"pvt_v2_(b[0-5])", lambda m: f"PVTv2-{m.group(1).upper()}", "PVT", "transformer"),
    (
        "timm",
        r"twins_(pcpvt|svt)_(small|base|large)",
        lambda m: f"Twins-{m.group(1).upper()}-{SIZE[m.group(2)]}",
        "Twins",
        "transformer",
    ),
    ("timm", r"maxvit_(tiny|small|base|large)_tf_224", lambda m: f"MaxViT-{SIZE[m.group(1)]}", "MaxViT", "hybrid"),
    ("timm", r"coatnet_([0-4])_224", "CoAtNet-{0}", "CoAtNet", "hybrid"),
    ("timm", r"mobilevit_(xxs|xs|s)", lambda m: f"MobileViT-{m.group(1).upper()}", "MobileViT", "hybrid"),
    ("timm", r"levit_(128s|128|192|256|384)", lambda m: f"LeViT-{m.group(1).upper()}", "LeViT", "hybrid"),
    (
        "timm",
        r"poolformer_(s12|s24|s36|m36|m48)",
        lambda m: f"PoolFormer-{m.group(1).upper()}",
        "MetaFormer",
        "other",
    ),
    ("timm", r"focalnet_(tiny|small|base)_srf", lambda m: f"FocalNet-{SIZE[m.group(1)]}", "FocalNet", "other"),
    (
        "timm",
        r"efficientformer_(l[137])",
        lambda m: f"EfficientFormer-{m.group(1).upper()}",
        "EfficientFormer",
        "hybrid",
    ),
    ("timm", r"cait_(xxs24|xxs36|s24|s36|m36)_\d+", lambda m: f"CaiT-{m.group(1).upper()}", "CaiT", "transformer"),
    (
        "timm",
        r"xcit_(nano|tiny|small|medium|large)_(12|24)_p16_224",
        lambda m: f"XCiT-{m.group(1)[0].upper()}{m.group(2)}/16",
        "XCiT",
        "transformer",
    ),
    (
        "timm",
        r"crossvit_(tiny|small|base|9|15|18)_240",
        lambda m: f"CrossViT-{SIZE.get(m.group(1), m.group(1))}",
        "CrossViT",
        "transformer",
    ),
    ("timm", r"convit_(tiny|small|base)", lambda m: f"ConViT-{VIT[m.group(1)]}", "ConViT", "hybrid"),
    ("timm", r"tnt_([sb])_patch16_224", lambda m: f"TNT-{m.group(1).upper()}", "TNT", "transformer"),
    ("timm", r"mvitv2_(tiny|small|base|large)", lambda m: f"MViTv2-{SIZE[m.group(1)]}", "MViT", "transformer"),
    ("timm", r"davit_(tiny|small|base)", lambda m: f"DaViT-{SIZE[m.group(1)]}", "DaViT", "transformer"),
    ("timm", r"gcvit_(tiny|small|base)", lambda m: f"GCViT-{SIZE[m.group(1)]}", "GCViT", "hybrid"),
    (
        "timm",
        r"fastvit_(t8|t12|s12|sa12|sa24|sa36|ma36)",
        lambda m: f"FastViT-{m.group(1).upper()}",
        "FastViT",
        "hybrid",
    ),
    (
        "timm",
        r"efficientvit_(b[0-3]|m[0-5])",
        lambda m: f"EfficientViT-{m.group(1).upper()}",
        "EfficientViT",
        "hybrid",
    ),
    ("timm", r"tiny_vit_(5m|11m|21m)_224", lambda m: f"TinyViT-{m.group(1).upper()}", "TinyViT", "transformer"),
    (
        "timm",
        r"hiera_(tiny|small|base|large|huge)_224",
        lambda m: f"Hiera-{SIZE[m.group(1)]}",
        "Hiera",
        "transformer",
    ),
    (
        "timm",
        r"eva02_(tiny|small|base|large)_patch14_224",
        lambda m: f"EVA-02-{VIT[m.group(1)]}",
        "EVA",
        "transformer",
    ),
    (
        "timm",
        r"inception_next_(tiny|small|base)",
        lambda m: f"InceptionNeXt-{SIZE[m.group(1)]}",
        "InceptionNeXt",
        "cnn",
    ),
    ("timm", r"hgnetv2_(b[0-6])", lambda m: f"HGNetV2-{m.group(1).upper()}", "HGNet", "cnn"),
]
TYPES = ("cnn", "transformer", "hybrid", "gan", "detector", "registration", "other")


@dataclass
class Arch:
    name: str
    aliases: list[str] = field(default_factory=list)
    family: str = ""
    type: str = "cnn"
    task: str = "classification"
    source: str = ""
    extra: dict[str, object] = field(default_factory=dict)


def _wheel_names(packages: Path, prefix: str) -> tuple[str, list[str]]:
    found = sorted(packages.glob(f"{prefix}-*.whl"))
    if not found:
        sys.exit(f"{packages}: no {prefix} wheel (pip download --no-deps it there)")
    version = found[-1].name.split("-")[1]
    names: set[str] = set()
    with zipfile.ZipFile(found[-1]) as whl:
        for member in whl.namelist():
            if member.startswith(f"{prefix}/models/") and member.endswith(".py"):
                text = whl.read(member).decode("utf-8", "replace")
                pattern = r"^def ([a-z0-9_]+)\(pretrained" if prefix == "timm" else r"^def ([a-z0-9_]+)\("
                names.update(re.findall(pattern, text, re.M))
    natural = [(re.sub(r"\d+", lambda m: m.group(0).zfill(6), n), n) for n in names]
    return version, [n for _, n in sorted(natural)]


def registry(packages: Path) -> list[Arch]:
    out: dict[str, Arch] = {}
    registries = {name: _wheel_names(packages, name) for name in ("torchvision", "timm")}
    for reg, pattern, canonical, family, kind in RULES:
        version, names = registries[reg]
        for model in names:
            m = re.fullmatch(pattern, model)
            if not m:
                continue
            name = canonical(m) if callable(canonical) else str(canonical).format(*m.groups())
            arch = out.setdefault(name, Arch(name, [], family, kind, "classification", f"{reg}@{version}"))
            if model not in arch.aliases:
                arch.aliases.append(model)
    return list(out.values())


def read_tsv(path: Path) -> list[Arch]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t") + [""] * 7
        name, aliases, family, kind, task, source, extra = (c.strip() for c in cells[:7])
        if kind not in TYPES:
            sys.exit(f"{path}: {name}: type {kind!r} is not one of {TYPES}")
        more: dict[str, object] = {}
        for part in filter(None, (p.strip() for p in extra.split(";"))):
            k, _, v = part.partition("=")
            more[k] = True if v == "true" else v
        out.append(Arch(name, [a.strip() for a in aliases.split(";") if a.strip()], family, kind, task, source, more))
    return out


def merge(items: list[Arch]) -> list[Arch]:
    """One entry per architecture: a later item whose name is an earlier one's form adds its aliases."""
    by_key: dict[str, Arch] = {}
    out: list[Arch] = []
    for a in items:
        hit = by_key.get(key(a.name))
        if hit is None:
            hit = a
            out.append(a)
            forms, a.aliases = [a.name, *a.aliases], []
        else:
            forms = [a.name, *a.aliases]
            for k, v in a.extra.items():
                hit.extra.setdefault(k, v)
            hit.source = hit.source if a.source in hit.source else f"{hit.source}; {a.source}"
        for f in forms:
            k = key(f)
            if k in by_key and by_key[k] is not hit:
                print(f"{f!r} of {a.name!r} is already {by_key[k].name!r}: dropped", file=sys.stderr)
                continue
            by_key[k] = hit
            if runs(f) not in [runs(g) for g in [hit.name, *hit.aliases]] or ("+" in f and f not in hit.aliases):
                hit.aliases.append(f)  # with "+": the runtime key drops it, so the exact form must be listed
    return out


HEADER = """\
# Architectures: one entry per architecture and depth / size variant, from the timm and torchvision model
# registries and the papers that introduced the others; generated by scripts/vocab/build_backbones.py.
# Attributes are described in src/litextract/vocab/__init__.py.
"""


def render(items: list[Arch]) -> str:
    out = [HEADER]
    for a in items:
        out += [
            "[[backbone]]",
            f"name = {toml(a.name)}",
            f"aliases = {toml(a.aliases)}",
            f"family = {toml(a.family)}",
            f"type = {toml(a.type)}",
            f"task = {toml(a.task)}",
        ]
        for k in ("zoo", "base", "generic", "case_sensitive"):
            if k in a.extra:
                out.append(f"{k} = {toml(a.extra[k])}")
        out += [f"source = {toml(a.source)}", ""]
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--packages", type=Path, required=True, help="folder with the downloaded wheels")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    items = merge([*registry(args.packages), *read_tsv(HERE / "sources" / "architectures.tsv")])
    args.out.write_text(render(items), encoding="utf-8")
    print(f"{len(items)} architectures -> {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
