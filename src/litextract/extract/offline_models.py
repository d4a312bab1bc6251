"""Model records: the model(s) a paper proposes, and the architectures and baselines it compares."""

from __future__ import annotations

import re
from collections import Counter, defaultdict

from litextract.extract.offline_text import Sentence, model_name, window
from litextract.records import Evidence, Model
from litextract.vocab import Entry, Mention, Vocabulary

_NAME = r"([A-Z][A-Za-z0-9]*(?:[\-+][A-Za-z0-9]+)*[A-Za-z0-9+]*)"
_CALLED = re.compile(r"\b(?:called|named|dubbed|termed|namely|i\.e\.,?|coined)\s+(?:as\s+)?(?:the\s+)?" + _NAME)
_PROPOSE_ACRONYM = re.compile(
    r"\b(?:we|this (?:paper|study|work))\s+(?:\w+\s+)?(?:propose|present|introduce|develop|design)\w*\b[^.]{0,160}?\("
    + _NAME
    + r"\)"
)
_THE_PROPOSED = re.compile(
    r"\b(?:the|our)\s+proposed\s+" + _NAME + r"(?=\s+(?:model|network|method|framework|architecture|approach))"
)
_OURS_ROW = re.compile(r"\b(?:ours|proposed)\b", re.I)
_LAYERS = re.compile(r"\b(\d{2,3})-layer\s+(Dense|densely|Residual|ResNet)", re.I)
_BACKBONE_CUE = re.compile(r"backbone|encoder|based on|built (?:up)?on|variant of|initiali[sz]ed", re.I)
_ENCODER = re.compile(
    r"\b(?:our|the proposed|the)\b[^.]{0,40}\b(?:encoder|backbone)\b[^.]{0,60}\b(?:follows|is|uses|adopts)", re.I
)
_CITED = re.compile(r"\[\d+(?:\s*[,–\-]\s*\d+)*\]|\bet al\.|\([A-Z][\w\-]+(?: et al\.)?,? (?:19|20)\d\d[a-z]?\)")
_IMAGENET = re.compile(
    r"pre-?trained (?:\w+ ){0,4}on (?:the )?ImageNet|ImageNet[- ]pre-?trained|ImageNet weights|"
    r"initiali[sz]ed (?:\w+ ){0,4}ImageNet|weights (?:\w+ ){0,4}ImageNet|transfer learning from ImageNet",
    re.I,
)
_USED = re.compile(
    r"\b(?:we|our)\b[^.]{0,60}\b(?:use|used|employ|adopt|compare|fine-?tun|train|implement|choose|select)|"
    r"backbone|baseline|compared (?:with|to)|comparison|pre-?trained|fine-?tuned|transfer learning",
    re.I,
)
_SCRATCH = re.compile(r"(?:trained|train|learned) from scratch|random(?:ly)? initiali[sz]", re.I)
_NOT_A_NAME = re.compile(
    r"^(?:The|This|We|Our|In|It|CNN|CNNs|DL|AI|ML|MRI|CT|PET|ROI|GPU|II|III|IV|Table|Fig|Figure|"
    r"Dice|DSC|HD|IoU|AUC|MSD|DICOM|NIfTI|NIFTI|PACS|RGB|HU|API|GUI|CPU|RAM|SGD|Adam|ReLU|RELU)$"
)
TASK_WORDS = {
    "segmentation": re.compile(r"segment", re.I),
    "classification": re.compile(r"classif|diagnos|recogni|grading", re.I),
    "detection": re.compile(r"detect|locali[sz]", re.I),
    "generation": re.compile(r"denois|synthes|generat|reconstruct|super-resolution", re.I),
    "report-generation": re.compile(r"report generation|radiology report", re.I),
}


def paper_task(title: str, abstract: str) -> str | None:
    """The main task named in the title (else the abstract): segmentation, classification, detection, ..."""
    for text in (title, abstract):
        counts = {task: len(rx.findall(text)) for task, rx in TASK_WORDS.items()}
        if counts.get("report-generation"):
            return "report-generation"
        best = max(counts, key=lambda t: counts[t])
        if counts[best]:
            return best
    return None


def proposed_names(title: str, sents: list[Sentence], body: str) -> list[str]:
    """Names the paper gives its own model: a title prefix ("TransUNet: …") or "we propose … (X)" / "called X"."""
    candidates: Counter[str] = Counter()
    prefix = re.match(r"^\s*([A-Za-z][\w\-+]*(?:\s[\w\-+]+)?)\s*:", title or "")
    if prefix and re.search(r"[A-Z].*[A-Z]|[a-z][A-Z]|-", prefix.group(1)) and len(prefix.group(1)) <= 25:
        candidates[prefix.group(1)] += 100
    for s in sents[:60]:
        for rx in (_CALLED, _PROPOSE_ACRONYM, _THE_PROPOSED):
            for m in rx.finditer(s.text):
                name = m.group(1).rstrip("-+")
                if len(name) >= 3 and re.search(r"[A-Z].*[A-Z]|\d", name) and not _NOT_A_NAME.match(name):
                    candidates[name] += 10
    scored = {n: c + body.count(n) for n, c in candidates.items() if body.count(n) >= 2 or c >= 100}
    ranked = sorted(scored, key=lambda n: -scored[n])
    return ranked[:1]


