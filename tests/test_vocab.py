"""The vocabulary: canonical names, aliases and the mention finder the offline extractor relies on."""

from __future__ import annotations

import re

import pytest

from litextract.parse.header import venue_of
from litextract.vocab import KINDS, Entry, Kind, Vocabulary, doi_publisher, key, vocabulary

BACKBONE_TYPES = {"cnn", "transformer", "hybrid", "gan", "detector", "registration", "other"}


def names(kind: str, text: str) -> list[str]:
    return [m.entry.name for m in vocabulary().finder(kind).find(text)]  # type: ignore[arg-type]


def test_catalogue_size_and_attributes() -> None:
    v = vocabulary()
    datasets, backbones = v.entries("dataset"), v.entries("backbone")
    assert len(datasets) >= 400
    assert len(backbones) >= 250
    modalities = {e.name for e in v.entries("modality")}
    tasks = {e.name for e in v.entries("task")}
    for entry in datasets:
        if entry.attrs.get("domain") == "natural":  # ImageNet, COCO: general-domain images, no modality
            assert "modality" not in entry.attrs and "torchvision" in entry.attrs["source"], entry.name
            continue
        assert entry.attrs["modality"] in modalities, entry.name
        assert set(entry.attrs.get("modalities", [])) <= modalities, entry.name
        assert set(entry.attrs["tasks"]) <= tasks, entry.name
        assert "public" in entry.attrs, entry.name
    for entry in backbones:
        assert entry.attrs.get("family"), entry.name
        assert entry.attrs.get("task") in tasks, entry.name
        assert entry.attrs.get("type") in BACKBONE_TYPES, entry.name
    for entry in v.entries("metric"):
        assert entry.attrs.get("kind") in {"fraction", "distance", "error", "count", "other"}, entry.name
        assert isinstance(entry.attrs.get("higher_is_better"), bool), entry.name
    for entry in v.entries("venue"):
        assert entry.attrs.get("type") in {"journal", "conference", "preprint server"}, entry.name
    msd = {e.name for e in datasets if e.attrs.get("msd_task")}
    assert len(msd) == 10 and "MSD Pancreas" in msd and "MSD Brain Tumour" in msd


@pytest.mark.parametrize("kind", KINDS)
def test_every_entry_names_its_public_source(kind: Kind) -> None:
    for entry in vocabulary().entries(kind):
        source = str(entry.attrs.get("source", ""))
        assert re.match(r"https?://|arXiv:\d{4}\.\d{4,5}$|doi:10\.|[\w.-]+[@=]=?\d", source), (entry.name, source)


@pytest.mark.parametrize("kind", KINDS)
def test_no_form_names_two_entries_of_a_kind(kind: Kind) -> None:
    """One spelling, one entry: keys collide only where "+" tells them apart (UNet++ and U-Net)."""
    seen: dict[tuple[str, int], str] = {}
    for entry in vocabulary().entries(kind):
        for form in entry.forms:
            k = (key(form), form.count("+"))
            assert seen.setdefault(k, entry.name) == entry.name, (form, entry.name, seen[k])


