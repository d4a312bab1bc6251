"""The vocabulary: canonical names, aliases and the mention finder the offline extractor relies on."""

from __future__ import annotations

import json

import pytest

from litextract.vocab import Entry, Vocabulary, key, vocabulary

from conftest import shared_path


def names(kind: str, text: str) -> list[str]:
    return [m.entry.name for m in vocabulary().finder(kind).find(text)]  # type: ignore[arg-type]


def test_catalogue_size_and_attributes() -> None:
    v = vocabulary()
    datasets, backbones = v.entries("dataset"), v.entries("backbone")
    assert len(datasets) >= 60
    assert len(backbones) >= 50
    for entry in datasets:
        assert entry.attrs.get("tasks") is not None, entry.name
        assert "public" in entry.attrs, entry.name
    for entry in backbones:
        assert entry.attrs.get("family"), entry.name
        assert entry.attrs.get("task"), entry.name
    msd = {e.name for e in datasets if e.attrs.get("msd_task")}
    assert len(msd) == 10 and "MSD Pancreas" in msd and "MSD Brain Tumour" in msd


@pytest.mark.parametrize(
    ("kind", "alias", "canonical"),
    [
        ("dataset", "BTCV", "Synapse multi-organ CT (BTCV)"),
        ("dataset", "Beyond the Cranial Vault", "Synapse multi-organ CT (BTCV)"),
        ("dataset", "BraTS2019", "BraTS 2019"),
        ("dataset", "MSD Task09", "MSD Spleen"),
        ("dataset", "NIH ChestX-ray14", "ChestX-ray14"),
        ("dataset", "Kvasir SEG", "Kvasir-SEG"),
        ("backbone", "ResNet50", "ResNet-50"),
        ("backbone", "Densenet-121", "DenseNet-121"),
        ("backbone", "nnUNet", "nnU-Net"),
        ("backbone", "ViT-B_16", "ViT-B/16"),
        ("metric", "Dice similarity coefficient", "dice"),
        ("metric", "Hausdorff95", "hd95"),
    ],
)
def test_aliases_lead_to_the_canonical_name(kind: str, alias: str, canonical: str) -> None:
    assert vocabulary().canonical(kind, alias) == canonical  # type: ignore[arg-type]


def test_lookup_keeps_distinct_names_whose_keys_collide() -> None:
    v = vocabulary()
    assert key("UNet++") == key("U-Net")  # the key drops "+", so the exact form decides first
    assert v.canonical("backbone", "UNet++") == "UNet++"
    assert v.canonical("backbone", "unet") == "U-Net"
    assert v.canonical("backbone", "ResNet-101") != v.canonical("backbone", "ResNet-50")
    assert v.canonical("dataset", "an unknown cohort") == "an unknown cohort"


def test_finder_separators_longest_form_and_whole_words() -> None:
    assert names("dataset", "trained on BraTS2019 and BraTS 2020, tested on the 2018 ISIC Challenge") == [
        "BraTS 2019",
        "BraTS 2020",
        "ISIC 2018",
    ]
    assert names("backbone", "a ResNet50, a resnet-50, UNet++ and nnU-Net") == [
        "ResNet-50",
        "ResNet-50",
        "UNet++",
        "nnU-Net",
    ]
    assert names("backbone", "ResNet50x and XResNet50 are not ResNet-50") == ["ResNet-50"]


def test_acronyms_that_are_words_match_only_as_written() -> None:
    assert names("dataset", "we drive the stare of oasis and chaos") == []
    assert names("dataset", "DRIVE, STARE, OASIS and CHAOS") == ["DRIVE", "STARE", "OASIS", "CHAOS"]
    assert names("dataset", "the synapse of a neuron") == []


def test_finder_on_a_custom_vocabulary() -> None:
    v = Vocabulary([Entry("dataset", "My Set-1", ("MS1",)), Entry("dataset", "My Set", ())])
    found = v.finder("dataset").find("Both My Set 1 and my set and MS1; not ms1 or MySets.")
    assert [(m.entry.name, m.text) for m in found] == [
        ("My Set-1", "My Set 1"),
        ("My Set", "my set"),
        ("My Set-1", "MS1"),
    ]


def test_gold_dataset_names_are_in_the_catalogue() -> None:
    """The gold annotations' dataset names (or an alias of theirs) are catalogue names of the vocabulary."""
    gold_dir = shared_path("gold")
    v = vocabulary()
    known = unknown = 0
    for path in gold_dir.glob("*.gold.json"):
        for d in json.loads(path.read_text(encoding="utf-8"))["datasets"]:
            forms = [d["name"], *d.get("aliases", [])]
            if any(v.lookup("dataset", f) for f in forms):
                known += 1
                assert v.canonical("dataset", d["name"]) == d["name"], d["name"]
            else:
                unknown += 1
    assert known >= 20 and unknown <= 2


def test_finder_tells_apart_names_that_share_a_prefix() -> None:
    v = Vocabulary([Entry("backbone", n) for n in ("Res", "ResNet", "ResUNet", "ResNeXt", "R2U-Net", "2D U-Net")])
    text = "Res, ResNet, ResUNet, ResNeXt and R2U-Net; not Resnets, ResNetX or ResUNet2; a 2D U-Net."
    assert [m.text for m in v.finder("backbone").find(text)] == [
        "Res",
        "ResNet",
        "ResUNet",
        "ResNeXt",
        "R2U-Net",
        "2D U-Net",
    ]


def test_find_each_is_find_of_every_text_and_no_mention_spans_two_texts() -> None:
    finder = vocabulary().finder("backbone")
    texts = ["We use a ResNet", "50 layers deep", "and a DenseNet-121 on", "", "ViT-B/16 features; resnet-50 too."]
    assert finder.find_each(texts) == [finder.find(t) for t in texts]
    assert [[m.text for m in found] for found in finder.find_each(texts)] == [
        ["ResNet"],
        [],
        ["DenseNet-121"],
        [],
        ["ViT-B/16", "resnet-50"],
    ]
