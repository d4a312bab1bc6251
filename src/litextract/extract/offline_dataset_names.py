"""Dataset names by their form, whether or not the vocabulary knows them.

A reader recognises a dataset's name without knowing the dataset: it stands before a dataset word ("the
Shenzhen dataset", "VGFR Dataset", "NeoPolyp benchmark"), it is a defined acronym whose long form holds a dataset
word ("Colon Nuclei Identification and Counting (CoNIC) dataset", "Digital Database for Screening Mammography
(DDSM)"), it is an item of a list of datasets ("five polyp datasets are used: Kvasir [1], CVC-ClinicDB [2] and
ETIS [3]"; "on the Kumar, CoNSeP and CPM-17 datasets"), or a dataset page's URL names it (Kaggle, Grand
Challenge, TCIA, Mendeley Data, PhysioNet, the UCI repository). `open_names` finds these in one sentence; the
caller links each to the vocabulary when it is an entry's name or alias.

Not names: generic phrases ("the training dataset", "our private dataset", "a public benchmark"), modality and
body words alone ("CT dataset", "Chest X-ray dataset"), repositories that hold many datasets ("Kaggle",
"PhysioNet", "UCI Machine Learning Repository"), and a capitalised word only because a sentence starts with it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from litextract.extract.offline_text import tabular

# a dataset word after a name; "Challenge"/"Benchmark" written with a capital are part of the name
_DATASET_WORD = re.compile(
    r"\b(datasets?|Datasets?|data ?sets?|Data ?[Ss]ets?|databases?|Databases?|challenges?|Challenge|benchmarks?|"
    r"Benchmark|cohorts?|Cohort|collections?|Collection|archives?)(?![A-Za-z])"
)
_TOKEN = re.compile(r"[^\s,;:()\[\]{}\"“”]+")
_CITE = r"(?:\s*\[[^\]]{1,30}\])"


def _words(text: str) -> list[str]:
    return text.split()


# generic words written with a capital at the start of a name or a sentence: never a dataset's own name
_GENERIC = frozenset(
    _words(
        """the this these that those our their its his her a an each every all both any some such same other another
    public publicly private open available large largest small new novel original entire whole full training train
    test testing validation evaluation external internal independent clinical medical real synthetic standard popular
    different several various multiple two three four five six seven eight nine ten first second third fourth final
    above following proposed existing previous local in-house proprietary institutional retrospective table tables
    figure fig section eq in on for from with using we it they experiments results dataset datasets data database
    image images used given collected unseen seen common famous well-known widely challenging diverse additional
    augmented annotated labeled labelled unlabeled unlabelled raw processed preprocessed combined mixed
    multi-center multicenter single benchmark benchmarks challenge source target downstream pretraining
    pre-training large-scale small-scale publicly-available free freely benchmarking"""
    )
)
# places that hold many datasets: a name only with the dataset's own words after them
_REPOSITORIES = frozenset(
    _words(
        """kaggle github mendeley figshare zenodo physionet uci tcia google grand-challenge grand synapse-repository
    cancer-imaging-archive"""
    )
)
# words that describe images rather than name a collection ("Chest X-ray dataset", "COVID-19 CT dataset")
_DESCRIPTIVE = frozenset(
    _words(
        """ct mri mr pet x-ray xray x-rays cxr us ultrasound oct rgb 2d 3d h&e wsi roi covid covid-19 sars-cov-2 brain
    chest lung lungs breast skin liver kidney heart cardiac retinal retina fundus eye knee bone prostate colon polyp
    polyps abdominal abdomen pancreas tumor tumour tumors tumours cancer lesion lesions nodule nodules cell cells
    nuclei medical clinical image images video videos scan scans slide slides pathology histopathology histology
    mammography mammogram dermoscopy endoscopy microscopy radiology radiograph radiographs pneumonia tuberculosis
    covid19 normal abnormal healthy disease diseases segmentation classification detection
    multi-organ organ organs dental oral head neck spine"""
    )
)
# bibliographic databases a review searches: never a dataset of images
_BIBLIOGRAPHIC = (
    "sciencedirect",
    "pubmed",
    "scopus",
    "xplore",
    "google scholar",
    "medline",
    "embase",
    "web of science",
    "digital library",
    "springerlink",
    "cochrane",
)
_COUNTED = re.compile(r"\d+-[a-z]+")
_DETERMINERS = frozenset({"the", "a", "an", "this", "these", "that", "those", "our", "their", "its", "each", "every"})
_REPOSITORY_WORDS = frozenset({"repository", "bank", "library", "portal", "website", "hub", "platform"})
_ADJECTIVE_ENDINGS = ("-like", "-based", "-style", "-wise", "-level", "-specific", "-derived")
_DECIMAL = re.compile(r"\d+[.,]\d+%?")
_NUMBER_TOKEN = re.compile(r"[\d.,]+")
_YEAR = re.compile(r"(?:19|20)\d\d")
_DIMENSION = re.compile(r"[234]D", re.I)
_CONNECTORS = frozenset({"of", "and", "for", "&", "in", "the", "de", "from"})
_APPOSITIVE = re.compile(
    r"\b([A-Z][\w\-]*[A-Za-z0-9])\s*(?:\[[^\]]{1,20}\])?,\s+(?:a|an|the)\s+(?:[\w\-]+\s+){0,5}?"
    r"(?:datasets?|database|benchmark|collection|cohort)\b"
)
_LIST_HEAD = re.compile(
    r"\b(?:datasets|data sets|benchmarks|databases|cohorts|collections)\b[^.;]{0,50}?"
    r"(?::|\bincluding\b|\bsuch as\b|\bnamely\b|\bi\.e\.,?|\be\.g\.,?|\bviz\.)\s+"
)
_ITEM = re.compile(
    rf"([A-Za-z0-9][\w\-+'²&/]*(?:\s+[A-Za-z0-9][\w\-+'²&/]*){{0,4}}?){_CITE}?\s*(,|\band\b|&|(?=[.;:)]|$))"
)
_SEPARATOR = re.compile(r"\s*,\s*(?:and\s+|&\s+)?|\s+and\s+|\s+&\s+")
_PLURAL = re.compile(r"\b(?:datasets|data sets|benchmarks|databases)\b")
_ACRONYM_DEF = re.compile(
    r"((?:[A-Z][\w\-']*\s+)(?:(?:[A-Z][\w\-']*|[0-9]{2,4}|of|and|for|the|in|on|&)\s+){0,9})\(([A-Za-z][\w\-]{1,15})\)"
)
_URL = re.compile(
    r"https?\s*:\s*//\s*(?:www\.)?(?:"
    r"kaggle\.com/(?:c|competitions|datasets/[\w\-]+)/(?P<kaggle>[\w\-]+)|"
    r"(?P<gc>[\w\-]+)\.grand-challenge\.org|"
    r"(?:wiki\.)?cancerimagingarchive\.net/(?:display/Public/|collection/)(?P<tcia>[\w\-+%]+)|"
    r"physionet\.org/(?:content|physiobank/database)/(?P<physionet>[\w\-]+)|"
    r"archive\.ics\.uci\.edu/(?:ml/datasets|dataset/\d+)/(?P<uci>[\w+%\-]+)|"
    r"data\.mendeley\.com/datasets/(?P<mendeley>[\w]+)"
    r")[\w\-./%?=&#~+]*",
    re.I,
)


@dataclass(frozen=True)
class OpenName:
    """A dataset name found by its form in a text: the name, offsets, and the long form or URL that came with it."""

    name: str
    start: int
    end: int
    long_form: str | None = None
    url: str | None = None
    listed: bool = False  # an item of a list of datasets


def open_names(text: str) -> list[OpenName]:
    """The dataset names written in `text` by form (module docstring), in order of appearance."""
    out: list[OpenName] = []
    lowered = text.lower()
    if any(w in lowered for w in ("data", "challenge", "benchmark", "cohort", "collection", "archive")):
        out += _before_dataset_word(text)
        out += _listed(text)
    if "(" in text:
        out += _acronyms(text)
    if ", " in text:
        out += _appositive(text)
    if "://" in text or "http" in lowered:
        out += _urls(text)
    seen: set[tuple[int, int]] = set()
    unique = []
    for n in sorted(out, key=lambda n: (n.start, not n.listed, -(n.end - n.start))):  # a list's items first
        if not any(a <= n.start < b for a, b in seen):
            seen.add((n.start, n.end))
            unique.append(n)
    return unique


def is_name(words: list[str], at_sentence_start: bool, titled: bool = False) -> bool:
    """Words that read as a dataset's name: not generic, not only descriptive, not a repository, and with one word
    a name is made of (an acronym, letters with digits, a capitalised word that does not start the sentence; in
    title-case text only the first two count)."""
    if not words:
        return False
    folded = [w.casefold().strip(".") for w in words]
    if all(w in _GENERIC or w in _DESCRIPTIVE or w in _CONNECTORS for w in folded):
        return False
    if len(words) == 1 and folded[0] in _REPOSITORIES:
        return False
    if any(_DECIMAL.fullmatch(w) for w in words) or len(set(folded)) < len(folded):
        return False  # table cells ("NeoPolyp-Clean 0.900 0.818"), a name said twice ("ETIS ETIS")
    for i, w in enumerate(words):
        if folded[i] in _GENERIC or folded[i] in _DESCRIPTIVE:
            continue
        caps = sum(c.isupper() for c in w)
        if caps >= 2 or (any(c.isdigit() for c in w) and any(c.isalpha() for c in w)):
            return True
        if w[:1].isupper() and not (i == 0 and at_sentence_start) and not titled and folded[i] not in _REPOSITORIES:
            return True
    return False


def _strip(words: list[str]) -> list[str]:
    """The name without leading generic words ("the public Shenzhen" -> "Shenzhen", "3D CUMC12" -> "CUMC12") and
    trailing connectors."""
    while words and (
        words[0].casefold() in _GENERIC
        or not _name_word(words[0])
        or _DIMENSION.fullmatch(words[0])
        or (_NUMBER_TOKEN.fullmatch(words[0]) and not _YEAR.fullmatch(words[0]))
    ):
        words = words[1:]
    while words and (words[-1].casefold() in _CONNECTORS or words[-1].endswith("-")):
        words = words[:-1]  # "Cross-" before a line break: half a word
    return words


def _name_word(token: str) -> bool:
    if not token or token.casefold().rstrip("0123456789").endswith(_ADJECTIVE_ENDINGS) or _COUNTED.fullmatch(token):
        return False  # "MNIST-like", "28-patient": words that describe, not names
    return token[0].isupper() or token[0].isdigit() or any(c.isupper() for c in token[1:])


def _before_dataset_word(text: str) -> list[OpenName]:
    """ "the Shenzhen dataset", "Montgomery County X-ray Set", "HeiChole Benchmark", "VGFR Dataset", "the EM
    segmentation challenge" (a challenge keeps its words: it is named by its task)."""
    out = []
    titled = _title_case(text) or tabular(text)
    for m in _DATASET_WORD.finditer(text):
        before = re.sub(rf"{_CITE}\s*$", "", text[: m.start()])  # "Kvasir [12] dataset"
        offset = max(0, len(before) - 160)
        run: list[re.Match[str]] = []
        for t in reversed(list(_TOKEN.finditer(before, offset))):
            word, folded = t.group(0), t.group(0).casefold()
            if before[t.end() : run[0].start() if run else len(before)].strip():
                break  # punctuation between the words: the name ended
            if _DATASET_WORD.fullmatch(word) or folded in _DETERMINERS:
                break  # "... Dataset Balancing The dataset": no name before a determiner
            if _name_word(word) or folded in _DESCRIPTIVE or (run and folded in _CONNECTORS):
                run.insert(0, t)
                continue
            break
        words = _strip([t.group(0) for t in run])
        if words and weak(words[0]) and len(words) == 1 and len(run) > 1 and run[-2].group(0)[:1].isupper():
            continue  # "Data Acquisition Datasets ...": a heading's words, the generic one stripped
        challenge = m.group(1).casefold() == "challenge"
        core = words if challenge else _strip_descriptive(words)
        if not core or any(w.casefold() in _REPOSITORY_WORDS for w in core) or is_repository(" ".join(core)):
            continue
        first = next(t for t in run if t.group(0) == core[0])
        start = first.start()
        at_start = not text[:start].strip() or text[:start].rstrip().endswith((".", ":"))
        if not is_name(core, at_start, titled):
            continue
        name = " ".join(core)
        if challenge or (m.group(1)[0].isupper() and m.group(1).casefold() in ("benchmark", "database")):
            name = f"{name} {m.group(1)}"
        out.append(OpenName(name, start, m.end()))
    return out


