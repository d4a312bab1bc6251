"""Entities that generalise, on hand-written text: datasets the vocabulary lacks, used vs mentioned, the paper's
own model and its backbone, what kind of paper it is, and the header. Names below are made up or come from the
public vocabulary; none is a corpus paper's."""

from __future__ import annotations

from litextract.document import Document, Page, Table
from litextract.extract.offline import OfflineExtractor
from litextract.extract.offline_dataset_names import open_names
from litextract.extract.offline_models import name_backbone
from litextract.extract.offline_text import dropping, record
from litextract.parse.header import venue_from_pages
from litextract.prepare import process
from litextract.records import Dataset, Extraction
from litextract.vocab import vocabulary

from conftest import document

ABSTRACT = (
    "Abstract\nWe train a convolutional neural network for lesion segmentation in CT scans of patients. "
    "Deep learning models were trained for 100 epochs.\n\n1. Introduction\nDeep learning with CNNs helps.\n"
)


def run(d: Document) -> Extraction:
    return process(d, [OfflineExtractor()])


def roles(ex: Extraction) -> dict[str, str]:
    return {d.name: d.role for d in ex.datasets}


# ------------------------------------------------------------------ datasets by form


def test_names_by_form_before_a_dataset_word_in_lists_and_defined_acronyms() -> None:
    def names(text: str) -> list[str]:
        return [n.name for n in open_names(text)]

    assert names("The scans come from the Riverbend dataset and were resampled.") == ["Riverbend"]
    assert names("Experiments are run on three datasets: AlphaSet [1], BetaSet [2] and GammaSet [3].") == [
        "AlphaSet",
        "BetaSet",
        "GammaSet",
    ]
    assert names("We report Dice for Kappa12, Zeta-7 and Omega3 datasets, respectively.") == [
        "Kappa12",
        "Zeta-7",
        "Omega3",
    ]
    (defined,) = open_names("We use the Northern Lung Nodule Archive (NLNA) dataset for training.")
    assert (defined.name, defined.long_form) == ("NLNA", "Northern Lung Nodule Archive")
    (page,) = open_names("The data is available at https://www.kaggle.com/datasets/someone/wrist-xray-set now.")
    assert page.name == "wrist-xray-set" and page.url and page.url.startswith("https://www.kaggle.com/")


def test_generic_descriptive_and_heading_words_are_no_names() -> None:
    for text in (
        "We used the training dataset and the test dataset.",
        "A Chest X-ray dataset and the COVID-19 CT dataset were merged.",
        "Process 2.3: Dataset Balancing The dataset used in this study is skewed.",
        "The dataset has been taken from PhysioNet Database Bank.",
        "Salient object detection (SOD) datasets are different.",
    ):
        assert open_names(text) == [], text


def test_a_dataset_the_vocabulary_lacks_is_kept_with_its_size_and_marked() -> None:
    d = document(
        ABSTRACT,
        "3. Materials\nWe use the Riverbend dataset, which holds 412 CT scans of 206 patients. "
        "All Riverbend scans were resampled to 1 mm.",
    )
    (found,) = [x for x in run(d).datasets if x.name == "Riverbend"]
    assert found.role == "used" and found.in_vocabulary is False
    assert found.size.scans == 412 and found.size.patients == 206 and found.modality == "CT"


def test_a_dataset_cited_by_reference_is_named_by_the_reference_title() -> None:
    d = document(
        ABSTRACT,
        "4. Results\nIn this work, a publicly accessible wrist radiograph dataset is used for classification [2].",
        "References\n[1] A. Author. Some earlier work. 2019.\n[2] B. Author, “Pediatric wrist fracture "
        "radiograph dataset,” Data Journal, 2020.\n[3] C. Author. Another work. 2021.",
    )
    names = {x.name: x for x in run(d).used_datasets}
    assert "Pediatric wrist fracture radiograph dataset" in names
    assert (
        names["Pediatric wrist fracture radiograph dataset"].mention == "publicly accessible wrist radiograph dataset"
    )


# ------------------------------------------------------------------ used vs mentioned


def test_datasets_of_other_papers_and_of_pre_training_are_only_mentioned() -> None:
    d = document(
        ABSTRACT,
        "2. Related Work\nSmith et al. trained a network on LiTS and KiTS19.\n"
        "3. Methods\nOur encoder is pre-trained on ImageNet. [7] used the DRIVE dataset for vessels. "
        "We train and test on the Riverbend dataset of 300 CT scans. Riverbend scans are resampled.",
    )
    found = roles(run(d))
    assert found["Riverbend"] == "used"
    assert found.get("LiTS") == "mentioned" and found.get("KiTS19") == "mentioned"
    assert found.get("DRIVE") == "mentioned"
    assert found.get("ImageNet", "mentioned") == "mentioned"


