"""The offline extractor's rules on small hand-made documents: what must be found, and what must not."""

from __future__ import annotations

from litextract.document import Document, Table
from litextract.extract.offline import OfflineExtractor
from litextract.prepare import process
from litextract.records import Extraction

from conftest import document

INTRO = (
    "Abstract\nWe propose a deep learning network, called KidneyNet, for kidney tumour segmentation in CT scans. "
    "KidneyNet is built on a ResNet-50 encoder pre-trained on ImageNet. "
    "Our convolutional neural network is trained for 100 epochs.\n\n1. Introduction\n"
    "Kidney tumours are common in patients and CT is the main imaging test. Deep learning with CNNs helps.\n"
)


def run(d: Document) -> Extraction:
    return process(d, [OfflineExtractor()])


def test_known_dataset_used_twice_with_modality_size_and_grounded_evidence() -> None:
    d = document(
        INTRO,
        "2. Methods\nWe use the KiTS19 dataset, which contains 210 CT scans of 210 patients with kidney tumours. "
        "All KiTS19 scans were resampled to 1 mm.",
    )
    ex = run(d)
    (kits,) = [x for x in ex.used_datasets if x.name == "KiTS19"]
    assert kits.modality == "CT" and kits.public is True
    assert kits.size.scans == 210 and kits.size.patients == 210
    assert kits.evidence.page == 2 and kits.evidence.verified


def test_dataset_named_once_in_related_work_is_only_mentioned() -> None:
    d = document(
        INTRO, "2. Related Work\nEarlier methods [3] were evaluated on LiTS.\n3. Methods\nWe train on our data."
    )
    found = {x.name: x.role for x in run(d).datasets}
    assert found["LiTS"] == "mentioned"
    assert [n for n, role in found.items() if role == "used"] == []  # nor ImageNet, the data of pre-training


def test_year_pair_gives_both_datasets() -> None:
    d = document(
        INTRO, "Experiments on the public BraTS 2019/2020 datasets were conducted with five-fold validation."
    )
    assert {x.name for x in run(d).used_datasets} == {"BraTS 2019", "BraTS 2020"}


def test_private_cohort_named_as_written_and_not_public() -> None:
    d = document(
        INTRO,
        "We collected a private dataset of 120 patients from Riverside General Hospital, with contrast CT scans.",
    )
    (cohort,) = run(d).used_datasets
    assert cohort.name.startswith("private dataset") and "Riverside General Hospital" in cohort.name
    assert cohort.public is False and cohort.size.patients == 120 and cohort.modality == "CT"


def test_collected_unnamed_dataset_is_named_as_written() -> None:
    d = document(
        INTRO, "To train the network, a large dataset of labeled X-ray images with fracture notes was collected."
    )
    (found,) = run(d).used_datasets
    assert (found.name, found.modality, found.public) == ("dataset of labeled X-ray images", "X-ray", False)


def test_local_word_without_a_described_cohort_is_no_dataset() -> None:
    d = document(INTRO, "A local dataset of features is built from the image patches before classification.")
    assert run(d).used_datasets == []


def test_proposed_model_backbone_and_pretraining() -> None:
    ex = run(
        document(INTRO, "KidneyNet uses skip connections. KidneyNet outperforms U-Net, which we use as a baseline.")
    )
    proposed = [m for m in ex.models if m.proposed]
    assert [(m.name, m.backbone, m.pretrained) for m in proposed] == [("KidneyNet", "ResNet-50", "ImageNet")]
    assert proposed[0].task == "segmentation" and proposed[0].evidence.verified


