"""What kind of paper it is: does it use deep learning, and does it work on medical images?

Both are decided from the paper's own text (not its related work, acknowledgements or references) and come with
a quote:

- deep learning: terms of deep learning (networks, CNN, transformers, epochs, fine-tuning) at least `DL_MIN`
  times; a classical-feature paper that cites deep learning in its related work is not one;
- medical imaging: imaging modalities named in the text (CT, MRI, X-ray, fundus, dermoscopy, histopathology,
  endoscopy including colonoscopy and laparoscopic or surgical video, microscopy, ...; the vocabulary's
  modality forms), datasets the paper uses whose modality is an imaging one, and image words in a medical text
  — unless the paper's data are signals or tables (gait, voice, ECG, EEG, sensors, spectrograms of signals,
  questionnaires, health records) far more than images. DL on natural images names no medical modality and no
  medical dataset: not medical imaging.

A paper whose body is in another language is read through its English abstract and captions: the same terms
are looked for in whatever English the text holds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import islice

from litextract.extract.offline_text import Sentence, record, window
from litextract.records import Dataset, Evidence
from litextract.vocab import Vocabulary

_DL_TERMS = re.compile(
    r"deep learning|deep neural|convolutional neural|neural networks?|\bCNNs?\b|transformers?\b|\bU-?Net|ResNet|"
    r"DenseNet|VGG|generative adversarial|\bGANs?\b|autoencoder|fine-?tun|back-?propagation|\bepochs?\b|"
    r"pre-?trained",
    re.I,
)
_MED_TERMS = re.compile(
    r"\bCT\b|\bMRI?\b|X-?rays?|radiograph|mammogra|ultraso|fundus|dermoscop|histopatholog|endoscop|microscop|"
    r"patients?\b|clinical|medical imag|lesions?\b|tumou?rs?\b|\bPET\b|retina|biomedical|cancer|melanoma|"
    r"radiolog|patholog|diagnos|surgical|laparoscop|colonoscop",
    re.I,
)
_IMAGES = re.compile(r"\b(?:medical imag\w*|scans?|slides?|radiographs?|images?|frames?|videos?)\b", re.I)
_SIGNALS = re.compile(
    r"\b(?:signals?|spectrograms?|gait|voice|speech|audio|acoustic|ECG|EEG|EMG|electrocardiogra\w*|"
    r"electroencephalogra\w*|sensors?|accelerometers?|wearables?|tabular|CSV|questionnaires?|"
    r"electronic health records?|EHRs?|clinical notes|vital signs|time[- ]series|gene expression)\b",
    re.I,
)
DL_MIN = 3  # mentions of deep-learning terms in the paper's own text for a deep-learning paper
MED_MIN = 3  # medical terms that make image words medical ones
IMAGING_MIN = 2  # evidence of medical images: a modality named counts 1, a used imaging dataset 3
SIGNALS_MIN = 10  # signal/tabular words a paper on such data names at least ...
SIGNALS_OVER = 2  # ... and this many times more often than the evidence of images


@dataclass(frozen=True)
class Screening:
    uses_deep_learning: bool
    uses_medical_imaging: bool
    evidence: dict[str, Evidence]


def screen(sents: list[Sentence], datasets: list[Dataset], vocab: Vocabulary, source: str) -> Screening:
    """The two flags of the paper, each with the quote that says it when it is true."""
    own = [s for s in sents if not s.related and s.section != "back"]
    text = "\n".join(s.text for s in own)
    evidence: dict[str, Evidence] = {}
    dl = _count(_DL_TERMS, text, DL_MIN) >= DL_MIN
    quote = _quote(own, _DL_TERMS, source) if dl else None
    if quote:
        evidence["uses_deep_learning"] = quote
    modalities = vocab.finder("modality").find_each([s.text for s in own])
    named = [(s, m) for s, found in zip(own, modalities, strict=True) for m in found]
    imaging_sets = [d for d in datasets if d.role == "used" and d.modality and d.modality != "clinical/tabular"]
    medical = _count(_MED_TERMS, text, MED_MIN) >= MED_MIN
    score = len(named) + 3 * len(imaging_sets) + (2 if medical and _IMAGES.search(text) else 0)
    signals = len(_SIGNALS.findall(text))
    imaging = score >= IMAGING_MIN and not (signals >= SIGNALS_MIN and signals > SIGNALS_OVER * score)
    if imaging:
        if named:
            s, m = named[0]
            quote = record(Evidence, page=s.page, quote=window(s, m.start, m.end), source=source)
        else:
            quote = imaging_sets[0].evidence if imaging_sets else _quote(own, _IMAGES, source)
        if quote:
            evidence["uses_medical_imaging"] = quote
    return Screening(dl, imaging, evidence)


def _count(pattern: re.Pattern[str], text: str, enough: int) -> int:
    """Matches of `pattern` in `text`, counting no further than `enough`."""
    return sum(1 for _ in islice(pattern.finditer(text), enough))


def _quote(sents: list[Sentence], pattern: re.Pattern[str], source: str) -> Evidence | None:
    """The first sentence of the paper's own sections (else any) with a match, as evidence."""
    for s in sorted(sents, key=lambda s: not s.own):
        m = pattern.search(s.text)
        if m:
            return record(Evidence, page=s.page, quote=window(s, m.start(), m.end()), source=source)
    return None
