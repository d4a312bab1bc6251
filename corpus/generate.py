"""Write the demo corpus: synthetic medical-imaging papers (X.pdf) with their gold annotations (X.gold.json).

Run from anywhere with the project's venv: `python corpus/generate.py [--out DIR]`. The papers are invented
(their content, authors, venues and numbers are not real; DOIs use the 10.5555 test prefix) and fixed, and the
PDFs are written without timestamps or random ids, so re-running reproduces them byte for byte. Each results
table is drawn with ruled cell borders so `page.find_tables()` finds it. The gold results are derived from the
very table rows that are printed, following docs/gold-format.md: every metric of the proposed model plus the
strongest baseline row of each main table, and headline numbers stated only in the text.
"""

from __future__ import annotations

import argparse
import hashlib
import html
import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import pymupdf

Scale = Literal["percent", "fraction", "mm"]
FOOTER = "Synthetic demonstration paper written by litextract corpus/generate.py - not a real publication."
FIXED_DATE = "D:20250101000000Z"
CSS = """
body {font-family: serif; font-size: 10.5pt; line-height: 1.3;}
h1 {font-family: sans-serif; font-size: 15pt; text-align: center; margin-bottom: 6pt;}
h2 {font-family: sans-serif; font-size: 11pt; margin-top: 9pt; margin-bottom: 3pt;}
p {margin-top: 2pt; margin-bottom: 4pt; text-align: justify;}
p.centre {text-align: center;}
p.small {font-size: 8.5pt; text-align: center;}
p.caption {font-size: 9pt; margin-top: 8pt;}
table {border-collapse: collapse; width: 100%; font-size: 9pt; margin-bottom: 8pt;}
td, th {border: 0.8px solid black; padding: 2pt 4pt;}
p.ref {font-size: 8.5pt; margin: 1pt;}
"""


@dataclass
class Column:
    label: str
    metric: str | None = None  # canonical metric name; None for a text column (method, dataset)
    scale: Scale = "fraction"


@dataclass
class Row:
    model: str  # the model name as in the gold `models`
    cells: list[str]  # the printed cells after the first (method) cell
    label: str | None = None  # the method cell when it differs from `model`, e.g. "PancNet (ours)"
    dataset: str | None = None  # the gold dataset of this row when the table has a dataset column
    headline: bool = False  # a proposed-model row or the strongest baseline: part of the gold results


@dataclass
class ResultTable:
    caption: str
    columns: list[Column]
    rows: list[Row]
    dataset: str | None = None  # the gold dataset every row is on (None when there is a dataset column)
    split: str | None = "test"


@dataclass
class TextResult:
    model: str
    dataset: str
    metric: str
    value: float
    as_printed: str
    split: str | None
    where: str


@dataclass
class Paper:
    stem: str
    title: str
    authors: list[str]
    affiliations: list[str]
    venue_line: str
    year: int
    venue: str
    venue_type: str
    doi: str
    uses_deep_learning: bool
    abstract: str
    sections: list[tuple[str, list[str | ResultTable]]]
    references: list[str]
    datasets: list[dict[str, Any]]
    models: list[dict[str, Any]]
    text_results: list[TextResult] = field(default_factory=list)
    pdf_title: bool = True  # whether the PDF's own metadata carries the title


def dataset(name: str, aliases: list[str], modality: str, body_part: str, tasks: list[str], text: str,
            public: bool = True, url: str | None = None, **size: int) -> dict[str, Any]:
    """A gold dataset entry."""
    sizes = {k: size.get(k) for k in ("patients", "images", "scans", "slices")}
    return {"name": name, "aliases": aliases, "modality": modality, "body_part": body_part,
            "size": {**sizes, "text": text}, "tasks": tasks, "public": public, "url": url}


def model(name: str, backbone: str | None, task: str, proposed: bool, pretrained: str | None) -> dict[str, Any]:
    """A gold model entry."""
    return {"name": name, "backbone": backbone, "task": task, "proposed": proposed, "pretrained": pretrained}