def _strip_descriptive(words: list[str]) -> list[str]:
    """A dataset's name without the description after it ("Shenzhen chest X-ray" -> "Shenzhen")."""
    while words and (words[-1].casefold() in _DESCRIPTIVE or words[-1].casefold() in _CONNECTORS):
        words = words[:-1]
    return words


def proper(name: str, lower_words: set[str]) -> bool:
    """A phrase of three words or more, or with "and"/"of", that has a word only names use: an acronym, letters
    with digits, or a capitalised word the paper never writes in lower case ("University of Waterloo skin cancer";
    not "Experimental Results and Setup", a heading whose words the paper also writes in lower case)."""
    words = name.split()
    if len(words) < 3 and not any(w.casefold() in _CONNECTORS for w in words):
        return True
    for w in words:
        caps = sum(c.isupper() for c in w)
        if caps >= 2 or (any(c.isdigit() for c in w) and any(c.isalpha() for c in w)):
            return True
        if w[:1].isupper() and w.casefold() not in lower_words and w.casefold() not in _GENERIC:
            return True
    return False


def is_repository(name: str) -> bool:
    """A place that holds many datasets or papers ("Kaggle", "PhysioNet", "IEEE Xplore", "PubMed"), not one."""
    folded = name.casefold()
    return folded in _REPOSITORIES or any(w in folded for w in _BIBLIOGRAPHIC)


