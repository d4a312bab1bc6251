"""Model records: the paper's own model(s) with their backbone, and the models it compares.

The own model is found where a reader finds it: the title's prefix ("TransUNet: ..."), a first-person definition
("we propose ... (X)", "called X", "X is proposed in this paper", "the presented X technique"), and the rows of
its comparison tables that carry no citation among rows that do (its own variants), or that are marked "ours".
Sentences about other papers never name it. It keeps the paper's name for it (no "(ours)"); when the paper names
no model of its own, the architectures it trains are its models ("we fine-tune ResNet-50", a table of its own
runs), and features it fuses from two networks make one composite backbone ("AlexNet + DarkNet-53").

The own model's backbone comes from its architecture sentences: the model (or "we", "our encoder", "this paper")
as subject with a backbone cue ("the encoder follows ViT-B/16", "employs a GhostNet feature extractor", "employs
the 3D U-Net as the base model", "we combine ResNet-50 and ViT, denoted as R50-ViT", "CheXNet is a 121-layer
DenseNet"), never from a table's text or a sentence about baselines; else from an architecture its name holds
(DA-TransUNet -> TransUNet); else, when the name is itself an architecture of the vocabulary, that architecture.
A model named after a known architecture (UNet++, UNETR) takes another backbone only from an encoder or
backbone sentence. A feature extractor wins over the detector or framework built on it ("Faster R-CNN
(ResNet101)" -> ResNet-101), and a "3D" before an architecture makes its 3D variant ("3D DPN").

Baselines in tables get the backbone their name determines (vocabulary `base`, the architecture in the name), or
the architecture named where the text cites them ("Wang et al. (2021)"). A row label is a model only if it reads
as a name: not a number, a size, a mark (✓, –), a dataset or a setting.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from functools import lru_cache
from typing import Any

from litextract.document import Table
from litextract.extract.offline_dataset_names import is_repository
from litextract.extract.offline_text import (
    CITATION,
    FIRST_PERSON,
    Sentence,
    about_others,
    model_name,
    record,
    tabular,
    window,
)
from litextract.records import Model
from litextract.text import key
from litextract.vocab import Entry, Mention, Vocabulary, vocabulary

_NAME = r"([A-Z][A-Za-z0-9]*(?:[\-+][A-Za-z0-9]+)*[A-Za-z0-9+]*)"
_CALLED = re.compile(r"\b(?:called|named|dubbed|termed|namely|i\.e\.,?|coined)\s+(?:as\s+)?(?:the\s+)?" + _NAME)
_PROPOSE_ACRONYM = re.compile(
    r"\b(?:[Ww]e|[Tt]his (?:paper|study|work|project|report))\s+(?:\w+\s+)?"
    r"(?:propose|present|introduce|develop|design)\w*\b([^.]{0,160}?)\(" + _NAME + r"\)"
)
_THE_PROPOSED = re.compile(
    r"\b(?:the|our)\s+(?:proposed|presented|developed|introduced)\s+" + _NAME + r"(?=\s+(?:model|network|method|"
    r"framework|architecture|approach|technique|system)\b)"
)
_IS_PROPOSED = re.compile(r"^" + _NAME + r",?\s+(?:is|was)\s+(?:proposed|introduced|presented)\b")
# words one of the definitions needs, looked for first: a substring test is far cheaper than the patterns
_DEFINING_WORDS = ("propos", "present", "introduc", "develop", "design", "call", "name", "dub", "term", "i.e", "coin")
_OURS_ROW = re.compile(r"\b(?:ours|proposed)\b", re.I)
# a row that names the paper, not a model: "Ours", "Proposed method", "Current study", "This work"
_SELF_REFERENCE = re.compile(
    r"^(?:the\s+)?(?:ours|(?:current|present|this|our|proposed)(?:\s+(?:study|work|method|model|approach|"
    r"framework|paper|system|technique))?|proposed\s+\w+)$",
    re.I,
)
# what a defined acronym names when it is a part of the model, not the model
_COMPONENT = re.compile(
    r"\b(?:module|block|layer|loss|mechanism|strategy|algorithm|optimi[sz]er|function|unit|operation|head|"
    r"attention|pooling|filter|metric|score|index)s?\s*$",
    re.I,
)
_LAYERS = re.compile(r"\b(\d{2,3})-layer\s+(Dense|densely|Residual|ResNet)", re.I)
# a sentence that says what the model is built on; the first list also serves models named after a known
# architecture (only an encoder or backbone sentence gives those another backbone)
_SPECIFIC_CUE = re.compile(
    r"\bencoders?\b|\bbackbones?\b|feature extractor|denoted as|initiali[sz]ed (?:with|from|by)", re.I
)
_CUE = re.compile(
    r"\bencoders?\b|\bbackbones?\b|feature extractor|denoted as|initiali[sz]ed (?:with|from|by)|base model|"
    r"based on|built (?:up)?on|built upon|\bemploys?\b|\badopts?\b|\buses\b|\butili[sz]es\b|consists? of|"
    r"(?:we|our)\b[^.]{0,30}\b(?:design|build|develop|construct|implement|use|adopt|employ|fine-?tune)",
    re.I,
)
_CUE_REACH = 80  # characters between a backbone cue and the architecture it speaks of
# "X can be deployed as the backbone in Y", "used as the encoder of Y": the model is the other one's backbone
_BACKBONE_OF_OTHER = re.compile(r"\bas (?:the |a |an )?(?:backbone|encoder)s?(?: \w+)? (?:in|of|for)\b", re.I)
# an architecture named as a comparison, not as what the model is built on
_LIKE = re.compile(
    r"(?:similar to|\blike|inspired by|unlike|as in|such as|compared (?:with|to))\s*(?:the\s+)?$", re.I
)
_STATED_CUE = re.compile(r"\b(?:backbones?|encoders?)\b")
_OWN_SUBJECT = re.compile(r"\b(?:we|our|this (?:paper|work|study|project)|the proposed)\b", re.I)
_BASELINE = re.compile(r"\bbaselines?\b|compared (?:with|to)|comparison|outperform|\bthan\b|state-of-the-art", re.I)
_FUSED = re.compile(r"\bfus(?:ed|e|ion)\b|concatenat\w*|combin\w*", re.I)
# "3D" before an architecture, with at most a few lower-case words between ("3D brain tumour segmentation U-Net")
_THREE_D = re.compile(r"\b3-?D(?:\s+[a-z][\w\-]*){0,4}\s*$")
_NUMBERED_VARIANT = re.compile(r"\b([A-Za-z][A-Za-z\-]*?)-?(\d{2,3})\b")
_IMAGENET = re.compile(
    r"pre-?trained (?:\w+ ){0,4}on (?:the )?ImageNet|ImageNet[- ]pre-?trained|ImageNet weights|"
    r"initiali[sz]ed (?:\w+ ){0,4}ImageNet|weights (?:\w+ ){0,4}ImageNet|transfer learning from ImageNet",
    re.I,
)
_USED = re.compile(
    r"\b(?:we|our)\b[^.]{0,60}\b(?:use|used|employ|adopt|compare|fine-?tun|train|implement|choose|select|apply|"
    r"applied|test|evaluat)|backbone|baseline|compared (?:with|to)|comparison|pre-?trained|fine-?tuned|"
    r"transfer learning|\b(?:is|are|was|were) (?:\w+ )?(?:used|employed|adopted|implemented|trained|applied)\b",
    re.I,
)
_TITLE_USING = re.compile(r"\b(?:using|with|via|based on|by)\s+(?:an?\s+|the\s+)?", re.I)
_SCRATCH = re.compile(r"(?:trained|train|learned) from scratch|random(?:ly)? initiali[sz]", re.I)
_NOT_A_NAME = re.compile(
    r"^(?:The|This|We|Our|In|It|CNN|CNNs|DL|AI|ML|MRI|CT|PET|ROI|GPU|II|III|IV|Table|Fig|Figure|"
    r"Dice|DSC|HD|IoU|AUC|MSD|DICOM|NIfTI|NIFTI|PACS|RGB|HU|API|GUI|CPU|RAM|SGD|Adam|ReLU|RELU)$"
)
# labels of table rows that are settings, not models
_LOWER_WORD = re.compile(r"\b[a-z][a-z\-]+\b")
_SUMMARY = re.compile(r"(?:average|mean|overall|total|std|median|sum)\b", re.I)  # a summary row, not a model
_SETTING = re.compile(r"\bepochs?\b|\blr\b|learning rate|batch|^\s*[+−\-–]|^[\d\s.,%×x/()+\-–]+$", re.I)
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


def proposed_names(
    title: str, sents: list[Sentence], body: str, tables: list[Table] | None = None, named: list[str] | None = None
) -> list[str]:
    """Names the paper gives its own model, the main one first: a title prefix ("TransUNet: …"), a first-person
    definition ("we propose … (X)", "called X", "X is proposed in this paper"); then its own variants in tables
    (rows marked "ours", rows without a citation among rows that cite). `named`: `own_names`, when known."""
    named = own_names(title, sents, body) if named is None else named
    if not named:  # no model of its own: its table rows are its own runs, all of them (not variants of one)
        return own_rows(tables or [], marked_only=True)
    return named + own_rows(tables or [], named=named)


def own_names(title: str, sents: list[Sentence], body: str) -> list[str]:
    """The names the paper defines for its own model (title prefix, first-person definitions), best first."""
    candidates: Counter[str] = Counter()
    prefix = re.match(r"^\s*([A-Za-z][\w\-+]*(?:\s[\w\-+]+)?)\s*:", title or "")
    name_like = prefix and re.search(r"[A-Z].*[A-Z]|[a-z][A-Z]|-", prefix.group(1)) and len(prefix.group(1)) <= 25
    if prefix and name_like and vocabulary().lookup("dataset", prefix.group(1)) is None:  # "CBIS-DDSM: a dataset"
        candidates[prefix.group(1)] += 100
    for s in sents:
        lowered = s.text.lower()
        if not any(w in lowered for w in _DEFINING_WORDS) or s.section == "back" or about_others(s.text):
            continue
        for m in _PROPOSE_ACRONYM.finditer(s.text):
            if not _COMPONENT.search(m.group(1)):
                _candidate(candidates, m.group(2))
        for rx in (_CALLED, _THE_PROPOSED, _IS_PROPOSED):
            for m in rx.finditer(s.text):
                if rx is not _CALLED or _OWN_SUBJECT.search(s.text) or s.section in ("abstract", None):
                    _candidate(candidates, m.group(1))
    scored = {n: c + body.count(n) for n, c in candidates.items() if body.count(n) >= 2 or c >= 100}
    ranked = sorted(scored, key=lambda n: -scored[n])
    return ranked[:2] if len(ranked) > 1 and scored[ranked[1]] >= scored[ranked[0]] / 2 else ranked[:1]


def _candidate(candidates: Counter[str], found: str) -> None:
    name = found.rstrip("-+")
    name_like = len(name) >= 3 and re.search(r"[A-Z].*[A-Z]|\d", name) and not _NOT_A_NAME.match(name)
    if name_like and vocabulary().lookup("dataset", name) is None:  # "we introduce ... (CBIS-DDSM)": a dataset
        candidates[name] += 10


def own_rows(tables: list[Table], marked_only: bool = False, named: list[str] | None = None) -> list[str]:
    """The paper's own variants in its tables: rows marked "ours"/"proposed", and (unless `marked_only`) rows
    without a citation in a table whose other rows cite — not an architecture of the vocabulary (a known model
    the authors ran without citing), not the own model's name written otherwise (`named`). The table's cells are
    read through `row_labels`, so a grid can replace them."""
    vocab = vocabulary()
    own = {key(n) for n in named or []}
    out: list[str] = []
    for t in tables:
        labels = row_labels(t)
        cited = [lab for lab in labels if CITATION.search(lab) or re.search(r"\((?:19|20)\d\d[a-z]?\)", lab)]
        for lab in labels:
            name = model_name(lab)
            if not reads_as_model(name) or key(name) in own:
                continue
            marked = bool(_OURS_ROW.search(lab)) and not _SELF_REFERENCE.match(name)
            uncited = not marked_only and len(cited) >= 2 and lab not in cited and len(cited) < len(labels)
            if marked or (uncited and vocab.lookup("backbone", name) is None):
                out.append(name)
    return list(dict.fromkeys(out))


def row_labels(t: Table) -> list[str]:
    """The row labels of a table (its first cells below the header)."""
    return [r[0].strip() for r in t.rows[1:] if r and r[0].strip()]


def reads_as_model(name: str) -> bool:
    """A table row label that can be a model's name: letters, not a number, a size, a mark, a setting, a phrase."""
    if len(name) < 2 or not re.search(r"[A-Za-z]{2}", name) or _SETTING.search(name) or _SUMMARY.match(name):
        return False
    words = name.split()
    if len(words) > 8 or sum(bool(re.fullmatch(r"[\d.,%]+", w)) for w in words) >= 2:
        return False
    return not (name[:1].islower() and len(words) >= 3)