def find_models(
    title: str,
    sents: list[Sentence],
    body: str,
    vocab: Vocabulary,
    table_labels: list[tuple[str, int, str]],
    task: str | None,
    source: str,
) -> list[Model]:
    """The proposed model(s) with their backbone, the compared table rows, and architectures the paper works with."""
    finder = vocab.finder("backbone")
    mentions: dict[str, list[tuple[Sentence, Mention]]] = defaultdict(list)
    own = [s for s in sents if not (s.related or _CITED.search(s.text))]  # not literature talk: what others used
    for s, found in zip(own, finder.find_each([s.text for s in own]), strict=True):
        for m in found:
            if not _in_compound(s.text, m):
                mentions[m.entry.name].append((s, m))
    models: list[Model] = []
    pretrained = _pretrained(body)
    proposed = proposed_names(title, sents, body)
    for name in proposed:
        backbone, ev = _proposed_backbone(name, sents, vocab)
        where = ev or next((x for x in sents if name in x.text), None)
        if where is None:
            continue
        s = where
        at = s.text.find(name)
        models.append(
            Model(
                name=name,
                backbone=backbone,
                task=task,
                proposed=True,
                pretrained=pretrained,
                evidence=Evidence(page=s.page, quote=window(s, max(at, 0), max(at, 0) + len(name)), source=source),
            )
        )
    seen = {vocab.canonical("backbone", m.name) for m in models} | {m.name.casefold() for m in models}
    for label, page, quote in table_labels:
        name = model_name(label)
        if not name or name.casefold() in seen or any(p in name for p in proposed) or _OURS_ROW.search(label):
            continue
        in_label = finder.find(name)
        backbone = (
            _specific(_base(in_label[0].entry), vocab, body) if in_label else _cited_backbone(name, sents, vocab)
        )
        seen.add(name.casefold())
        models.append(
            Model(name=name, backbone=backbone, task=task, evidence=Evidence(page=page, quote=quote, source=source))
        )
    names = {m.backbone for m in models if m.backbone}
    for name, uses in mentions.items():
        entry = uses[0][1].entry
        if entry.attrs.get("generic") or name in names or _base(entry) in names or name.casefold() in seen:
            continue
        if len(uses) < 3 and not any(_USED.search(x.text) for x, _ in uses):
            continue  # named in passing (related work), not used or compared
        s, m = uses[0]
        written = Counter(x.text for _, x in uses).most_common(1)[0][0]
        models.append(
            Model(
                name=written,
                backbone=_base(entry),
                task=entry.attrs.get("task") or task,
                evidence=Evidence(page=s.page, quote=window(s, m.start, m.end), source=source),
            )
        )
        names.add(name)
    return models


def _cited_backbone(label: str, sents: list[Sentence], vocab: Vocabulary) -> str | None:
    """A row labelled by its authors ("Wang et al. (2021)"): the architecture named where the text cites them."""
    m = re.match(r"^([A-Z][\w\-']+) et al\.,? \(?((?:19|20)\d\d)[a-z]?\)?", label)
    if not m:
        return None
    cite = re.compile(rf"{re.escape(m.group(1))} et al\.,? \(?{m.group(2)}")
    for s in sents:
        at = cite.search(s.text)
        if at:
            near = s.text[max(0, at.start() - 80) : at.end() + 120]
            found = [x for x in vocab.finder("backbone").find(near) if not x.entry.attrs.get("generic")]
            if found:
                return _base(found[0].entry)
    return None


def _specific(name: str, vocab: Vocabulary, body: str) -> str:
    """A family name ("ViT") as the one member of that family the paper names (ViT-B/16), if just one."""
    entry = vocab.lookup("backbone", name)
    if not entry or not entry.attrs.get("generic"):
        return name
    members = {
        m.entry.name
        for m in vocab.finder("backbone").find(body)
        if m.entry.attrs.get("family") == entry.attrs.get("family") and not m.entry.attrs.get("generic")
    }
    return members.pop() if len(members) == 1 else name


def _base(entry: Entry) -> str:
    return str(entry.attrs.get("base") or entry.name)


def _in_compound(text: str, m: Mention) -> bool:
    """ "TransUNet" inside "DA-TransUNet": part of another model's name, not a mention of its own."""
    before = text[max(0, m.start - 2) : m.start]
    after = text[m.end : m.end + 2]
    return bool(re.match(r"\w-$", before) or re.match(r"^-\w", after))


def _proposed_backbone(name: str, sents: list[Sentence], vocab: Vocabulary) -> tuple[str | None, Sentence | None]:
    """The architecture under the proposed model: "CheXNet is a 121-layer DenseNet", "built on ResNet-50",
    "our encoder follows ViT-B/16"; else the architecture its name is, or contains (DA-TransUNet → TransUNet)."""
    finder = vocab.finder("backbone")
    own = vocab.lookup("backbone", name)
    for s in sents:
        named = name in s.text
        if not named and not (own and _ENCODER.search(s.text)):
            continue
        layers = _LAYERS.search(s.text) if named else None
        if layers:
            family = "DenseNet" if layers.group(2).casefold().startswith("dense") else "ResNet"
            entry = vocab.lookup("backbone", f"{family}-{layers.group(1)}")
            if entry:
                return entry.name, s
        if _BACKBONE_CUE.search(s.text):
            for m in finder.find(s.text):
                if m.text != name and not m.entry.attrs.get("generic") and name not in m.text and m.entry != own:
                    return _base(m.entry), s
    if own:
        return _base(own), None
    inner = [m for m in finder.find(name) if m.text != name]
    if inner:
        return _base(inner[0].entry), None
    return None, None


def _pretrained(body: str) -> str | None:
    lines = body.splitlines()  # no pattern spans a line; a case-insensitive regex is slow on a whole paper
    if any(_IMAGENET.search(line) for line in lines if "imagenet" in line.lower()):
        return "ImageNet"
    if any(_SCRATCH.search(line) for line in lines if "scratch" in line.lower() or "initiali" in line.lower()):
        return "none"
    return None