def weak(name: str) -> bool:
    """A name of one capitalised word and nothing else a name is made of ("Shenzhen", but also "Acquisition")."""
    words = name.split()
    return len(words) == 1 and words[0][1:].islower() and words[0].isalpha()


def _title_case(text: str) -> bool:
    """Most words capitalised (a heading or a table's header read as text): capitals say nothing there."""
    words = [w for w in text.split() if w[:1].isalpha()]
    return len(words) >= 4 and sum(w[0].isupper() for w in words) > 0.6 * len(words)


def _listed(text: str) -> list[OpenName]:
    """The items of "datasets ...: A [1], B [2] and C [3]" and of "on A, B and C datasets"."""
    out = []
    if tabular(text):
        return []  # a table's cells read as a sentence are no list
    for head in _LIST_HEAD.finditer(text):
        out += _items(text, head.end())
    for m in _PLURAL.finditer(text):
        out += _list_before(text, m.start())
    return out


def _list_before(text: str, end: int) -> list[OpenName]:
    """ "on the Kumar [3], CoNSeP and CPM-17 datasets": the names listed right before a plural dataset word, read
    backwards from it while each item reads as a name."""
    start = max(0, end - 200)
    cut = max(text.rfind(c, start, end) for c in ".;:")
    start = cut + 1 if cut >= start else start
    items = list(_SEPARATOR.finditer(text, start, end))
    bounds = [start] + [m.end() for m in items]
    ends = [m.start() for m in items] + [end]
    out: list[OpenName] = []
    for a, b in reversed(list(zip(bounds, ends, strict=True))):
        chunk = re.sub(rf"{_CITE}\s*$", "", text[a:b]).rstrip()
        tokens = chunk.split()
        run: list[str] = []
        for word in reversed(tokens):
            if not _name_word(word) or word.casefold() in _GENERIC:
                break
            run.insert(0, word)
        run = _strip(run)
        if not run or len(run) > 4 or not is_name(run, False):
            break
        name = " ".join(run)
        at = a + chunk.rfind(name)
        out.insert(0, OpenName(name, at, at + len(name), listed=True))
        if len(run) < len(tokens):
            break  # words before the first name ("we use the Kumar"): the list starts here
    return out if len(out) >= 2 else []


