"""The one text module: every form litextract compares text in, as a user of each would check it."""

from __future__ import annotations

import hashlib

import pytest

from litextract.text import (
    arxiv_id,
    clean,
    doi,
    figures,
    fold,
    key,
    numbers,
    sha256,
    surname,
    title_key,
    to_float,
    words,
)


def test_clean_undoes_line_end_hyphenation_and_collapses_whitespace() -> None:
    assert clean("Dice similarity coef-\nficient of\t0.81  on the\n test set ") == (
        "Dice similarity coefficient of 0.81 on the test set"
    )
    assert clean("a well-known  U-Net") == "a well-known U-Net"  # a hyphen inside a line stays


def test_fold_is_clean_plus_ligatures_dashes_and_case() -> None:
    assert fold("The ﬁnal Dice – 0.81\u2212 seg-\nmentation") == "the final dice - 0.81- segmentation"


def test_a_line_end_hyphen_before_a_capital_or_a_digit_is_part_of_a_name() -> None:
    assert clean("the CBIS-\nDDSM and COVIDx CXR-\n3 sets, a U-\nNet seg-\nmentation") == (
        "the CBIS-DDSM and COVIDx CXR-3 sets, a U-Net segmentation"
    )
    assert fold("A  B\nC") == fold("a b c")


def test_key_keeps_letters_and_digits_only() -> None:
    assert key("ResNet-50") == key("resnet 50") == key("RESNET50") == "resnet50"
    assert key("ResNet-50") != key("ResNet-101")


def test_words_numbers_and_figures() -> None:
    assert words("ResNet50 on BraTS-2019") == ["resnet", "50", "on", "brats", "2019"]
    assert numbers("BraTS 2019 v03") == ("2019", "3")
    assert figures("an AUC of 0.943 on 1,018 scans (95%)") == ["0.943", "1,018", "95"]
    assert to_float("\u22120.5") == -0.5 and to_float("91.4") == 91.4


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("10.1109/TMI.2020.1234567", "10.1109/tmi.2020.1234567"),
        ("doi:10.1000/ABC", "10.1000/abc"),
        ("DOI: 10.1000/abc", "10.1000/abc"),
        ("https://doi.org/10.1000/abc", "10.1000/abc"),
        ("http://dx.doi.org/10.1000/abc", "10.1000/abc"),
        ("HTTPS://DOI.ORG/10.48550/arXiv.1711.05225", "10.48550/arxiv.1711.05225"),
        ("  10.1000/abc \n", "10.1000/abc"),
        ("not a doi", None),
        ("10.abc/x", None),
        ("", None),
        (None, None),
    ],
)
def test_doi_drops_resolver_prefixes_and_case(written: str | None, expected: str | None) -> None:
    assert doi(written) == expected


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("1711.05225", "1711.05225"),
        ("arXiv:1711.05225v3", "1711.05225"),
        ("https://arxiv.org/abs/2102.04306v2", "2102.04306"),
        ("0704.0001", "0704.0001"),
        ("hep-th/9901001", "hep-th/9901001"),
        ("hep-th/9901001v2", "hep-th/9901001"),
        ("arXiv:math.GT/0309136", "math.gt/0309136"),
        ("no id here", None),
        (None, None),
    ],
)
def test_arxiv_id_new_and_old_style_without_version(written: str | None, expected: str | None) -> None:
    assert arxiv_id(written) == expected


def test_titles_and_surnames_compare_without_case_accents_and_punctuation() -> None:
    assert title_key("Schrödinger's U-Net: A Study!") == title_key("SCHRODINGER S U NET, a study") == (
        "schrodinger s u net a study"
    )
    assert surname("Pranav Rajpurkar") == surname("Rajpurkar, P.") == "rajpurkar"
    assert surname("Müller, A.") == "muller"
    assert surname("  ") is None and surname(None) is None


def test_sha256_is_the_hex_digest_of_the_bytes() -> None:
    assert sha256(b"%PDF-1.7") == hashlib.sha256(b"%PDF-1.7").hexdigest()
