from litextract.document import Document, Page
from litextract.grounding import check, ground, quote_score
from litextract.records import Evidence, Extraction, Result

PAGE = (
    "The proposed network reached a Dice similarity coef-\nficient of 0.8123 on the test set,\n"
    "outperforming the nnU-Net baseline (0.7901)."
)


def doc(text: str = PAGE) -> Document:
    return Document(file="x.pdf", path="x.pdf", sha256="0" * 64, n_pages=1, pages=[Page(number=1, text=text)])


def test_verbatim_quote_across_line_break_and_hyphenation_is_verified() -> None:
    ev = check(Evidence(page=1, quote="Dice similarity coefficient of 0.8123 on the test set"), doc())
    assert ev.verified and ev.score == 100.0


def test_quote_with_an_invented_number_is_not_verified() -> None:
    assert quote_score("Dice similarity coefficient of 0.8723 on the test set", PAGE) == 0.0
    assert not check(Evidence(page=1, quote="Dice similarity coefficient of 0.8723 on the test set"), doc()).verified


def test_quote_on_another_page_or_missing_page_is_not_verified() -> None:
    assert not check(Evidence(page=2, quote="outperforming the nnU-Net baseline"), doc()).verified
    assert not check(Evidence(page=1, quote="a sentence that is nowhere in the paper at all"), doc()).verified


def test_result_value_must_be_in_its_quote() -> None:
    result = Result(
        model="Ours",
        metric="dice",
        value=0.95,
        as_printed="0.95",
        evidence=Evidence(page=1, quote="Dice similarity coefficient of 0.8123 on the test set"),
    )
    grounded = ground(Extraction(results=[result]), doc())
    assert not grounded.results[0].evidence.verified
    ok = result.model_copy(update={"value": 0.8123, "as_printed": "0.8123"})
    assert ground(Extraction(results=[ok]), doc()).results[0].evidence.verified