def _names_a_model(name: str, vocab: Vocabulary, lower_words: set[str], datasets: set[str]) -> bool:
    """A table row label that names a model: it reads as one (`reads_as_model`), is not the paper itself ("Proposed
    method"), a dataset, a repository ("Kaggle"), a metric and its value ("Dice 80"), nor one ordinary word (one
    the paper also writes in lower case: "Original", "Lesion", "complex") unless an architecture."""
    if not reads_as_model(name) or _SELF_REFERENCE.match(name) or key(name) in datasets or _is_dataset(name, vocab):
        return False
    words = name.split()
    if is_repository(name) or (len(words) > 1 and vocab.lookup("metric", words[0]) and re.search(r"\d", name)):
        return False
    if len(words) == 1 and name.isalpha() and (name.islower() or name[1:].islower()):
        return vocab.lookup("backbone", name) is not None or name.casefold() not in lower_words
    return True


def find_models(
    title: str,
    sents: list[Sentence],
    body: str,
    vocab: Vocabulary,
    table_labels: list[tuple[str, int, str]],
    task: str | None,
    source: str,
    tables: list[Table] | None = None,
    named: list[str] | None = None,
    datasets: list[str] | None = None,
) -> list[Model]:
    """The own model(s) with their backbone, the compared table rows, and architectures the paper works with
    (`named`: the paper's own names, `own_names`, when the caller has them; `datasets`: the names of the datasets
    the paper names, which its table rows may be labelled with)."""
    finder = vocab.finder("backbone")
    pretrained = _pretrained(body)
    own_text = [s for s in sents if not (s.related or s.section == "back" or about_others(s.text))]
    mentions: dict[str, list[tuple[Sentence, Mention]]] = defaultdict(list)
    for s, found in zip(own_text, finder.find_each([s.text for s in own_text]), strict=True):
        for m in found:
            if not _in_compound(s.text, m):
                mentions[m.entry.name].append((s, m))
    models: dict[str, Model] = {}

    def add(
        name: str, backbone: str | None, proposed: bool, evidence: dict[str, Any], mention: str | None = None
    ) -> None:
        k = name.casefold()
        if k in models:
            if proposed and not models[k].proposed:
                models[k] = models[k].model_copy(
                    update={"proposed": True, "backbone": models[k].backbone or backbone}
                )
            return
        built = record(
            Model,
            name=name,
            mention=mention or name,
            backbone=backbone,
            task=task,
            proposed=proposed,
            pretrained=pretrained if proposed else None,
            evidence=evidence,
        )
        if built:
            models[k] = built

    named = own_names(title, sents, body) if named is None else named
    main_backbone = None
    for name in named:
        backbone, ev = own_backbone(name, sents, vocab)
        where = ev or next((x for x in sents if name in x.text), None)
        if where is None:
            continue
        at = max(where.text.find(name), 0)
        add(name, backbone, True, {"page": where.page, "quote": window(where, at, at + len(name)), "source": source})
        main_backbone = main_backbone or backbone
    if not named:
        for name, backbone, s, m in _trained(title, mentions, own_text, vocab):
            add(name, backbone, True, {"page": s.page, "quote": window(s, m.start, m.end), "source": source}, name)
    lower_words = set(_LOWER_WORD.findall(body))
    not_models = {key(d) for d in datasets or []}
    variants = {v for v in own_rows(tables or [], named=named) if _names_a_model(v, vocab, lower_words, not_models)}
    for t in tables or []:
        for label in row_labels(t):
            name = model_name(label)
            if name in variants and not any(p in name for p in named):
                evidence = {"page": t.page, "quote": label, "source": source}
                add(name, name_backbone(name, vocab, body) or main_backbone, True, evidence)
    for label, page, quote in table_labels:
        name = model_name(label)
        if any(p in name for p in named) or not _names_a_model(name, vocab, lower_words, not_models):
            continue
        own = name in variants or (not named and not CITATION.search(label))
        # the paper's word on a baseline's backbone, unless its name is an architecture itself (a named model built
        # on a backbone, such as SETR on a ViT, may state which one)
        entry = vocab.lookup("backbone", name)
        stated = None if own or (entry and not entry.attrs.get("base")) else _stated_backbone(name, sents, vocab)
        backbone = (
            stated or name_backbone(name, vocab, body) or (None if own else _cited_backbone(name, sents, vocab))
        )
        add(
            name,
            backbone or (main_backbone if own and name in variants else None),
            own,
            {"page": page, "quote": quote, "source": source},
        )
    taken = {m.backbone for m in models.values() if m.backbone} | set(models)
    for model in list(models.values()):  # the parts a model is named by or built from are no models of their own
        taken |= {x.entry.name for x in finder.find(model.name)} | set((model.backbone or "").split(" + "))
        if model.proposed and model.evidence.quote:
            taken |= {x.entry.name for x in finder.find(model.evidence.quote)}
    for name in named:  # "DeepLung first employs 3D Faster R-CNN": a component of the own model
        for s in own_text:
            if name in s.text and _CUE.search(s.text):
                taken |= {x.entry.name for x in finder.find(s.text)}
    if any(" + " in (m.backbone or "") for m in models.values() if m.proposed):
        parts = {p for m in models.values() if m.proposed and m.backbone for p in m.backbone.split(" + ")}
        for k in [k for k, m in models.items() if m.proposed and m.backbone in parts and m.name == m.mention]:
            del models[k]  # the networks a composite fuses: one model, not three
    for name, uses in mentions.items():
        entry = uses[0][1].entry
        if entry.attrs.get("generic") or name in taken or _base(entry) in taken or name.casefold() in models:
            continue
        if not any(_USED.search(x.text) for x, _ in uses):
            continue  # named in passing, not used or compared
        s, m = uses[0]
        written = Counter(x.text for _, x in uses).most_common(1)[0][0]
        built = record(
            Model,
            name=written,
            mention=written,
            backbone=_base(entry),
            task=entry.attrs.get("task") or task,
            evidence={"page": s.page, "quote": window(s, m.start, m.end), "source": source},
        )
        if built:
            models[written.casefold()] = built
        taken.add(name)
    return list(models.values())