def test_every_table_row_is_kept_with_its_role() -> None:
    page2 = (
        "Table 2. Comparison on the KiTS19 test set.\nMethod\nDice (%)\nHD95 (mm)\n"
        "U-Net [5]\n80.10\n9.20\nV-Net [6]\n82.40\n8.10\nKidneyNet (ours)\n85.30\n6.55\n"
    )
    table = Table(
        page=2,
        caption="Table 2. Comparison on the KiTS19 test set.",
        rows=[
            ["Method", "Dice (%)", "HD95 (mm)"],
            ["U-Net [5]", "80.10", "9.20"],
            ["V-Net [6]", "82.40", "8.10"],
            ["KidneyNet (ours)", "85.30", "6.55"],
        ],
    )
    ex = run(document(INTRO + "We evaluate on the KiTS19 dataset and the KiTS19 test split.", page2, tables=[table]))
    got = {(r.model, r.metric, r.value, r.as_printed, r.split, r.dataset): r for r in ex.results}
    own = got[("KidneyNet", "dice", 0.853, "85.30", "test", "KiTS19")]
    assert own.proposed and own.headline and own.source == "paper"
    assert got[("KidneyNet", "hd95", 6.55, "6.55", "test", "KiTS19")].headline
    best = got[("V-Net", "dice", 0.824, "82.40", "test", "KiTS19")]  # the strongest baseline, citation mark dropped
    assert best.headline and not best.proposed and best.source == "cited"
    other = got[("U-Net", "dice", 0.801, "80.10", "test", "KiTS19")]  # kept, but not what a summary shows
    assert not other.headline and other.source == "cited"
    assert all(r.evidence.verified for r in ex.results)
    assert {m.name for m in ex.models if not m.proposed} >= {"U-Net", "V-Net"}


def test_ablation_table_rows_are_kept_as_ablation_settings() -> None:
    table = Table(
        page=2,
        caption="Table 3. Ablation study of the attention module.",
        rows=[["Variant", "Dice"], ["w/o attention", "0.80"], ["KidneyNet", "0.85"]],
    )
    ex = run(
        document(
            INTRO,
            "Table 3. Ablation study of the attention module.\nw/o attention 0.80\nKidneyNet 0.85",
            tables=[table],
        )
    )
    assert {(r.model, r.value) for r in ex.results} == {("w/o attention", 0.8), ("KidneyNet", 0.85)}
    assert all(r.setting == "ablation" and not r.headline for r in ex.results)


def test_abstract_sentence_results_percent_fraction_and_distance() -> None:
    abstract = (
        "Abstract\nWe propose KidneyNet, a convolutional neural network for kidney tumour segmentation in CT. "
        "KidneyNet achieved an accuracy of 98.5% and a Dice score of 0.85 with an HD95 of 4.2 mm. "
        "Deep learning CNN models trained for 50 epochs on CT of patients. KidneyNet is fast.\n1. Introduction\nText."
    )
    got = {(r.metric, r.value, r.as_printed) for r in run(document(abstract)).results}
    assert got == {("accuracy", 0.985, "98.5%"), ("dice", 0.85, "0.85"), ("hd95", 4.2, "4.2")}


def test_paper_outside_deep_learning_and_medical_imaging_has_no_records() -> None:
    text = (
        "Abstract\nWe study the price of wheat in 1850 using archival ledgers and a regression on 40 markets. "
        "The ledgers were digitised by hand.\n1. Introduction\nMarkets in 1850 traded by the bushel."
    )
    ex = run(document(text, title="Wheat prices in 1850", year=2019))
    assert ex.paper.uses_deep_learning is False and ex.paper.uses_medical_imaging is False
    assert ex.datasets == [] and ex.models == [] and ex.results == []
    assert ex.paper.title == "Wheat prices in 1850" and "title" not in ex.paper.evidence  # no page shows it


def test_header_fields_carry_evidence_from_the_first_page() -> None:
    first = "KidneyNet for CT\nJournal of Renal Imaging, Vol. 3, 2022\ndoi: 10.1234/jri.2022.77\n" + INTRO
    d = document(first, title="KidneyNet for CT", year=2022)
    d.header.doi = "10.1234/jri.2022.77"
    ex = run(d)
    assert (
        ex.paper.venue_type == "journal" and ex.paper.venue and ex.paper.venue.startswith("Journal of Renal Imaging")
    )
    for field in ("title", "year", "doi", "venue"):
        assert ex.paper.evidence[field].verified, field
    assert ex.paper.uses_deep_learning and ex.paper.uses_medical_imaging