def test_a_known_dataset_in_a_results_table_is_used_even_named_once() -> None:
    table = Table(page=2, caption="Table 2. Dice on KiTS19.", rows=[["Method", "Dice"], ["Ours", "0.91"]])
    d = document(ABSTRACT, "4. Results\nTable 2 gives the scores.", tables=[table])
    assert roles(run(d)).get("KiTS19") == "used"


def test_an_acronym_the_paper_defines_as_something_else_is_no_dataset() -> None:
    d = document(
        ABSTRACT,
        "3. Methods\nOral squamous cell carcinoma (OSCC) is common. The dataset has two classes, normal and "
        "OSCC, with 500 images each. We use this dataset for training.",
    )
    assert "OSCC" not in roles(run(d))


# ------------------------------------------------------------------ what kind of paper it is


def test_deep_learning_on_signals_is_not_medical_imaging() -> None:
    signals = "We record gait signals and voice signals with sensors; spectrograms of the signals feed a CNN. "
    d = document(
        "Abstract\nA deep neural network classifies patients from gait and voice signals. " + signals * 6,
        "3. Methods\nThe convolutional neural network is trained for 50 epochs on the signal spectrograms.",
    )
    paper = run(d).paper
    assert paper.uses_deep_learning is True and paper.uses_medical_imaging is False


def test_colonoscopy_video_is_medical_imaging_with_evidence() -> None:
    d = document(
        "Abstract\nWe detect polyps in colonoscopy videos with a deep neural network (a CNN) trained for 30 "
        "epochs on colonoscopy frames of patients.",
    )
    paper = run(d).paper
    assert paper.uses_medical_imaging is True and "colonoscopy" in paper.evidence["uses_medical_imaging"].quote


def test_a_classical_feature_paper_is_not_deep_learning() -> None:
    d = document(
        "Abstract\nWe classify brain MRI scans of patients with wavelet features and a kernel SVM.\n"
        "2. Related Work\nDeep learning, convolutional neural networks and CNNs with many epochs were used "
        "by others [3].\n3. Methods\nThe MRI images are decomposed with a discrete wavelet transform.",
    )
    paper = run(d).paper
    assert paper.uses_deep_learning is False and paper.uses_medical_imaging is True


# ------------------------------------------------------------------ the paper's own model and its backbone


def model(ex: Extraction, name: str) -> tuple[str | None, bool]:
    (m,) = [m for m in ex.models if m.name == name]
    return m.backbone, m.proposed


def test_own_model_from_the_title_and_its_encoder_sentence() -> None:
    d = document(
        ABSTRACT,
        "3. Method\nFooNet consists of an encoder and a decoder. Our encoder follows the ViT-B/16 architecture "
        "with 12 layers. All baselines use a ResNet-50 backbone.",
        title="FooNet: Transformers for Lesion Segmentation",
    )
    assert model(run(d), "FooNet") == ("ViT-B/16", True)


def test_own_model_named_after_a_known_architecture_keeps_it_unless_an_encoder_is_stated() -> None:
    d = document(
        ABSTRACT,
        "3. Method\nUNet++ is built from nested skip pathways. UNet++ can be deployed as the backbone "
        "architecture in Mask R-CNN.",
        title="UNet++: A Nested Architecture for Lesion Segmentation",
    )
    assert model(run(d), "UNet++") == ("UNet++", True)


def test_own_model_backbone_from_a_feature_extractor_sentence_not_a_baseline_sentence() -> None:
    d = document(
        ABSTRACT,
        "This study develops a new Lesion Grading with Tuned Features (LGTF-Net) model. Compared with "
        "DenseNet-121 [4], the LGTF-Net model is faster. In addition, the LGTF-Net model employs a GhostNet "
        "feature extractor to create feature vectors.",
    )
    assert model(run(d), "LGTF-Net") == ("GhostNet", True)


def test_a_model_named_after_an_architecture_it_holds() -> None:
    d = document(ABSTRACT, "3. Method\nWe propose XY-TransUNet, which adds attention.", title="XY-TransUNet: x")
    assert model(run(d), "XY-TransUNet") == ("TransUNet", True)


def test_without_a_named_model_the_trained_architectures_are_own_and_fused_features_are_one_backbone() -> None:
    d = document(
        ABSTRACT,
        "3. Methods\nDeep features are extracted using AlexNet and DarkNet-53 and fused serially before the "
        "SVM classifier. We fine-tune AlexNet and DarkNet-53 on the radiographs.",
    )
    proposed = {m.backbone for m in run(d).models if m.proposed}
    assert "AlexNet + DarkNet-53" in proposed