def _trained(
    title: str, mentions: dict[str, list[tuple[Sentence, Mention]]], own_text: list[Sentence], vocab: Vocabulary
) -> list[tuple[str, str, Sentence, Mention]]:
    """When the paper names no model of its own: the architectures it trains (named in its title after "using" or
    "with", or said to be used, trained or fine-tuned in its own text, or named twice in its own sections) as
    (name as written, backbone, sentence, mention), and one composite of the networks whose features it fuses."""
    out = []
    title_names = {
        m.entry.name for m in vocab.finder("backbone").find(title) if _TITLE_USING.search(title[: m.start])
    }
    for name, uses in mentions.items():
        entry = uses[0][1].entry
        if entry.attrs.get("generic") and not any(_three_d(s.text, m) for s, m in uses):
            continue
        said = [(s, m) for s, m in uses if (FIRST_PERSON.search(s.text) or s.own) and _USED.search(s.text)]
        if not (name in title_names or said or sum(s.own for s, _ in uses) >= 2):
            continue
        if all(_cited_after(s.text, m) for s, m in uses):
            continue  # a work named by its citation each time: a baseline of the literature
        s, m = (said or uses)[0]
        written = Counter(x.text for _, x in uses).most_common(1)[0][0]
        out.append((written, _backbone_of(m, s.text, vocab), s, m))
    for s in own_text:
        if _FUSED.search(s.text) and "feature" in s.text.casefold():
            parts = [m for m in vocab.finder("backbone").find(s.text) if not m.entry.attrs.get("generic")]
            names = list(dict.fromkeys(_backbone_of(m, s.text, vocab) for m in parts))
            if len(names) >= 2:
                composite = " + ".join(names)
                out.append((composite, composite, s, parts[0]))
                break
    return out