PAPERS: list[Paper] = [
    Paper(
        stem="pancreas_ct_resnet50",
        title="Slice-Level Pancreatic Tumour Classification on Contrast-Enhanced CT with a Transfer-Learned "
              "ResNet-50",
        authors=["Marta Keller", "Daniel O. Mensah", "Yuki Tanabe", "Ioana Popescu"],
        affiliations=["Department of Radiology, Northfield University Hospital, Northfield",
                      "Institute for Medical Image Computing, Lakeside Institute of Technology"],
        venue_line="Journal of Abdominal Imaging Informatics, 2023, 14(3): 211-224",
        year=2023, venue="Journal of Abdominal Imaging Informatics", venue_type="journal",
        doi="10.5555/jaii.2023.0142", uses_deep_learning=True,
        abstract=(
            "Pancreatic ductal adenocarcinoma is often detected late, and small tumours are easily missed on "
            "contrast-enhanced CT. We present PancNet, a two-stage pipeline in which a 2D U-Net first localises the "
            "pancreas and an ImageNet-pretrained ResNet-50 then classifies each pancreas crop as tumour-bearing or "
            "tumour-free. The localiser was trained on the NIH Pancreas-CT collection and reached a Dice score of "
            "83.7% in 4-fold cross-validation. On a held-out test set of 56 portal-venous scans from the Medical "
            "Segmentation Decathlon pancreas task (MSD Pancreas), PancNet achieved an accuracy of 94.2%, a "
            "sensitivity of 95.0%, a specificity of 93.1% and an AUC of 0.971, outperforming DenseNet-121, VGG16 "
            "and a 3D CNN trained from scratch."
        ),
        sections=[
            ("1. Introduction", [
                "Pancreatic cancer has the lowest five-year survival of the common solid tumours, largely because "
                "most cases are diagnosed at an advanced stage. Retrospective studies show that a substantial "
                "fraction of tumours is already visible on CT examinations acquired months before diagnosis. "
                "Convolutional neural networks (CNNs) have been proposed to assist radiologists, but the pancreas "
                "occupies a small part of an abdominal scan, which makes whole-slice classification difficult.",
                "We therefore restrict classification to the pancreas region found by a segmentation network and "
                "study whether transfer learning from natural images helps on this small, heterogeneous organ.",
            ]),
            ("2. Materials and Methods", [
                "<b>Datasets.</b> The NIH Pancreas-CT collection contains 82 contrast-enhanced abdominal CT scans "
                "from 80 patients without pancreatic lesions, with manual pancreas annotations; we used it to train "
                "and validate the pancreas localiser. The MSD Pancreas task provides 281 portal-venous CT volumes "
                "with pancreas and tumour labels (Task07_Pancreas). We split its volumes by patient into 225 for "
                "training and 56 for testing, and labelled every axial slice of the pancreas crop as tumour-bearing "
                "when it contained at least 20 tumour voxels, giving 9,412 training and 2,318 test slices.",
                "<b>Localiser.</b> A 2D U-Net with four resolution levels was trained on NIH Pancreas-CT with a "
                "soft Dice loss; its prediction on each slice defines a 224 x 224 crop centred on the pancreas.",
                "<b>Classifier.</b> PancNet uses a ResNet-50 initialised with ImageNet weights. The crops are "
                "windowed to [-100, 240] HU and replicated to three channels. We fine-tuned all layers for 40 "
                "epochs with Adam (learning rate 1e-4, batch size 64) and random rotations and intensity jitter. "
                "Baselines were a DenseNet-121 and a VGG16, both ImageNet-pretrained and trained identically, and "
                "a five-layer 3D CNN trained from scratch on 64 x 64 x 16 pancreas patches.",
            ]),
            ("3. Results", [
                "The U-Net localiser reached a mean Dice score of 83.7% over the four cross-validation folds on NIH "
                "Pancreas-CT. Table 1 reports slice-level classification on the MSD Pancreas test set.",
                ResultTable(
                    caption="Table 1. Slice-level tumour classification on the MSD Pancreas test set (56 scans).",
                    dataset="MSD Pancreas", split="test",
                    columns=[Column("Method"), Column("Accuracy (%)", "accuracy", "percent"),
                             Column("Sensitivity (%)", "sensitivity", "percent"),
                             Column("Specificity (%)", "specificity", "percent"), Column("AUC", "auc")],
                    rows=[
                        Row("PancNet", ["94.2", "95.0", "93.1", "0.971"], label="PancNet (ours)", headline=True),
                        Row("DenseNet-121", ["91.6", "92.2", "90.8", "0.952"], headline=True),
                        Row("VGG16", ["89.3", "90.1", "88.2", "0.934"]),
                        Row("3D CNN (scratch)", ["84.7", "86.5", "82.4", "0.901"]),
                    ],
                ),
                "PancNet improved the AUC by 0.019 over the strongest baseline, DenseNet-121. Most false negatives "
                "were tumours smaller than 1 cm at the pancreatic tail.",
            ]),
            ("4. Discussion", [
                'Two design choices mattered most. First, classifying a pancreas crop instead of the whole slice '
                'removes most of the abdomen, so the network cannot learn shortcuts from unrelated anatomy. Second, '
                'ImageNet initialisation helped despite the domain gap: the same ResNet-50 trained from random '
                'weights reached an AUC of only 0.918 in a preliminary experiment.',
                'Our study has limitations. The tumour-bearing and tumour-free slices come from the same scans, so '
                'scanner differences cannot explain the results, but all cases come from a single public collection,'
                ' and tumours other than ductal adenocarcinoma are included. The localiser was trained on healthy '
                'pancreases only, which may reduce its accuracy when a large tumour deforms the organ. Finally, '
                'slice-level labels ignore the 3D context that radiologists use.',
            ]),
            ("5. Conclusion", [
                "Restricting classification to a localised pancreas crop and fine-tuning an ImageNet-pretrained "
                "ResNet-50 gives accurate slice-level detection of pancreatic tumours on CT. A prospective, "
                "multi-centre evaluation is the next step.",
            ]),
        ],
        references=[
            "[1] He K, Zhang X, Ren S, Sun J. Deep residual learning for image recognition. CVPR 2016.",
            "[2] Ronneberger O, Fischer P, Brox T. U-Net: convolutional networks for biomedical image "
            "segmentation. MICCAI 2015.",
            "[3] Antonelli M, et al. The Medical Segmentation Decathlon. Nature Communications 2022.",
        ],
        datasets=[
            dataset("Pancreas-CT", ["NIH Pancreas-CT collection", "NIH Pancreas-CT"], "CT", "pancreas",
                    ["segmentation"],
                    "82 contrast-enhanced abdominal CT scans from 80 patients without pancreatic lesions",
                    patients=80, scans=82),
            dataset("MSD Pancreas", ["MSD Pancreas task", "Task07_Pancreas",
                                     "Medical Segmentation Decathlon pancreas task"],
                    "CT", "pancreas", ["classification"],
                    "281 portal-venous CT volumes; 225 training / 56 test scans; 9,412 training and 2,318 test "
                    "slices", scans=281),
        ],
        models=[
            model("PancNet", "ResNet-50", "classification", True, "ImageNet"),
            model("U-Net localiser", "U-Net", "segmentation", True, "none"),
            model("DenseNet-121", "DenseNet-121", "classification", False, "ImageNet"),
            model("VGG16", "VGG16", "classification", False, "ImageNet"),
            model("3D CNN (scratch)", None, "classification", False, "none"),
        ],
        text_results=[
            TextResult("U-Net localiser", "Pancreas-CT", "dice", 0.837, "83.7%", "cross-validation",
                       "abstract; Section 3"),
        ],
    ),
    Paper(
        stem="brats_nnunet_mri",
        title="Residual Attention nnU-Net for Glioma Sub-Region Segmentation in Multi-Parametric MRI",
        authors=["Lena Hartmann", "Arjun Raghavan", "Sofia Lindqvist"],
        affiliations=["Neuroimaging Analysis Group, University of Westbrook",
                      "Department of Neuroradiology, St. Aldric Medical Centre"],
        venue_line="Proceedings of the International Workshop on Brain Lesion Computing (BLC 2022), pp. 88-97",
        year=2022, venue="International Workshop on Brain Lesion Computing (BLC 2022)", venue_type="conference",
        doi="10.5555/blc.2022.011", uses_deep_learning=True,
        abstract=(
            "Accurate delineation of glioma sub-regions in magnetic resonance imaging supports treatment planning "
            "and response assessment. We extend the self-configuring nnU-Net with residual encoder blocks and "
            "attention gates on the skip connections (RA-nnU-Net). Trained and evaluated with 5-fold "
            "cross-validation on the 1,251 multi-parametric MRI cases of BraTS 2021, RA-nnU-Net reached a mean "
            "Dice score of 89.4% and a mean HD95 of 4.87 mm over the enhancing tumour, tumour core and whole "
            "tumour, compared with 88.6% and 5.21 mm for the nnU-Net baseline."
        ),
        sections=[
            ("1. Introduction", [
                "Gliomas are the most common primary brain malignancies. Manual segmentation of the enhancing "
                "tumour, the tumour core and the whole tumour on MRI is slow and varies between raters. U-Net "
                "based models dominate the Brain Tumor Segmentation (BraTS) challenges, and the self-configuring "
                "nnU-Net framework is a strong default. We ask whether residual encoders and attention gates add "
                "accuracy on top of nnU-Net's automatic configuration.",
            ]),
            ("2. Methods", [
                "<b>Data.</b> BraTS 2021 provides 1,251 pre-operative cases with T1, contrast-enhanced T1 (T1Gd), "
                "T2 and FLAIR volumes, co-registered, skull-stripped and resampled to 1 mm isotropic resolution, "
                "with expert labels of necrosis, oedema and enhancing tumour. All results are 5-fold "
                "cross-validation averages over the training cases.",
                "<b>Network.</b> RA-nnU-Net keeps nnU-Net's preprocessing, patch size (128 x 128 x 128) and "
                "training schedule (1,000 epochs, SGD with Nesterov momentum, polynomial learning-rate decay), but "
                "replaces each encoder stage by two residual blocks and gates every skip connection with an "
                "additive attention module. It is trained from scratch with Dice plus cross-entropy loss.",
                "<b>Baselines.</b> We compare with the default 3D full-resolution nnU-Net, a 3D U-Net and an "
                "Attention U-Net, all trained on the same folds.",
            ]),
            ("3. Results", [
                "Table 1 lists the Dice score and the 95th percentile Hausdorff distance (HD95), each averaged over "
                "the three tumour sub-regions.",
                ResultTable(
                    caption="Table 1. Segmentation on BraTS 2021 (5-fold cross-validation, mean of ET, TC, WT).",
                    dataset="BraTS 2021", split="cross-validation",
                    columns=[Column("Method"), Column("Dice (%)", "dice", "percent"),
                             Column("HD95 (mm)", "hd95", "mm")],
                    rows=[
                        Row("RA-nnU-Net", ["89.4", "4.87"], label="RA-nnU-Net (ours)", headline=True),
                        Row("nnU-Net", ["88.6", "5.21"], headline=True),
                        Row("Attention U-Net", ["86.8", "6.93"]),
                        Row("3D U-Net", ["85.9", "7.64"]),
                    ],
                ),
                "The largest gain was on the enhancing tumour, where attention gates reduced false positives in "
                "vessels adjacent to the lesion.",
            ]),
            ("4. Discussion", [
                "Residual encoders increase the effective depth of the network without changing nnU-Net's "
                'configuration rules, and attention gates suppress responses in structures that resemble enhancing '
                'tumour, such as vessels and the choroid plexus. The improvements are smaller than the differences '
                'between folds for some cases, which is typical for mature benchmarks where the baseline is already '
                'strong.',
                'We did not evaluate on the BraTS validation or test phases, whose labels are withheld, so our '
                'figures are cross-validation estimates. Post-operative scans and paediatric tumours were outside '
                'the scope of this study.',
            ]),
            ("5. Conclusion", [
                "Residual encoders and attention gates give a small but consistent improvement over nnU-Net on "
                "BraTS 2021 at a 14% higher training cost.",
            ]),
        ],
        references=[
            "[1] Isensee F, Jaeger PF, Kohl SAA, Petersen J, Maier-Hein KH. nnU-Net: a self-configuring method "
            "for deep learning-based biomedical image segmentation. Nature Methods 2021.",
            "[2] Oktay O, et al. Attention U-Net: learning where to look for the pancreas. MIDL 2018.",
        ],
        datasets=[
            dataset("BraTS 2021", [], "MRI", "brain",
                    ["segmentation"], "1,251 pre-operative multi-parametric MRI cases (T1, T1Gd, T2, FLAIR)",
                    patients=1251, scans=1251),
        ],
        models=[
            model("RA-nnU-Net", "nnU-Net", "segmentation", True, "none"),
            model("nnU-Net", "nnU-Net", "segmentation", False, "none"),
            model("Attention U-Net", "Attention U-Net", "segmentation", False, "none"),
            model("3D U-Net", "3D U-Net", "segmentation", False, "none"),
        ],
    ),
    Paper(
        stem="cxr_densenet121",
        title="Multi-Label Thoracic Disease Classification on Chest Radiographs with DenseNet-121 and "
              "Label-Smoothing Regularisation",
        authors=["Omar Haddad", "Claire Dubois", "Wei Zhang", "Priya Nair"],
        affiliations=["Centre for Thoracic Imaging Research, Eastbridge University",
                      "School of Computing, Eastbridge University"],
        venue_line="Thoracic Imaging and Artificial Intelligence, 2021, 3(2): 45-57",
        year=2021, venue="Thoracic Imaging and Artificial Intelligence", venue_type="journal",
        doi="10.5555/tiai.2021.0305", uses_deep_learning=True,
        abstract=(
            "Chest radiographs are the most frequent imaging examination, and automated triage could shorten "
            "reporting delays. We train an ImageNet-pretrained DenseNet-121 with label-smoothing regularisation "
            "(CXR-DenseNet) for the 14 pathology labels of ChestX-ray14 (112,120 frontal-view radiographs of "
            "30,805 patients). On the official patient-wise test split, CXR-DenseNet reached a mean AUC of 0.846 "
            "and a mean F1 score of 0.392 across the 14 labels, ahead of ResNet-50 (0.823) and VGG16 (0.801)."
        ),
        sections=[
            ("1. Introduction", [
                "Labels mined from radiology reports are noisy. Label smoothing softens the training targets and "
                "has been reported to improve calibration under label noise. We test it for multi-label "
                "classification of chest X-rays.",
            ]),
            ("2. Data and Methods", [
                "<b>Dataset.</b> ChestX-ray14 contains 112,120 frontal chest radiographs from 30,805 unique "
                "patients, each with up to 14 text-mined disease labels. We used the official split into 86,524 "
                "training/validation and 25,596 test images, with no patient in more than one subset.",
                "<b>Model.</b> CXR-DenseNet is a DenseNet-121 initialised from ImageNet, with the classifier "
                "replaced by a 14-way sigmoid layer. Images were resized to 512 x 512 pixels. We trained with binary "
                "cross-entropy and label smoothing (epsilon = 0.1), Adam, learning rate 1e-4, batch size 32, for "
                "20 epochs, choosing the epoch with the lowest validation loss. ResNet-50 and VGG16 baselines were "
                "trained with the same recipe but without label smoothing.",
            ]),
            ("3. Results", [
                ResultTable(
                    caption="Table 1. Mean AUC and mean F1 score over the 14 labels on the ChestX-ray14 test split.",
                    dataset="ChestX-ray14", split="test",
                    columns=[Column("Model"), Column("Mean AUC", "auc"), Column("Mean F1", "f1")],
                    rows=[
                        Row("CXR-DenseNet", ["0.846", "0.392"], label="CXR-DenseNet (ours)", headline=True),
                        Row("ResNet-50", ["0.823", "0.361"], headline=True),
                        Row("VGG16", ["0.801", "0.342"]),
                    ],
                ),
                "The largest improvements were for effusion and oedema; nodule and pneumonia remained the hardest "
                "labels. Label smoothing alone accounted for 0.011 of the AUC gain in an ablation.",
            ]),
            ("4. Discussion", [
                'Label smoothing reduces the penalty for confident predictions on labels that may be wrong, which is'
                ' the situation of text-mined annotations. The gain was largest for labels whose report phrasing is '
                'ambiguous, such as infiltration, and smallest for labels with distinctive appearance, such as '
                'cardiomegaly.',
                'The test labels of ChestX-ray14 are themselves text-mined, so all reported figures measure '
                'agreement with report-derived labels rather than with a radiologist reference standard. An '
                'evaluation on an expert-annotated subset would strengthen the conclusions.',
            ]),
            ("5. Conclusion", [
                "A DenseNet-121 with label smoothing is a simple and strong baseline for multi-label chest X-ray "
                "classification with noisy labels.",
            ]),
        ],
        references=[
            "[1] Huang G, Liu Z, van der Maaten L, Weinberger KQ. Densely connected convolutional networks. "
            "CVPR 2017.",
            "[2] Wang X, et al. ChestX-ray8: hospital-scale chest X-ray database and benchmarks. CVPR 2017.",
        ],
        datasets=[
            dataset("ChestX-ray14", ["ChestX-ray 14"], "X-ray", "chest", ["classification"],
                    "112,120 frontal chest radiographs from 30,805 patients; 86,524 train/validation and 25,596 "
                    "test images", patients=30805, images=112120),
        ],
        models=[
            model("CXR-DenseNet", "DenseNet-121", "classification", True, "ImageNet"),
            model("ResNet-50", "ResNet-50", "classification", False, "ImageNet"),
            model("VGG16", "VGG16", "classification", False, "ImageNet"),
        ],
    ),
    Paper(
        stem="dermoscopy_efficientnet",
        title="EfficientNet-B3 with Colour Constancy Pre-processing for Skin Lesion Classification in Dermoscopy",
        authors=["Isabel Moreno", "Tomasz Wojcik", "Amara Okafor"],
        affiliations=["Dermatology Imaging Lab, Southport Medical University"],
        venue_line="Proceedings of the Conference on Computational Dermatology (CCD 2024), Valencia, pp. 132-141",
        year=2024, venue="Conference on Computational Dermatology (CCD 2024)", venue_type="conference",
        doi="10.5555/ccd.2024.017", uses_deep_learning=True,
        abstract=(
            "Dermoscopic images differ in illumination and camera response between clinics, which hurts the "
            "generalisation of skin lesion classifiers. We combine Shades-of-Gray colour constancy with an "
            "ImageNet-pretrained EfficientNet-B3 for seven-class lesion classification. Trained on HAM10000, the "
            "model reached an accuracy of 91.3% and an AUC of 0.962 on its held-out test set, and 84.6% and 0.921 "
            "on an external test set drawn from ISIC 2019."
        ),
        sections=[
            ("1. Introduction", [
                "Convolutional networks match dermatologists on curated dermoscopy benchmarks but lose accuracy on "
                "images from other sites. Colour constancy is a cheap way to reduce acquisition differences.",
            ]),
            ("2. Methods", [
                "<b>Datasets.</b> HAM10000 contains 10,015 dermoscopic images of pigmented lesions in seven "
                "diagnostic categories. We split it by lesion into 8,012 training and 2,003 test images. For "
                "external testing we sampled 3,000 images of the same seven categories from the ISIC 2019 training "
                "set (25,331 images), excluding every image that also appears in HAM10000.",
                "<b>Model.</b> Images were colour-normalised with the Shades-of-Gray algorithm (p = 6), resized to "
                "300 x 300 pixels and augmented with flips, rotations and colour jitter. An ImageNet-pretrained "
                "EfficientNet-B3 was fine-tuned with a class-weighted cross-entropy loss for 30 epochs. ResNet-50 "
                "and Inception-v3 baselines were trained with the same pipeline.",
            ]),
            ("3. Results", [
                ResultTable(
                    caption="Table 1. Seven-class classification on the HAM10000 test set and the external "
                            "ISIC 2019 test set.",
                    dataset=None, split="test",
                    columns=[Column("Model"), Column("Test set"), Column("Accuracy (%)", "accuracy", "percent"),
                             Column("AUC", "auc")],
                    rows=[
                        Row("EfficientNet-B3", ["HAM10000", "91.3", "0.962"], label="EfficientNet-B3 (ours)",
                            dataset="HAM10000", headline=True),
                        Row("EfficientNet-B3", ["ISIC 2019", "84.6", "0.921"], label="EfficientNet-B3 (ours)",
                            dataset="ISIC 2019", headline=True),
                        Row("ResNet-50", ["HAM10000", "88.7", "0.947"], dataset="HAM10000", headline=True),
                        Row("ResNet-50", ["ISIC 2019", "80.2", "0.897"], dataset="ISIC 2019", headline=True),
                        Row("Inception-v3", ["HAM10000", "87.9", "0.941"], dataset="HAM10000"),
                        Row("Inception-v3", ["ISIC 2019", "79.5", "0.889"], dataset="ISIC 2019"),
                    ],
                ),
                "Without colour constancy, the external accuracy of EfficientNet-B3 fell to 81.0%, so most of the "
                "gain in generalisation comes from pre-processing rather than from the architecture.",
            ]),
            ("4. Discussion", [
                'Colour constancy removes a global colour cast but cannot correct differences in magnification, '
                'hair, or the presence of rulers and ink markings, which remain potential shortcuts. The external '
                'test set was sampled from a public archive that shares contributing clinics with HAM10000, so it is'
                ' not fully independent; a truly prospective test would likely show a larger drop.',
                'EfficientNet-B3 has fewer parameters than ResNet-50 and Inception-v3 yet performed best in both '
                'settings, suggesting that compound scaling suits the fine textures of dermoscopic images.',
            ]),
            ("5. Conclusion", [
                "Colour constancy narrows the gap between internal and external performance of dermoscopy "
                "classifiers at no extra training cost.",
            ]),
        ],
        references=[
            "[1] Tan M, Le QV. EfficientNet: rethinking model scaling for convolutional neural networks. ICML 2019.",
            "[2] Tschandl P, Rosendahl C, Kittler H. The HAM10000 dataset. Scientific Data 2018.",
        ],
        datasets=[
            dataset("HAM10000", [], "dermoscopy", "skin", ["classification"],
                    "10,015 dermoscopic images, seven categories; 8,012 training and 2,003 test images",
                    images=10015),
            dataset("ISIC 2019", ["ISIC 2019 training set", "external ISIC 2019 test set"], "dermoscopy", "skin",
                    ["classification"], "3,000 images sampled from the 25,331-image ISIC 2019 training set as an "
                    "external test set", images=3000),
        ],
        models=[
            model("EfficientNet-B3", "EfficientNet-B3", "classification", True, "ImageNet"),
            model("ResNet-50", "ResNet-50", "classification", False, "ImageNet"),
            model("Inception-v3", "InceptionV3", "classification", False, "ImageNet"),
        ],
    ),
    Paper(
        stem="petct_lesion_unet",
        title="Dual-Channel U-Net for Whole-Body Lesion Segmentation in FDG PET/CT",
        authors=["Henrik Aalto", "Mei-Ling Chou", "Gabriel Santos"],
        affiliations=["Nuclear Medicine Physics Unit, Riverside University Hospital",
                      "Department of Computer Science, Riverside University"],
        venue_line="medRxiv preprint, posted 12 March 2025",
        year=2025, venue="medRxiv", venue_type="preprint",
        doi="10.5555/2025.03.10.25301234", uses_deep_learning=True, pdf_title=False,
        abstract=(
            "Whole-body FDG PET/CT is central to staging lymphoma, melanoma and lung cancer, but manual lesion "
            "segmentation is laborious. We feed co-registered PET and CT volumes as two input channels to a 3D "
            "U-Net (Dual-Channel U-Net) and train it on the AutoPET dataset of 1,014 studies from 900 patients. "
            "On a held-out test set of 150 studies, the model reached a Dice score of 0.712 and an HD95 of 18.4 mm, "
            "compared with 0.694 and 21.9 mm for a PET-only nnU-Net."
        ),
        sections=[
            ("1. Introduction", [
                "Metabolic tumour volume derived from FDG PET/CT predicts outcome in several cancers, but requires "
                "every lesion to be delineated. Physiological uptake in brain, kidneys and bladder makes automatic "
                "segmentation from PET alone error-prone; the CT channel adds anatomical context.",
            ]),
            ("2. Methods", [
                "<b>Data.</b> The AutoPET dataset contains 1,014 whole-body FDG PET/CT studies of 900 patients with "
                "lymphoma, melanoma, lung cancer or negative findings, with manual lesion masks. We kept 864 "
                "studies for training and validation and 150 studies for testing, split by patient.",
                "<b>Model.</b> PET standardised uptake values and CT Hounsfield units were resampled to 2 mm voxels "
                "and stacked as two channels. The Dual-Channel U-Net has five levels with instance normalisation "
                "and was trained from scratch on 96 x 96 x 96 patches for 600 epochs with Dice plus focal loss. "
                "The baselines were a PET-only nnU-Net and a CT-only U-Net.",
            ]),
            ("3. Results", [
                ResultTable(
                    caption="Table 1. Lesion segmentation on the AutoPET test set (150 studies).",
                    dataset="AutoPET", split="test",
                    columns=[Column("Method"), Column("Dice", "dice"), Column("HD95 (mm)", "hd95", "mm")],
                    rows=[
                        Row("Dual-Channel U-Net", ["0.712", "18.4"], label="Dual-Channel U-Net (ours)",
                            headline=True),
                        Row("nnU-Net (PET only)", ["0.694", "21.9"], headline=True),
                        Row("U-Net (CT only)", ["0.418", "63.2"]),
                    ],
                ),
                "Most remaining false positives were in the bladder and in brown fat; false negatives were small "
                "lesions below 1 mL.",
            ]),
            ("4. Discussion", [
                'The CT channel mainly helps to reject physiological uptake, because organs with high tracer uptake '
                'are easy to recognise anatomically. It also sharpens lesion boundaries next to bone. The remaining '
                'errors are dominated by very small lesions, for which the 2 mm resampling is coarse.',
                'This is a preprint that has not been peer reviewed. All studies come from one public dataset '
                'acquired at two sites, and results on other scanners and tracers remain to be shown.',
            ]),
            ("5. Conclusion", [
                "Adding CT as a second input channel improves whole-body PET lesion segmentation over PET alone.",
            ]),
        ],
        references=[
            "[1] Gatidis S, et al. A whole-body FDG-PET/CT dataset with manually annotated tumor lesions. "
            "Scientific Data 2022.",
            "[2] Cicek O, et al. 3D U-Net: learning dense volumetric segmentation from sparse annotation. "
            "MICCAI 2016.",
        ],
        datasets=[
            dataset("AutoPET", ["AutoPET dataset"], "PET", "whole body", ["segmentation"],
                    "1,014 whole-body FDG PET/CT studies of 900 patients; 864 train/validation and 150 test "
                    "studies", patients=900, scans=1014),
        ],
        models=[
            model("Dual-Channel U-Net", "U-Net", "segmentation", True, "none"),
            model("nnU-Net (PET only)", "nnU-Net", "segmentation", False, "none"),
            model("U-Net (CT only)", "U-Net", "segmentation", False, "none"),
        ],
    ),
    Paper(
        stem="histopathology_vit",
        title="Vision Transformers versus CNNs for Metastasis Detection in Lymph Node Histopathology Patches",
        authors=["Ana Ribeiro", "Jonas Becker", "Fatima Zahra El Amrani", "Lucas Meyer"],
        affiliations=["Computational Pathology Group, Hillcrest University Medical Center"],
        venue_line="Journal of Computational Pathology Methods, 2022, 7: 101-112",
        year=2022, venue="Journal of Computational Pathology Methods", venue_type="journal",
        doi="10.5555/jcpm.2022.0078", uses_deep_learning=True,
        abstract=(
            "Detecting metastases in sentinel lymph node sections is a laborious task for pathologists. We compare "
            "an ImageNet-pretrained vision transformer (HistoViT, ViT-B/16) with convolutional networks for "
            "patch-level metastasis detection on the PatchCamelyon (PCam) benchmark of 327,680 H&E-stained "
            "patches. HistoViT achieved an accuracy of 90.8% and an AUC of 0.967 on the PCam test split, compared "
            "with 89.5% and 0.958 for DenseNet-121."
        ),
        sections=[
            ("1. Introduction", [
                "Transformers have overtaken CNNs on natural-image benchmarks, but histopathology patches are small "
                "and texture-dominated. We test whether a ViT pretrained on natural images transfers to this domain.",
            ]),
            ("2. Materials and Methods", [
                "<b>Dataset.</b> PatchCamelyon (PCam) contains 327,680 colour patches of 96 x 96 pixels extracted "
                "from the Camelyon16 whole slide images of sentinel lymph node sections, each labelled by whether "
                "its centre contains metastatic tissue. We used the official split of 262,144 training, 32,768 "
                "validation and 32,768 test patches.",
                "<b>Models.</b> HistoViT is a ViT-B/16 initialised from ImageNet-21k weights; patches were upsampled "
                "to 224 x 224 pixels. It was fine-tuned with AdamW (learning rate 3e-5, weight decay 0.05) for 10 "
                "epochs with stain augmentation. The CNN baselines, ResNet-50 and DenseNet-121 (both "
                "ImageNet-pretrained), were trained with the same augmentation using SGD.",
            ]),
            ("3. Results", [
                ResultTable(
                    caption="Table 1. Patch-level metastasis detection on the PCam test split.",
                    dataset="PatchCamelyon", split="test",
                    columns=[Column("Model"), Column("Accuracy (%)", "accuracy", "percent"),
                             Column("AUC", "auc"), Column("F1 (%)", "f1", "percent")],
                    rows=[
                        Row("HistoViT", ["90.8", "0.967", "90.1"], label="HistoViT (ours)", headline=True),
                        Row("DenseNet-121", ["89.5", "0.958", "88.9"], headline=True),
                        Row("ResNet-50", ["88.2", "0.951", "87.4"]),
                    ],
                ),
                "HistoViT attended to tumour-cell clusters in attention rollout maps, while errors concentrated on "
                "patches with isolated tumour cells at the patch border.",
            ]),
            ("4. Discussion", [
                'The ViT benefits from upsampling the 96 x 96 patches to its native input size, which multiplies the'
                ' compute per patch. At equal compute, DenseNet-121 with a larger input was within 0.5 percentage '
                'points of HistoViT, so the architectural advantage is modest. Stain augmentation was essential for '
                'both model families.',
                'Patch-level accuracy does not directly translate to slide-level diagnosis, which requires '
                'aggregating thousands of patch predictions. We leave slide-level evaluation on the full Camelyon16 '
                'test slides to future work.',
            ]),
            ("5. Conclusion", [
                "An ImageNet-pretrained ViT-B/16 slightly outperforms CNN baselines for patch-level metastasis "
                "detection at about twice the inference cost.",
            ]),
        ],
        references=[
            "[1] Dosovitskiy A, et al. An image is worth 16x16 words: transformers for image recognition at "
            "scale. ICLR 2021.",
            "[2] Veeling BS, et al. Rotation equivariant CNNs for digital pathology. MICCAI 2018.",
        ],
        datasets=[
            dataset("PatchCamelyon", ["PatchCamelyon (PCam)", "PCam"], "histopathology", "lymph node",
                    ["classification"], "327,680 H&E patches of 96 x 96 pixels from Camelyon16; 262,144 train, "
                    "32,768 validation, 32,768 test", images=327680),
        ],
        models=[
            model("HistoViT", "ViT-B/16", "classification", True, "ImageNet"),
            model("DenseNet-121", "DenseNet-121", "classification", False, "ImageNet"),
            model("ResNet-50", "ResNet-50", "classification", False, "ImageNet"),
        ],
    ),
    Paper(
        stem="lung_nodule_radiomics_svm",
        title="Radiomic Texture Features and Support Vector Machines for Benign-Malignant Lung Nodule "
              "Classification on CT",
        authors=["Rosa Castellano", "Peter J. Whitfield", "Hana Kobayashi"],
        affiliations=["Department of Medical Physics, Greenvale University",
                      "Thoracic Radiology Service, Greenvale University Hospital"],
        venue_line="Journal of Quantitative Thoracic Imaging, 2019, 11(4): 301-310",
        year=2019, venue="Journal of Quantitative Thoracic Imaging", venue_type="journal",
        doi="10.5555/jqti.2019.0412", uses_deep_learning=False,
        abstract=(
            "We classify pulmonary nodules on CT as benign or malignant with handcrafted radiomic features and a "
            "support vector machine, without deep learning. From 1,018 CT scans of the LIDC-IDRI collection we "
            "selected 847 nodules with a consensus malignancy rating, extracted 107 shape, first-order and texture "
            "features per nodule, and selected 18 with LASSO. An SVM with a radial basis function kernel reached "
            "an accuracy of 87.2%, a sensitivity of 84.9%, a specificity of 88.6% and an AUC of 0.912 in 10-fold "
            "cross-validation."
        ),
        sections=[
            ("1. Introduction", [
                "Radiomics turns medical images into quantitative descriptors that can be combined with classical "
                "machine learning. Such models are cheap to train and their features can be inspected, which "
                "matters for small clinical datasets.",
            ]),
            ("2. Materials and Methods", [
                "<b>Data.</b> LIDC-IDRI contains 1,018 thoracic CT scans from 1,010 patients, annotated by up to "
                "four radiologists. We kept nodules of at least 3 mm rated by three or more readers and labelled "
                "them malignant when the median rating was 4 or 5 and benign when it was 1 or 2, giving 847 nodules "
                "(329 malignant, 518 benign).",
                "<b>Features.</b> From the consensus contours we computed 107 features (shape, first-order "
                "statistics, GLCM, GLRLM and GLSZM texture) after resampling to 1 mm voxels, and selected 18 "
                "features with LASSO inside each training fold.",
                "<b>Classifiers.</b> We compared an SVM with an RBF kernel (C and gamma tuned by nested grid "
                "search) with a random forest of 500 trees and an L2-regularised logistic regression.",
            ]),
            ("3. Results", [
                ResultTable(
                    caption="Table 1. Benign-malignant classification on LIDC-IDRI (10-fold cross-validation).",
                    dataset="LIDC-IDRI", split="cross-validation",
                    columns=[Column("Classifier"), Column("Accuracy (%)", "accuracy", "percent"),
                             Column("Sensitivity (%)", "sensitivity", "percent"),
                             Column("Specificity (%)", "specificity", "percent"), Column("AUC", "auc")],
                    rows=[
                        Row("Radiomics + SVM (RBF)", ["87.2", "84.9", "88.6", "0.912"],
                            label="Radiomics + SVM (RBF, ours)", headline=True),
                        Row("Radiomics + random forest", ["85.6", "81.2", "88.4", "0.897"], headline=True),
                        Row("Radiomics + logistic regression", ["82.3", "78.7", "84.6", "0.874"]),
                    ],
                ),
                "Texture features from the GLSZM family carried most of the discriminative information.",
            ]),
            ("4. Discussion", [
                "Radiomic models are sensitive to segmentation and acquisition settings. We used the radiologists' "
                'consensus contours, so the reported accuracy is an upper bound for a fully automatic pipeline. The '
                'LASSO selection was repeated inside each fold to avoid optimistic bias from feature selection on '
                'the full dataset.',
                'The malignancy ratings of LIDC-IDRI are subjective reader scores rather than pathological '
                'diagnoses, and nodules with an indeterminate median rating of 3 were excluded, which makes the task'
                ' easier than clinical practice.',
            ]),
            ("5. Conclusion", [
                "A compact radiomic signature with an SVM classifies lung nodules accurately and transparently.",
            ]),
        ],
        references=[
            "[1] Armato SG, et al. The Lung Image Database Consortium (LIDC) and Image Database Resource "
            "Initiative (IDRI). Medical Physics 2011.",
            "[2] Lambin P, et al. Radiomics: extracting more information from medical images. European Journal of "
            "Cancer 2012.",
        ],
        datasets=[
            dataset("LIDC-IDRI", ["LIDC-IDRI collection"], "CT", "lung", ["classification"],
                    "1,018 thoracic CT scans from 1,010 patients; 847 nodules (329 malignant, 518 benign)",
                    patients=1010, scans=1018),
        ],
        models=[
            model("Radiomics + SVM (RBF)", None, "classification", True, None),
            model("Radiomics + random forest", None, "classification", False, None),
            model("Radiomics + logistic regression", None, "classification", False, None),
        ],
    ),
]