def test_a_feature_network_wins_over_the_detector_in_a_row_label_and_3d_variants() -> None:
    rows = [["Method", "Recall"], ["Faster R-CNN (ResNet101)", "0.81"], ["Faster R-CNN (inception_v2)", "0.84"]]
    table = Table(page=2, caption="Table 1. Detection recall of our runs.", rows=rows)
    ex = run(document(ABSTRACT, "4. Results\nTable 1 lists the recall.", tables=[table]))
    backbones = {m.name: m.backbone for m in ex.models if m.proposed}
    assert backbones == {"Faster R-CNN (ResNet101)": "ResNet-101", "Faster R-CNN (inception_v2)": "InceptionV2"}
    vocab = vocabulary()
    assert name_backbone("3D DPN26 Faster R-CNN", vocab, "") == "3D DPN-26"  # a depth the vocabulary lacks
    assert name_backbone("Deep 3D DPN", vocab, "") == "3D DPN"
    assert name_backbone("R50 U-Net", vocab, "") == "ResNet-50"  # the encoder, not the framework


def test_uncited_rows_among_cited_ones_are_own_variants_and_row_hygiene() -> None:
    rows = [
        ["Method", "Accuracy"],
        ["Multi-scale CNN [26]", "86.8"],
        ["Vanilla 3D CNN [33]", "87.4"],
        ["Deep 3D DPN", "88.7"],
        ["✓", "1"],
        ["30 0 0", "2"],
    ]
    table = Table(page=2, caption="Table 1. Nodule classification comparisons.", rows=rows)
    d = document(ABSTRACT, "4. Results\nTable 1 compares the methods.", tables=[table], title="DeepX: A study")
    ex = run(d)
    own = {m.name for m in ex.models if m.proposed}
    assert "Deep 3D DPN" in own
    assert not {"✓", "30 0 0"} & {m.name for m in ex.models}


def test_a_model_spelled_as_an_architecture_takes_its_canonical_name_and_keeps_the_spelling() -> None:
    rows = [["Method", "Dice"], ["U-net [3]", "0.80"], ["Unet++ [4]", "0.82"], ["nnUNet-v2 [5]", "0.84"]]
    table = Table(page=2, caption="Table 1. Dice of the compared methods.", rows=rows)
    ex = run(document(ABSTRACT, "4. Results\nTable 1 compares them.", tables=[table], title="FooNet: x"))
    names = {m.name: m.mention for m in ex.models}
    assert names.get("U-Net") == "U-net" and names.get("UNet++") == "Unet++"
    assert "nnUNet-v2" in names  # a variant the paper compares is no spelling of nnU-Net


# ------------------------------------------------------------------ header


def page(number: int, text: str) -> Page:
    return Page(number=number, text=text)


def test_venue_from_the_running_header_never_from_an_affiliation_or_a_base_paper() -> None:
    pages = [
        page(
            1,
            "Heartbeat 2022, 12, 1126\nA Title of a Paper\nDepartment of Electronics, Some University\n"
            "The base paper by Smith and Lee (2021), published in Frontiers in Computer Science, is reproduced.",
        ),
        page(2, "Heartbeat 2022, 12, 1126\n2 of 13\nBody text."),
    ]
    venue = venue_from_pages(pages)
    assert (venue.name, venue.type) == ("Heartbeat", "journal")
    affiliation_only = [page(1, "A Title\nDepartment of Electronics and Communication, Some Institute\nText.")]
    assert venue_from_pages(affiliation_only, doi="10.9999/x").name is None
    report = [page(1, "A Title\nThe base paper by Smith and Lee (2021), published in Frontiers in Computer Science.")]
    assert venue_from_pages(report).name is None


def test_thesis_and_report_cues_and_the_doi_journal_code() -> None:
    thesis = [page(1, "A Study of Nuclei\nProject-II (ABC1234)\nBachelor of Technology\n")]
    assert venue_from_pages(thesis).type == "thesis"
    unpublished = [page(1, "A Study of Nuclei\nJane Doe\nIn this work we look at images.")]
    assert venue_from_pages(unpublished).type == "report"
    ieee = [page(1, "A Study\nDigital Object Identifier 10.1109/ACCESS.2023.1234567\nVOLUME 11, 2023")]
    assert venue_from_pages(ieee, doi="10.1109/access.2023.1234567").name == "IEEE Access"


# ------------------------------------------------------------------ one bad record never fails a paper


def test_an_invalid_record_is_dropped_with_a_note() -> None:
    with dropping() as notes:
        bad = record(Dataset, name="Riverbend", evidence={"page": 1, "quote": "", "source": "offline"})
        good = record(Dataset, name="Riverbend", evidence={"page": 1, "quote": "the Riverbend data", "source": "x"})
    assert bad is None and good is not None
    assert len(notes) == 1 and "dataset Riverbend dropped: evidence.quote" in notes[0]