def own_backbone(name: str, sents: list[Sentence], vocab: Vocabulary) -> tuple[str | None, Sentence | None]:
    """The architecture under the paper's own model (module docstring), with the sentence that says it."""
    own = vocab.lookup("backbone", name)
    contained = name_backbone(name, vocab, "", exclude=own)
    said, where = _architecture_sentence(name, sents, vocab, own)
    if contained and said:
        same_family = _family(said, vocab) == _family(contained, vocab)
        return (said, where) if same_family else (contained, None)
    if said:
        return said, where
    if contained:
        return contained, None
    return (_base(own), None) if own else (None, None)


def _architecture_sentence(
    name: str, sents: list[Sentence], vocab: Vocabulary, own: Entry | None
) -> tuple[str | None, Sentence | None]:
    """The backbone the architecture sentences about the own model give: the model, "we", "our" or "this paper"
    as subject with a backbone cue near an architecture (a model named after a known architecture needs an
    encoder or backbone cue); a detector only when nothing else is said, then a sentence naming the model, then a
    feature extractor, then the first in reading order."""
    cue = _SPECIFIC_CUE if own else _CUE
    finder = vocab.finder("backbone")
    found_in: list[tuple[tuple[bool, bool, bool, int], str, Sentence]] = []
    for i, s in enumerate(sents):
        text = s.text
        if s.section == "back" or about_others(text) or tabular(text):
            continue
        named = name in text
        if not (named or _OWN_SUBJECT.search(text)) or _BASELINE.search(text):
            continue
        layers = _LAYERS.search(text) if named else None
        if layers:
            family = "DenseNet" if layers.group(2).casefold().startswith("dense") else "ResNet"
            entry = vocab.lookup("backbone", f"{family}-{layers.group(1)}")
            if entry:
                return entry.name, s
        cues = list(cue.finditer(text))
        if not cues or (named and _BACKBONE_OF_OTHER.search(text)):
            continue  # "UNet++ can be deployed as the backbone in Mask R-CNN": the model is the backbone there
        found = [
            m
            for m in finder.find(text)
            if m.entry != own
            and name not in m.text
            and not _inside(text, m, name)
            and (not m.entry.attrs.get("generic") or _three_d(text, m))
            and not _LIKE.search(text[max(0, m.start - 30) : m.start])
            and any(abs(m.start - c.start()) <= _CUE_REACH for c in cues)
        ]
        if not found:
            continue
        denoted = re.search(r"denoted as|called|named|termed", text, re.I)
        after = [m for m in found if denoted and m.start > denoted.start()]
        if after:
            backbone = _backbone_of(after[0], text, vocab)
        elif _FUSED.search(text) and len({m.entry.name for m in found}) >= 2 and "feature" in text.casefold():
            backbone = " + ".join(dict.fromkeys(_backbone_of(m, text, vocab) for m in found))
        else:
            best = min(found, key=lambda m: (not _extractor(m.entry), min(abs(m.start - c.start()) for c in cues)))
            backbone = _backbone_of(best, text, vocab)
        extractor = any(_extractor(m.entry) for m in found) or " + " in backbone
        detector = all(m.entry.attrs.get("type") == "detector" for m in found)
        found_in.append(((detector, not named, not extractor, i), backbone, s))
    if not found_in:
        return None, None
    _, backbone, s = min(found_in, key=lambda x: x[0])
    return backbone, s