def value_of(cell: str, scale: Scale) -> float:
    """The gold value of a printed cell: percentages as fractions, fractions and distances as printed."""
    number = float(cell.rstrip("%"))
    return round(number / 100, 6) if scale == "percent" else number


def gold_results(paper: Paper) -> list[dict[str, Any]]:
    """Headline results: the table rows marked headline (every metric column) and the text results."""
    results = []
    n = 0
    for _, blocks in paper.sections:
        for block in blocks:
            if not isinstance(block, ResultTable):
                continue
            n += 1
            for row in block.rows:
                if not row.headline:
                    continue
                for column, cell in zip(block.columns[1:], row.cells, strict=True):
                    if column.metric is None:
                        continue
                    results.append({
                        "model": row.model, "dataset": row.dataset or block.dataset, "metric": column.metric,
                        "value": value_of(cell, column.scale), "as_printed": cell, "split": block.split,
                        "where": f"Table {n}",
                    })
    for r in paper.text_results:
        results.append({"model": r.model, "dataset": r.dataset, "metric": r.metric, "value": r.value,
                        "as_printed": r.as_printed, "split": r.split, "where": r.where})
    return results


def gold(paper: Paper, pdf: bytes) -> dict[str, Any]:
    """The gold annotation of a paper (docs/gold-format.md)."""
    return {
        "file": f"{paper.stem}.pdf", "sha256": hashlib.sha256(pdf).hexdigest(), "title": paper.title,
        "year": paper.year, "venue": paper.venue, "venue_type": paper.venue_type, "doi": paper.doi,
        "arxiv_id": None, "uses_deep_learning": paper.uses_deep_learning, "uses_medical_imaging": True,
        "datasets": paper.datasets, "models": paper.models, "results": gold_results(paper),
    }