def _items(text: str, at: int, stop: int | None = None) -> list[OpenName]:
    out = []
    end = stop if stop is not None else len(text)
    pos = at
    while pos < end:
        m = _ITEM.match(text, pos, end)
        if not m:
            break
        words = _strip(m.group(1).split())
        if not words or len(words) > 4 or not is_name(words, False):
            break
        name = " ".join(words)
        start = m.start(1) + m.group(1).find(words[0])
        out.append(OpenName(name, start, start + len(name), listed=True))
        if not m.group(2):
            break
        pos = m.end()
        pos += len(text[pos:end]) - len(text[pos:end].lstrip())
        if text.startswith("and ", pos):
            pos += 4
    return out if len(out) >= 2 else []


def _appositive(text: str) -> list[OpenName]:
    """ "CholecT50, a large endoscopic dataset for ...": a name set off before what it is."""
    out = []
    for m in _APPOSITIVE.finditer(text):
        name = m.group(1)
        if sum(c.isupper() for c in name) >= 2 or any(c.isdigit() for c in name):
            out.append(OpenName(name, m.start(1), m.end(1)))
    return out


def _acronyms(text: str) -> list[OpenName]:
    """ "Colon Nuclei Identification and Counting (CoNIC) dataset": the acronym, with its long form, when the
    acronym's letters are the long form's initials in order and a dataset word is in the long form or follows."""
    out = []
    for m in _ACRONYM_DEF.finditer(text):
        long_words = m.group(1).split()
        acronym = m.group(2)
        after = text[m.end() : m.end() + 24]
        if not (_DATASET_WORD.search(m.group(1)) or _DATASET_WORD.match(after.lstrip())):
            continue
        long_words = _fit(long_words, acronym)
        if not long_words or not any(w[:1].isupper() for w in long_words[1:] + long_words[:1]):
            continue  # "salient object detection (SOD)": a task's acronym, not a collection's name
        start = m.start(1) + m.group(1).rfind(" ".join(long_words))
        out.append(OpenName(acronym, start, m.end(2) + 1, long_form=" ".join(long_words)))
    return out