def name_backbone(name: str, vocab: Vocabulary, body: str, exclude: Entry | None = None) -> str | None:
    """The backbone a model's name determines: the architecture it holds, a feature extractor before a
    detector built on it ("Faster R-CNN (ResNet101)" -> ResNet-101), a numbered member of a family the
    vocabulary knows by its family name ("DPN26" -> DPN-26), with "3D" before it its 3D variant."""
    found = [m for m in vocab.finder("backbone").find(name) if m.entry != exclude]
    numbered = _numbered(name, vocab)
    if numbered:
        return numbered
    if not found:
        return None
    best = min(found, key=lambda m: (bool(m.entry.attrs.get("generic")), not _extractor(m.entry)))
    backbone = _specific(_backbone_of(best, name, vocab), vocab, body) if body else _backbone_of(best, name, vocab)
    entry = vocab.lookup("backbone", backbone)
    return None if entry and entry.attrs.get("generic") else backbone  # "ResNet" alone names no depth


def _numbered(name: str, vocab: Vocabulary) -> str | None:
    """ "3D DPN26": a family the vocabulary names without depths (DPN) with a depth it does not list."""
    for m in _NUMBERED_VARIANT.finditer(name):
        entry = vocab.lookup("backbone", m.group(1))
        if entry and entry.attrs.get("generic") and not vocab.lookup("backbone", m.group(0)):
            variant = f"{entry.name}-{m.group(2)}"
            return f"3D {variant}" if _THREE_D.search(name[: m.start()]) else variant
    return None