def _table_html(table: ResultTable) -> str:
    head = "".join(f"<th>{html.escape(c.label)}</th>" for c in table.columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in [row.label or row.model, *row.cells]) + "</tr>"
        for row in table.rows
    )
    return f'<p class="caption"><b>{html.escape(table.caption)}</b></p><table><tr>{head}</tr>{body}</table>'


def paper_html(paper: Paper) -> str:
    """The whole paper as HTML for PyMuPDF's Story (paragraph strings may hold <b> markup)."""
    parts = [
        f"<h1>{html.escape(paper.title)}</h1>",
        f'<p class="centre">{html.escape(", ".join(paper.authors))}</p>',
        *(f'<p class="small">{i}. {html.escape(a)}</p>' for i, a in enumerate(paper.affiliations, 1)),
        f'<p class="small">{html.escape(paper.venue_line)}</p>',
        f'<p class="small">https://doi.org/{paper.doi}</p>',
        "<h2>Abstract</h2>",
        f"<p>{html.escape(paper.abstract)}</p>",
    ]
    for heading, blocks in paper.sections:
        parts.append(f"<h2>{html.escape(heading)}</h2>")
        for block in blocks:
            parts.append(_table_html(block) if isinstance(block, ResultTable) else f"<p>{block}</p>")
    parts.append("<h2>References</h2>")
    parts.extend(f'<p class="ref">{html.escape(r)}</p>' for r in paper.references)
    return "".join(parts)