@pytest.mark.parametrize(
    ("kind", "alias", "canonical"),
    [
        ("dataset", "Multi-Atlas Labeling Beyond the Cranial Vault", "BTCV"),
        ("dataset", "Synapse multi-organ segmentation", "BTCV"),
        ("dataset", "REFUGE challenge", "REFUGE"),
        ("dataset", "NIH Pancreas-CT", "Pancreas-CT"),
        ("dataset", "BraTS2019", "BraTS 2019"),
        ("dataset", "MSD Task09", "MSD Spleen"),
        ("dataset", "NIH ChestX-ray14", "ChestX-ray14"),
        ("dataset", "Kvasir SEG", "Kvasir-SEG"),
        ("backbone", "ResNet50", "ResNet-50"),
        ("backbone", "Densenet-121", "DenseNet-121"),
        ("backbone", "nnUNet", "nnU-Net"),
        ("backbone", "ViT-B_16", "ViT-B/16"),
        ("backbone", "vit_base_patch16_224", "ViT-B/16"),
        ("backbone", "U-net", "U-Net"),
        ("backbone", "U-Net++", "UNet++"),
        ("backbone", "swin_tiny_patch4_window7_224", "Swin-T"),
        ("metric", "Dice similarity coefficient", "dice"),
        ("metric", "Hausdorff95", "hd95"),
        ("metric", "mAP@[.5:.95]", "map@0.5:0.95"),
        ("metric", "AP50", "map@0.5"),
        ("metric", "Sα", "s-measure"),
        ("metric", "ROUGE-L", "rouge-l"),
        ("metric", "target registration error", "tre"),
        ("metric", "Kernel Inception Distance", "kid"),
        ("metric", "bPQ", "pq"),
        ("metric", "multi-class PQ", "mpq"),
        ("metric", "aggregated Jaccard index", "aji"),
        ("metric", "F1@0.25", "f1@25"),
        ("metric", "segmental edit score", "edit"),
        ("metric", "ID-F1", "idf1"),
        ("metric", "OPCSB", "op_csb"),
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
    assert names("dataset", "trained on BraTS2019 and BraTS 2020, tested on the ISIC Challenge 2018") == [
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


@pytest.mark.parametrize(
    ("kind", "one", "other"),
    [
        ("dataset", "Messidor", "Messidor-2"),
        ("dataset", "BraTS 2019", "BraTS 2020"),
        ("dataset", "ISIC 2018", "ISIC 2019"),
        ("dataset", "LIDC-IDRI", "LUNA16"),
        ("dataset", "CheXpert", "MIMIC-CXR"),
        ("dataset", "Kvasir", "Kvasir-SEG"),
        ("dataset", "CAMELYON16", "CAMELYON17"),
        ("backbone", "ResNet-50", "ResNet-101"),
        ("backbone", "ViT-B/16", "ViT-B/32"),
        ("backbone", "Swin-T", "Swin-B"),
        ("backbone", "UNETR", "UNETR++"),
        ("backbone", "DeepLabv3", "DeepLabv3+"),
        ("backbone", "EfficientNet-B0", "EfficientNet-B7"),
        ("metric", "hd", "hd95"),
        ("metric", "kappa", "quadratic weighted kappa"),
        ("metric", "mAP@0.5", "mAP@0.5:0.95"),
        ("metric", "BLEU-1", "BLEU-4"),
    ],
)
def test_variants_stay_distinct(kind: Kind, one: str, other: str) -> None:
    v = vocabulary()
    a, b = v.lookup(kind, one), v.lookup(kind, other)
    assert a and b and a.name != b.name


def test_a_dataset_series_links_to_its_family() -> None:
    v = vocabulary()
    for year in ("BraTS 2015", "BraTS 2021"):
        assert v.lookup("dataset", year).attrs["family"] == "BraTS"  # type: ignore[union-attr]
    assert v.canonical("dataset", "BraTS") == "BraTS"
    assert names("dataset", "Results on BraTS and on the ISIC archive.") == ["BraTS", "ISIC"]


def test_backbone_types_tell_cnn_from_transformer() -> None:
    v = vocabulary()
    kinds = {n: v.lookup("backbone", n).attrs["type"] for n in ("ResNet-50", "ViT-B/16", "TransUNet", "CycleGAN")}  # type: ignore[union-attr]
    assert kinds == {"ResNet-50": "cnn", "ViT-B/16": "transformer", "TransUNet": "hybrid", "CycleGAN": "gan"}


@pytest.mark.parametrize(
    "prose",
    [
        "Synapse formation was imaged in vivo.",
        "A lizard tail regenerates.",
        "Pancreas CT scans of 30 patients were acquired at our hospital.",
        "Each patient underwent a prostate MRI before biopsy.",
        "CT lymph nodes were measured by two readers.",
        "We drive the model to stare at the lesion and chase its boundary.",
    ],
)
def test_ordinary_words_are_not_taken_for_datasets_in_prose(prose: str) -> None:
    assert names("dataset", prose) == []


def test_a_word_like_name_counts_near_dataset_words_or_as_a_label() -> None:
    assert names("dataset", "We evaluate on the Synapse dataset of 30 abdominal CT scans.") == ["BTCV"]
    assert names("dataset", "the public Pancreas-CT collection from TCIA") == [
        "Pancreas-CT",
        "Cancer Imaging Archive",
    ]
    assert names("dataset", "Synapse") == ["BTCV"]  # a table cell or column header
    found = vocabulary().finder("dataset").find_each(["Synapse", "Synapse formation was imaged in vivo over weeks."])
    assert [[m.entry.name for m in f] for f in found] == [["BTCV"], []]


def test_short_metric_names_count_as_labels_or_near_metric_words() -> None:
    assert names("metric", "Method DICE AJI PQ mPQ") == ["dice", "aji", "pq", "mpq"]
    assert names("metric", "The challenge scores tracking with the DET, SEG and TRA measures.") == [
        "det", "seg", "tra",
    ]
    assert names("metric", "SEG") == ["seg"]  # a column header
    assert names("metric", "Accuracy") == ["accuracy"] and names("metric", "Edit") == ["edit"]
    assert names("metric", "F1@10 F1@25 F1@50") == ["f1@10", "f1@25", "f1@50"]
    assert names("metric", "Each SEG mask of the colonoscopy frames was drawn by two experts.") == []
    assert names("metric", "We edit the masks by hand where the model is wrong.") == []
    assert names("metric", "RQ2: does pretraining help on small cohorts?") == []


def test_a_metric_acronym_counts_in_the_plural_and_a_word_does_not() -> None:
    assert names("metric", "with AUCs of 0.91 and 0.88 and FIDs of 10.8 and 3.5") == ["auc", "fid"]
    assert names("metric", "the feature maps of the encoder") == []


@pytest.mark.parametrize(
    ("text", "venue", "kind"),
    [
        ("Medical Image Analysis 67 (2021) 101850\nContents lists available", "Medical Image Analysis", "journal"),
        ("IEEE Trans. Med. Imag., vol. 40, no. 3", "IEEE Transactions on Medical Imaging", "journal"),
        ("Sensors 2021, 21, 4512. https://doi.org/10.3390/s21134512", "Sensors", "journal"),
        ("Scientific Data |  (2023) 10:41 | https://doi.org/10.1038/s41597", "Scientific Data", "journal"),
        (
            "Proceedings of the IEEE/CVF Conference on Computer Vision",
            "Proceedings of the IEEE/CVF Conference on Computer Vision",
            "conference",
        ),
        ("Accepted at MICCAI 2021, Strasbourg", "MICCAI 2021", "conference"),  # a conference keeps its year
        ("medRxiv preprint doi: 10.1101/2020.01.01", "medRxiv", "preprint"),
        ("arXiv:2105.05537v1 [eess.IV] 12 May 2021", "arXiv", "preprint"),
    ],
)
def test_venue_names_come_from_the_venue_list(text: str, venue: str, kind: str) -> None:
    assert venue_of(text) == (venue, kind)


def test_a_one_word_journal_name_needs_its_citation_line() -> None:
    assert venue_of("Wearable sensors and cancers of the skin were studied.") == (None, None)
    assert venue_of("Diagnostics and Sensors for patients") == (None, None)


def test_doi_prefixes_name_their_publisher() -> None:
    assert doi_publisher("10.1109/TMI.2021.1234") == "IEEE"
    assert doi_publisher("10.3390/s21134512") == "MDPI"
    assert doi_publisher("10.48550/arXiv.2105.05537") == "arXiv"
    assert doi_publisher("https://doi.org/10.1109/TMI.2021.1234") == "IEEE"  # as text.doi reads a DOI
    assert doi_publisher("10.9999/unknown") is None and doi_publisher(None) is None