def _backbone_of(m: Mention, text: str, vocab: Vocabulary) -> str:
    """The canonical backbone of a mention, its 3D variant when "3D" is written before it."""
    base = _base(m.entry)
    if _three_d(text, m) and not base.upper().startswith("3D"):
        three = vocab.lookup("backbone", f"3D {base}")
        return three.name if three else f"3D {base}"
    return base


def _three_d(text: str, m: Mention) -> bool:
    return bool(_THREE_D.search(text[max(0, m.start - 60) : m.start]))


def _extractor(entry: Entry) -> bool:
    """An architecture that extracts features (a classification network), not a detector or a segmenter on top."""
    return entry.attrs.get("task") == "classification" and entry.attrs.get("type") in ("cnn", "transformer", "hybrid")


def _family(name: str, vocab: Vocabulary) -> str:
    first = name.split(" + ")[0].removeprefix("3D ")
    entry = vocab.lookup("backbone", first)
    return str(entry.attrs.get("family") or entry.name) if entry else first


def _inside(text: str, m: Mention, name: str) -> bool:
    """The mention is part of a written occurrence of the own model's name ("TransUNet" in "DA-TransUNet")."""
    for occurrence in re.finditer(re.escape(name), text):
        if occurrence.start() <= m.start and m.end <= occurrence.end():
            return True
    return _in_compound(text, m)