def render(paper: Paper) -> bytes:
    """The paper as PDF bytes: A4, flowed by Story, a footer on every page, fixed metadata, no random id."""
    buffer = io.BytesIO()
    story = pymupdf.Story(html=paper_html(paper), user_css=CSS)
    writer = pymupdf.DocumentWriter(buffer)
    mediabox = pymupdf.paper_rect("a4")
    where = pymupdf.Rect(72, 64, mediabox.width - 72, mediabox.height - 72)
    more = True
    while more:
        device = writer.begin_page(mediabox)
        more, _ = story.place(where)
        story.draw(device)
        writer.end_page()
    writer.close()
    doc = pymupdf.open("pdf", buffer.getvalue())
    for page in doc:
        page.insert_text((60, mediabox.height - 30), FOOTER, fontsize=7, fontname="helv")
        page.insert_text((mediabox.width - 80, mediabox.height - 30), f"Page {page.number + 1}", fontsize=7,
                         fontname="helv")
    doc.set_metadata({
        "title": paper.title if paper.pdf_title else "", "author": "; ".join(paper.authors),
        "subject": "synthetic litextract demo paper", "creator": "litextract corpus/generate.py",
        "producer": f"PyMuPDF {pymupdf.__version__}", "creationDate": FIXED_DATE, "modDate": FIXED_DATE,
    })
    doc.subset_fonts()
    data = doc.tobytes(garbage=3, deflate=True, no_new_id=True)
    doc.close()
    return data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent, help="output folder")
    out = parser.parse_args().out
    out.mkdir(parents=True, exist_ok=True)
    for paper in PAPERS:
        pdf = render(paper)
        (out / f"{paper.stem}.pdf").write_bytes(pdf)
        text = json.dumps(gold(paper, pdf), indent=2, ensure_ascii=False) + "\n"
        (out / f"{paper.stem}.gold.json").write_text(text, encoding="utf-8")
        print(f"{out / paper.stem}.pdf  {len(pdf) // 1024} KiB, {len(gold_results(paper))} gold results")


if __name__ == "__main__":
    main()
