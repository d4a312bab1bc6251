"""Canonical entity names: the vocabulary, the guarded near-miss match and reviewer-confirmed aliases."""

from __future__ import annotations

import pytest

from litextract.canonical import Resolver, canonicalise, with_aliases
from litextract.records import Dataset, Evidence, Extraction, Model, Result
from litextract.vocab import Entry, Vocabulary, vocabulary

EV = Evidence(page=1, quote="q")


@pytest.fixture(scope="module")
def packaged() -> Resolver:
    return Resolver(vocabulary())


def small() -> Vocabulary:
    """A vocabulary of its own, so the guards are tested whatever the packaged TOML files hold."""
    return Vocabulary(
        [
            Entry("dataset", "BraTS 2019", ("BraTS2019",)),
            Entry("dataset", "BraTS 2020", ("BraTS2020",)),
            Entry("dataset", "Kvasir-SEG", ("Kvasir SEG",)),
            Entry("dataset", "CVC-ClinicDB", ()),
            Entry("dataset", "Medical Segmentation Decathlon Liver", ()),
            Entry("dataset", "Multi Centre Prostate MRI Collection Site A", ()),
            Entry("dataset", "Multi Centre Prostate MRI Collection Site B", ()),
            Entry("backbone", "ResNet-50", ("ResNet50",)),
            Entry("backbone", "ResNet-101", ("ResNet101",)),
            Entry("backbone", "U-Net", ("UNet",)),
            Entry("backbone", "Swin-UNet", ()),
            Entry("metric", "dice", ("DSC", "Dice similarity coefficient")),
        ]
    )


@pytest.mark.parametrize(
    "spelling",
    [
        "MSD Task07",
        "Medical Segmentation Decathlon pancreas",
        "Decathlon Pancreas",
        "MSD pancreas",
        "Task07_Pancreas",
    ],
)
def test_the_decathlon_pancreas_spellings_are_one_dataset(packaged: Resolver, spelling: str) -> None:
    assert packaged.canonical("dataset", spelling) == "MSD Pancreas"


@pytest.mark.parametrize("spelling", ["ResNet50", "ResNet-50", "resnet 50", "Resnet_50", "RESNET 50"])
def test_the_resnet50_spellings_are_one_backbone(packaged: Resolver, spelling: str) -> None:
    assert packaged.canonical("backbone", spelling) == "ResNet-50"


def test_resnet50_and_resnet101_stay_apart(packaged: Resolver) -> None:
    assert packaged.canonical("backbone", "ResNet-101") == "ResNet-101"
    assert packaged.canonical("backbone", "ResNet 101") != "ResNet-50"


def test_an_unknown_dataset_is_kept_as_written(packaged: Resolver) -> None:
    assert packaged.resolve("dataset", "Our in-house pancreatic cyst cohort") is None
    assert (
        packaged.canonical("dataset", "Our in-house pancreatic cyst cohort") == "Our in-house pancreatic cyst cohort"
    )


def test_a_misspelt_long_name_is_a_near_miss_match() -> None:
    r = Resolver(small())
    found = r.resolve("dataset", "Medical Segmentation Decathalon Liver")
    assert found is not None and found.entry.name == "Medical Segmentation Decathlon Liver"
    assert found.rule == "fuzzy" and 95 <= found.score < 100


def test_near_misses_across_numbers_never_merge() -> None:
    r = Resolver(small())
    assert r.resolve("dataset", "BraTS 2021") is None  # one digit from BraTS 2020/2019, still another dataset
    assert r.resolve("dataset", "BraTS-2019")
    assert r.canonical("dataset", "BraTS-2019") == "BraTS 2019"
    assert r.resolve("backbone", "ResNet-152") is None
    assert r.resolve("backbone", "ResNet-5") is None


def test_short_or_ambiguous_names_are_not_guessed() -> None:
    r = Resolver(small())
    assert r.resolve("backbone", "Swin-UNETR") is None  # 94.7 against Swin-UNet: below the threshold
    assert r.resolve("backbone", "UNet++") is None  # '++' is another architecture, though the key is 'unet'
    assert r.resolve("backbone", "UNets") is None  # too short for a near-miss match
    # as close to Site A as to Site B: ambiguous, so kept as written
    assert r.resolve("dataset", "Multi Centre Prostate MRI Collection Site") is None
    assert (
        r.canonical("dataset", "Multi-Centre Prostate MRI Collection, Site B")
        == "Multi Centre Prostate MRI Collection Site B"
    )


def test_generic_words_and_word_order_do_not_matter() -> None:
    r = Resolver(small())
    assert r.canonical("dataset", "the Kvasir-SEG dataset") == "Kvasir-SEG"
    assert r.canonical("dataset", "SEG Kvasir") == "Kvasir-SEG"


def test_confirmed_aliases_extend_the_vocabulary_without_changing_it() -> None:
    base = small()
    v = with_aliases(base, [("dataset", "Polyp set B", "CVC-ClinicDB"), ("dataset", "Site A scans", "Site A")])
    r = Resolver(v)
    assert r.canonical("dataset", "polyp set b") == "CVC-ClinicDB"
    assert r.canonical("dataset", "Site A scans") == "Site A"  # a canonical the vocabulary did not know
    assert Resolver(base).resolve("dataset", "Polyp set B") is None
    assert [e.name for e in v.entries("dataset")].count("CVC-ClinicDB") == 1


def test_a_rejected_mapping_is_not_made_again() -> None:
    r = Resolver(
        small(),
        rejected=[("dataset", "Medical Segmentation Decathalon Liver", "Medical Segmentation Decathlon Liver")],
    )
    assert r.resolve("dataset", "Medical Segmentation Decathalon Liver") is None


def test_canonicalise_maps_every_name_in_an_extraction() -> None:
    extraction = Extraction(
        datasets=[Dataset(name="Kvasir SEG dataset", evidence=EV), Dataset(name="Clinic X", evidence=EV)],
        models=[Model(name="Ours", backbone="ResNet50", evidence=EV)],
        results=[
            Result(
                model="Ours",
                backbone="resnet-50",
                dataset="Kvasir SEG dataset",
                metric="DSC",
                value=0.9,
                as_printed="0.90",
                evidence=EV,
            )
        ],
    )
    out = canonicalise(extraction, Resolver(small()))
    assert [(d.name, d.mention) for d in out.datasets] == [
        ("Kvasir-SEG", "Kvasir SEG dataset"),
        ("Clinic X", "Clinic X"),
    ]
    assert out.models[0].backbone == "ResNet-50"
    r = out.results[0]
    assert (r.backbone, r.dataset, r.metric) == ("ResNet-50", "Kvasir-SEG", "dice")