def _cited_after(text: str, m: Mention) -> bool:
    return bool(re.match(r"\s*(?:\[[\d?,\s\-–]+\]|\(\w[^()]{0,40}(?:19|20)\d\d[a-z]?\))", text[m.end :]))


def _is_dataset(name: str, vocab: Vocabulary) -> bool:
    return vocab.lookup("dataset", name) is not None and vocab.lookup("backbone", name) is None


def _stated_backbone(name: str, sents: list[Sentence], vocab: Vocabulary) -> str | None:
    """A baseline's backbone as the text states it: "All SETR baselines use ViT-B/16 backbone" for "SETR PUP"."""
    finder = vocab.finder("backbone")
    terms = {name, *(m.text for m in finder.find(name))}
    named = re.compile("|".join(rf"(?<![\w-]){re.escape(t)}(?![\w-])" for t in sorted(terms, key=len, reverse=True)))
    for s in sents:
        if ("backbone" not in s.text and "encoder" not in s.text) or not named.search(s.text):
            continue
        cue = _STATED_CUE.search(s.text)
        if not cue:
            continue
        found = [
            m
            for m in finder.find(s.text)
            if m.text not in terms and not m.entry.attrs.get("generic") and abs(m.start - cue.start()) <= 40
        ]
        if found:
            return _backbone_of(found[0], s.text, vocab)
    return None


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
    members = {e.name for e in _named_in(body, vocab) if e.attrs.get("family") == entry.attrs.get("family")}
    return members.pop() if len(members) == 1 else name


@lru_cache(maxsize=4)
def _named_in(body: str, vocab: Vocabulary) -> tuple[Entry, ...]:
    """The specific architectures a paper names (one scan of its text, shared by its models)."""
    found = vocab.finder("backbone").find(body)
    return tuple(dict.fromkeys(m.entry for m in found if not m.entry.attrs.get("generic")))


def _base(entry: Entry) -> str:
    return str(entry.attrs.get("base") or entry.name)


def _in_compound(text: str, m: Mention) -> bool:
    """ "TransUNet" inside "DA-TransUNet": part of another model's name, not a mention of its own."""
    before = text[max(0, m.start - 2) : m.start]
    after = text[m.end : m.end + 2]
    return bool(re.match(r"\w-$", before) or re.match(r"^-\w", after))


def _pretrained(body: str) -> str | None:
    lines = body.splitlines()  # no pattern spans a line; a case-insensitive regex is slow on a whole paper
    if any(_IMAGENET.search(line) for line in lines if "imagenet" in line.lower()):
        return "ImageNet"
    if any(_SCRATCH.search(line) for line in lines if "scratch" in line.lower() or "initiali" in line.lower()):
        return "none"
    return None