_ACRONYM_ANY = re.compile(
    r"((?:[A-Za-z][\w\-']*\s+){1,9})\(([A-Z][\w\-]{1,15}?)s?\)|\b([A-Z][A-Za-z0-9\-]{1,15}?)s?[\"'’”]?\s+\(([a-z][^()]{3,80})\)"
)


def acronym_definitions(text: str) -> dict[str, str]:
    """The acronyms a text defines, with their long forms: "oral squamous cell carcinomas (OSCCs)", "OSCC (oral
    squamous cell carcinoma)" -> {"OSCC": "oral squamous cell carcinoma..."} (initials must spell the acronym); a
    dataset word right after the definition is part of the long form ("... (CoNIC) dataset")."""
    out: dict[str, str] = {}
    for m in _ACRONYM_ANY.finditer(text):
        if m.group(2):
            acronym, words = m.group(2), m.group(1).split()
        else:
            acronym, words = m.group(3), m.group(4).split()[:9]
            words = words[: next((i + 1 for i in range(len(words)) if _fit(words[: i + 1], acronym)), 0)]
        fitted = _fit(words, acronym)
        if fitted:
            follows = _DATASET_WORD.match(text[m.end() : m.end() + 20].lstrip())
            out.setdefault(acronym, " ".join(fitted) + (f" {follows.group(0)}" if follows else ""))
    return out


def _fit(words: list[str], acronym: str) -> list[str]:
    """The shortest tail of `words` whose initials spell the acronym's capitals (and digits), else []."""
    letters = [c.casefold() for c in acronym if c.isupper() or c.isdigit()]
    if len(letters) < 2:
        return []
    for n in range(1, len(words) + 1):
        tail = words[-n:]
        initials = [w[0].casefold() for w in tail if w.casefold() not in _CONNECTORS or w[0].isupper()]
        spelled = initials and initials[0] == letters[0] and len(initials) >= len(letters) - 1
        if spelled and _subsequence(letters, "".join(w.casefold() for w in tail)):
            return tail
    return []


def _subsequence(letters: list[str], text: str) -> bool:
    pos = 0
    for c in letters:
        pos = text.find(c, pos)
        if pos < 0:
            return False
        pos += 1
    return True


def _urls(text: str) -> list[OpenName]:
    """A dataset page's URL: the name is the page's slug ("rsna-intracranial-hemorrhage-detection")."""
    out = []
    for m in _URL.finditer(text):
        slug = next((g for g in m.groupdict().values() if g), "")
        url = re.sub(r"\s+", "", m.group(0)).rstrip(".,;)")
        name = slug.replace("%20", " ").replace("+", " ")
        if m.group("mendeley"):
            name = ""  # an id, not a name: the URL goes to the dataset named beside it
        out.append(OpenName(name, m.start(), m.end(), url=url))
    return out
