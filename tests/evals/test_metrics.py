"""The metrics catch broken answers: a changed figure, a random citation, a refusal, a bad ranking.

Hand-made `Answer` records over the two small documents of tests/data, and the hashing fake instead of e5,
so every test runs in milliseconds.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from evals.evaluate import evaluate
from evals.golden import GoldenError, GoldenItem, GoldPassage, in_corpus, load_golden, round_robin, source_lang
from evals.metrics.answer_language import score_answer_language, score_shown_language
from evals.metrics.base import ItemRun, Passage
from evals.metrics.citation_support import Similarity, calibrate_threshold, lexical_gaps, score_citation_support
from evals.metrics.citation_validity import PageTexts, score_citation_validity
from evals.metrics.fact_recall import score_fact_recall
from evals.metrics.latency import score_latency
from evals.metrics.refusal import score_refusal
from evals.metrics.retrieval import score_retrieval
from evals.textmatch import canonical, contains_phrase, has_name, quote_in
from evals.thresholds import ThresholdError, check, parse, parse_all
from gfmd.records import Answer, AnswerSentence, Citation
from tests.fakes import HashEmbeddings

DATA = Path(__file__).resolve().parents[1] / "data"
BRIEF = "partnerships-brief_2022_en.md"
NOTE = "remittances-note_2020_en.txt"
CORPUS = {BRIEF: DATA / BRIEF, NOTE: DATA / NOTE}

REMIT = (
    "In 2019, remittances to low and middle income countries reached 554 billion dollars, "
    "more than foreign direct investment."
)
NIGERIA = "Nigeria raised 300 million dollars with its first diaspora bond in 2017."
PILOT = "The pilot facility raised 60 million dollars from eleven donors in its first year."
NOTE_P1 = (
    "Remittances are the money that migrants send home to their families. " + REMIT + " The average cost of "
    "sending 200 dollars was 6.8 per cent of the amount sent."
)
NOTE_P2 = "Diaspora bonds let governments borrow from their emigrants. " + NIGERIA
BRIEF_P = "A concessional financing facility for migration would pool contributions from member states. " + PILOT


def item(item_id: str = "q1", quote: str = REMIT, source: str = NOTE, **kw: object) -> GoldenItem:
    answerable = bool(kw.pop("answerable", True))
    return GoldenItem(
        id=item_id,
        question=str(kw.pop("question", "How much did remittances reach in 2019?")),
        lang=str(kw.pop("lang", "en")),
        answerable=answerable,
        category=str(kw.pop("category", "figure")),
        facts=kw.pop("facts", (("554",),)) if answerable else (),  # type: ignore[arg-type]
        gold=(GoldPassage(source, 1, quote),) if answerable else (),
    )


def passage(text: str, source: str = NOTE, cid: str = "") -> Passage:
    return Passage(cid or f"{source}:{hash(text) % 1000}", source, 1, text)


def answer(sentence: str, cited_text: str, source: str = NOTE, quote: str | None = None, **kw: object) -> Answer:
    citation = Citation(
        n=1, chunk_id="c", doc_id="d", title="t", source=source, page=1, lang="en",
        quote=sentence if quote is None else quote, text=cited_text, score=1.0,
    )  # fmt: skip
    return Answer(
        question="q", answer=f"{sentence} [1]", refused=False, mode="extractive", lang="en",
        citations=[citation], sentences=[AnswerSentence(text=sentence, citations=[1])], **kw,  # type: ignore[arg-type]
    )  # fmt: skip


def refusal() -> Answer:
    return Answer(question="q", answer="The documents don't say.", refused=True, mode="extractive", lang="en")


def run(golden: GoldenItem, ans: Answer, passages: list[Passage] | None = None) -> ItemRun:
    return ItemRun(golden, ans, passages or [], {}, "en" if golden.gold else "n/a")


@pytest.fixture
def similarity() -> Similarity:
    return Similarity(HashEmbeddings().embed_documents)


# --- the three kinds of broken answer --------------------------------------------------------------------------

GOOD = answer(REMIT, NOTE_P1)
ALTERED = answer(REMIT.replace("554", "584"), NOTE_P1)  # a figure changed, in the sentence and in its quote
RANDOM_CITE = answer(REMIT, BRIEF_P, source=BRIEF)  # the right sentence, citing an unrelated passage


def test_good_answer_passes_every_check(similarity: Similarity) -> None:
    runs = [run(item(), GOOD)]
    assert score_citation_validity(runs, PageTexts(CORPUS)).value == 1.0
    assert score_citation_support(runs, similarity, threshold=0.5).support.value == 1.0
    assert score_fact_recall(runs).value == 1.0


def test_altered_figure_is_caught_by_validity_support_and_recall(similarity: Similarity) -> None:
    runs = [run(item(), ALTERED)]
    validity = score_citation_validity(runs, PageTexts(CORPUS))
    assert validity.value == 0.0 and "quote not on p. 1" in validity.verdicts[0].detail
    support = score_citation_support(runs, similarity, threshold=0.5)
    assert support.lexical.value == 0.0 and "584" in support.lexical.verdicts[0].detail
    recall = score_fact_recall(runs)
    assert recall.value == 0.0 and "missing: 554" in recall.verdicts[0].detail


def test_random_citation_is_caught_by_validity_and_support(similarity: Similarity) -> None:
    runs = [run(item(), RANDOM_CITE)]
    assert score_citation_validity(runs, PageTexts(CORPUS)).value == 0.0
    support = score_citation_support(runs, similarity, threshold=0.5)
    assert support.lexical.value == 0.0  # 2019 and 554 are not in the cited passage
    assert support.semantic.value == 0.0  # nor is the sentence like it
    assert support.support.value == 0.0


def test_broken_answerer_lowers_the_aggregates(similarity: Similarity) -> None:
    golden = [
        item("a"),
        item("b", NIGERIA, facts=(("300 million",), ("2017",))),
        item("c", PILOT, BRIEF, facts=(("60 million",),)),
    ]
    good = [GOOD, answer(NIGERIA, NOTE_P2), answer(PILOT, BRIEF_P, source=BRIEF)]
    broken = [ALTERED, answer(NIGERIA, BRIEF_P, source=BRIEF), answer(PILOT, BRIEF_P, source=BRIEF)]
    pages = PageTexts(CORPUS)
    ok = evaluate("good", [run(g, a) for g, a in zip(golden, good, strict=True)], pages, similarity, 0.5)
    bad = evaluate("broken", [run(g, a) for g, a in zip(golden, broken, strict=True)], pages, similarity, 0.5)
    for name in ("citation_validity", "citation_support", "fact_recall"):
        assert ok.value(name) == 1.0
        assert (bad.value(name) or 0.0) < 0.7, name
    assert "citation_validity" not in bad.failures["c"] and "citation_validity" in bad.failures["a"]


# --- each metric's arithmetic -----------------------------------------------------------------------------------


def test_retrieval_hits_mrr_and_stages() -> None:
    wrong = [passage(f"unrelated passage number {i}", cid=f"x{i}") for i in range(10)]
    gold = passage(NOTE_P1, cid="gold")
    runs = [
        run(item("first"), GOOD, [gold, *wrong]),
        run(item("third"), GOOD, [*wrong[:2], gold, *wrong[2:]]),
        run(item("missing"), GOOD, wrong),
        run(item("other-source"), GOOD, [passage(NOTE_P1, source=BRIEF)]),  # same text, wrong document
        run(item("neg", answerable=False), refusal(), wrong),
    ]
    runs[0].stages = {"dense": [gold], "lexical": wrong[:5]}
    result = score_retrieval(runs)
    assert result.hit_at[1].value == pytest.approx(1 / 4)
    assert result.hit_at[3].value == pytest.approx(2 / 4)
    assert result.hit_at[1].count == 4  # the unanswerable item is not scored
    assert result.mrr.value == pytest.approx((1 + 1 / 3) / 4)
    assert result.stage_hit["dense"].value == 1.0 and result.stage_hit["lexical"].value == 0.0
    assert result.stage_hit["dense"].count == 1  # only items whose stages were reported


def test_retrieval_without_gold_is_not_scored() -> None:
    result = score_retrieval([run(item("neg", answerable=False), refusal())])
    assert result.mrr.value is None and "no answerable item" in result.mrr.reason
    assert result.stage_hit == {}


def test_quote_straddling_two_passages_still_hits() -> None:
    quote = "the first part of a long quote, and then the second part that goes on"
    assert quote_in(quote, "text before. the first part of a long quote, and then the second")
    assert not quote_in(quote, "text before. the first part of a long")


def test_citation_validity_unknown_source_and_refusal() -> None:
    runs = [run(item("x"), answer(REMIT, NOTE_P1, source="absent.pdf")), run(item("r"), refusal())]
    result = score_citation_validity(runs, PageTexts(CORPUS))
    assert result.value == 0.0 and result.count == 1 and "not in the corpus" in result.verdicts[0].detail
    assert result.verdicts[1].score is None and result.verdicts[1].detail == "refused"
    nothing = score_citation_validity([run(item("r"), refusal())], PageTexts(CORPUS))
    assert nothing.value is None and nothing.reason and nothing.display() == "not scored"


def test_citation_validity_ignores_whitespace_and_loads_each_file_once() -> None:
    loads: list[Path] = []

    def loader(path: Path):  # type: ignore[no-untyped-def]
        from ingest.loaders import load_file

        loads.append(path)
        return load_file(path)

    spaced = REMIT.replace(" ", "\n  ", 3)
    runs = [run(item(str(i)), answer(spaced, NOTE_P1)) for i in range(3)]
    assert score_citation_validity(runs, PageTexts(CORPUS, loader)).value == 1.0
    assert loads == [DATA / NOTE]


def test_lexical_support_normalises_number_formats() -> None:
    assert lexical_gaps("It reached 5,500 people, 3,5 per cent.", ["It reached 5500 people, or 3.5 per cent."]) == []
    assert lexical_gaps("Funded by UNICEF and Nigeria.", ["Funded by the World Bank."]) == ["nigeria", "unicef"]
    assert lexical_gaps("Nigeria raised it.", ["nigeria raised it"]) == []  # first word of a sentence is skipped
    # A heading run into its sentence capitalises an article mid-sentence: an article is not a name.
    assert lexical_gaps("Effective alliances The relationships need Nigeria.", ["Nigeria: las relaciones."]) == []


def test_sentence_without_citation_is_unsupported(similarity: Similarity) -> None:
    bare = Answer(
        question="q", answer=REMIT, refused=False, mode="extractive", lang="en",
        sentences=[AnswerSentence(text=REMIT, citations=[])],
    )  # fmt: skip
    result = score_citation_support([run(item(), bare)], similarity)
    assert result.support.value == 0.0 and "no valid citation" in result.support.verdicts[0].detail


def test_fact_recall_is_format_tolerant_and_counts_refusals() -> None:
    runs = [
        run(item("a", facts=(("3,5", "3.5"), ("554",))), answer("About 3.5 per cent, or 554 billion.", "x")),
        run(item("b", facts=(("11.500",),)), answer("Some 11,500 migrants.", "x")),
        run(item("c", facts=(("554",),)), answer("It reached 5545 dollars.", "x")),  # not the same number
        run(item("d"), refusal()),
        run(item("neg", answerable=False), refusal()),
    ]
    result = score_fact_recall(runs)
    assert [v.score for v in result.verdicts] == [1.0, 1.0, 0.0, 0.0, None]
    assert result.value == 0.5 and result.count == 4


def test_canonical_forms() -> None:
    text = canonical("Migración: 10 000 personas, el 3,5 % y 5.500 más")
    assert "migracion" in text and "10000" in text and "3.5" in text and "5500" in text
    assert contains_phrase(text, "3.5") and not contains_phrase(text, "3.55") and not contains_phrase(text, "5.5")


def test_refusal_accuracy_and_false_refusals() -> None:
    runs = [
        run(item("n1", answerable=False), refusal()),
        run(item("n2", answerable=False), GOOD),
        run(item("a1"), GOOD),
        run(item("a2"), GOOD),
        run(item("a3"), GOOD),
        run(item("a4"), refusal()),
    ]
    result = score_refusal(runs)
    assert result.accuracy.value == 0.5 and result.accuracy.count == 2
    assert result.false_refusal.value == 0.25 and not result.false_refusal.higher_is_better
    assert score_refusal(runs[2:]).accuracy.value is None


def test_latency_percentiles_per_key() -> None:
    runs = [
        run(item(str(i)), answer(REMIT, NOTE_P1, timings_ms={"total": float(i), "rerank": 1.0})) for i in range(101)
    ]
    result = score_latency(runs)
    assert list(result.stats) == ["total", "rerank"]
    assert result.stats["total"].p50 == 50.0 and result.stats["total"].p95 == 95.0 and result.count == 101
    assert score_latency([run(item(), refusal())]).reason


def test_calibration_separates_true_from_shuffled() -> None:
    cal = calibrate_threshold([0.90, 0.92, 0.93, 0.95], [0.70, 0.75, 0.80, 0.86])
    assert cal.threshold is not None and 0.86 < cal.threshold <= 0.90
    assert cal.tpr == 1.0 and cal.fpr == 0.0
    assert calibrate_threshold([0.9], [0.1]).threshold is None


def test_breakdowns_by_language_and_category(similarity: Similarity) -> None:
    runs = [
        run(item("en", facts=(("554",),)), GOOD),
        run(item("fr", lang="fr", category="name", facts=(("554",),)), ALTERED),
        run(item("neg", answerable=False), refusal()),
    ]
    result = evaluate("p", runs, PageTexts(CORPUS), similarity, 0.5)
    by_lang = result.breakdowns["question language"]
    assert by_lang["en"]["fact_recall"]["value"] == 1.0 and by_lang["fr"]["fact_recall"]["value"] == 0.0
    assert set(result.breakdowns["cross-lingual"]) == {"same-language", "cross-lingual", "n/a"}
    assert result.breakdowns["category"]["name"]["items"] == 1


# --- golden files and thresholds --------------------------------------------------------------------------------

VALID = {
    "id": "g1", "question": "How much?", "lang": "en", "answerable": True, "category": "figure",
    "facts": [["554"]], "gold": [{"source": NOTE, "page": 1, "quote": REMIT}],
}  # fmt: skip


def _write(tmp_path: Path, *rows: dict[str, object]) -> Path:
    path = tmp_path / "g.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"lang": "de"}, "g.jsonl:2: field 'lang'"),
        ({"answerable": "yes"}, "g.jsonl:2: field 'answerable' must be bool"),
        ({"facts": [[]]}, "g.jsonl:2: field 'facts[0]'"),
        ({"gold": [{"source": NOTE, "page": 0, "quote": "x"}]}, "g.jsonl:2: field 'gold[0].page'"),
        ({"gold": []}, "g.jsonl:2: field 'gold' is empty"),
        ({"answerable": False}, "g.jsonl:2: field 'facts' must be empty"),
        ({"id": "g1"}, "g.jsonl:2: field 'id': duplicate"),
    ],
)
def test_golden_errors_name_file_line_and_field(tmp_path: Path, change: dict[str, object], message: str) -> None:
    second = {**VALID, "id": "g2", **change}
    with pytest.raises(GoldenError, match=re.escape(message)):
        load_golden([_write(tmp_path, VALID, second)])


def test_golden_missing_field_and_bad_json(tmp_path: Path) -> None:
    row = {k: v for k, v in VALID.items() if k != "question"}
    with pytest.raises(GoldenError, match=re.escape("g.jsonl:1: field 'question' is missing")):
        load_golden([_write(tmp_path, row)])
    (tmp_path / "bad.jsonl").write_text("{not json\n", encoding="utf-8")
    with pytest.raises(GoldenError, match=re.escape("bad.jsonl:1: invalid JSON")):
        load_golden([tmp_path / "bad.jsonl"])


def test_golden_corpus_filter_and_round_robin(tmp_path: Path) -> None:
    rows = [VALID, {**VALID, "id": "g2", "gold": [{"source": "elsewhere.pdf", "page": 3, "quote": "q"}]}]
    items = load_golden([_write(tmp_path, *rows)])
    kept, skipped = in_corpus([*items, item("neg", answerable=False)], CORPUS)
    assert [i.id for i in kept] == ["g1", "neg"] and [i.id for i in skipped] == ["g2"]
    a, b = [item(f"a{i}") for i in range(3)], [item(f"b{i}") for i in range(3)]
    assert [i.id for i in round_robin([a, b], 3)] == ["a0", "b0", "a1"]
    assert source_lang("informe_es.txt") == "es" and source_lang("v1.2_en.pdf") == "en" and source_lang(BRIEF) == "en"
    assert source_lang("notes.md") is None


def test_thresholds_parse_and_check(similarity: Similarity) -> None:
    assert str(parse("hit@5=0.9")) == "hit@5>=0.9"
    assert str(parse("false_refusal_rate=0.1")) == "false_refusal_rate<=0.1"  # lower is better
    assert str(parse("false_refusal_rate<=0.1")) == "false_refusal_rate<=0.1"
    assert str(parse("latency_p95_total=500", fail_over=True)) == "latency_p95_total<=500"
    for bad in ("hit@7=0.9", "fact_recall", "fact_recall=high"):
        with pytest.raises(ThresholdError):
            parse(bad)
    runs = [run(item("a"), GOOD), run(item("b"), refusal())]
    system = evaluate("p", runs, PageTexts(CORPUS), similarity, 0.5)
    checks = check(parse_all(["fact_recall=0.5", "fact_recall=0.51", "refusal_accuracy=0.5"], []), system)
    assert [c.passed for c in checks] == [True, False, False]
    assert "not scored" in checks[2].message()  # no unanswerable item: the gate cannot pass


def test_sentences_the_answerer_dropped_are_not_scored_as_shown(similarity: Similarity) -> None:
    shown = answer(REMIT, NOTE_P1)
    dropped = AnswerSentence(text="The bond was bought by 90,000 emigrants.", citations=[1], supported=False)
    with_dropped = shown.model_copy(update={"sentences": [*shown.sentences, dropped]})
    result = score_citation_support([run(item(), with_dropped)], similarity, threshold=0.0)
    assert result.support.value == 1.0
    assert result.support.count == 1
    # A shown sentence that is unsupported still counts against the answer.
    unsupported = AnswerSentence(text="The bond was bought by 90,000 emigrants.", citations=[1])
    bad = shown.model_copy(update={"sentences": [*shown.sentences, unsupported]})
    assert score_citation_support([run(item(), bad)], similarity, threshold=0.0).support.value == 0.5


# --- answer language (generated answers only) -------------------------------------------------------------------


def generated(sentence: str, **kw: object) -> Answer:
    return answer(sentence, NOTE_P1, **kw).model_copy(update={"mode": "generative"})


def test_answer_language_scores_generated_answers_against_the_question_language() -> None:
    english = item("en-q", question="How much did remittances reach in 2019?", lang="en")
    spanish = item("es-q", question="¿Cuánto alcanzaron las remesas en 2019?", lang="es")
    runs = [
        run(english, generated("In 2019, remittances to developing countries reached 554 billion dollars.")),
        run(spanish, generated("In 2019, remittances to developing countries reached 554 billion dollars.")),
        run(spanish, generated("En 2019, las remesas a los países en desarrollo alcanzaron 554 mil millones.")),
        run(english, GOOD),  # extractive: quotes stay in their document's language, not scored
        run(english, refusal()),
    ]
    result = score_answer_language(runs)
    scored = [(v.score, v.detail) for v in result.verdicts]
    assert scored[:3] == [
        (1.0, "question en, answer en"),
        (0.0, "question es, answer en"),
        (1.0, "question es, answer es"),
    ]
    assert [s for s, _ in scored[3:]] == [None, None]
    assert result.value == pytest.approx(2 / 3) and result.count == 3


def test_answer_language_is_not_scored_without_generated_answers() -> None:
    result = score_answer_language([run(item(), GOOD), run(item("q2"), refusal())])
    assert result.value is None and result.reason == "no generated answer"


def test_answer_language_ignores_citation_markers_and_counts_unreadable_text_as_a_miss() -> None:
    marked = generated("554 [1][2]")
    assert score_answer_language([run(item(), marked)]).value == 0.0


@pytest.mark.parametrize(
    ("name", "passage", "found"),
    [
        ("bank", "Las remesas (Banco Mundial 2020) crecieron.", True),  # the judge's table: World Bank = Banco Mundial
        ("june", "A 10 de junio, Colombia ha otorgado documentos.", True),  # a month in another language
        ("mexican", "El Gobierno de México pretende ampliar el programa.", True),  # first five letters
        ("ecuador", "El Gobierno de México pretende ampliar el programa.", False),  # another country
        ("july", "A 10 de junio, Colombia ha otorgado documentos.", False),  # another month
        ("peru", "El Gobierno de México pretende ampliar el programa.", False),  # short names need the whole word
        ("according", "76According to the survey, 83% agreed.", True),  # a footnote number glued to the word
        ("cord", "76According to the survey, 83% agreed.", False),  # still whole words only
    ],
)
def test_a_name_may_be_supported_by_its_translation(name: str, passage: str, found: bool) -> None:
    assert has_name(canonical(passage), name) is found


# --- what a reader of a cross-lingual answer sees ------------------------------------------------------------------


def test_shown_language_tells_translations_from_explained_quotes_and_bare_ones() -> None:
    """English evidence for French questions: a French translation counts in both views; an English quote with a
    French key-points line only as explained; a bare English quote in neither."""
    french = item("fr-q", question="Combien les envois de fonds ont-ils atteint en 2019 ?", lang="fr")
    translated = generated("En 2019, les envois de fonds vers les pays en développement ont atteint 554 milliards.")
    gloss = (
        "En bref (citation en anglais, pas une traduction) : donne 2019, 554 milliards ; nomme “World Bank Group”, "
        "“Migration and Remittances Data Working Group” ; sur envois de fonds."
    )  # the names in quotation marks are the source's words, not the line's language
    glossed = GOOD.model_copy(update={"sentences": [s.model_copy(update={"gloss": gloss}) for s in GOOD.sentences]})
    runs = [
        run(french, translated),
        run(french, glossed),
        run(french, GOOD),  # the bare English quote
        run(item("en-q"), GOOD),  # same language: not scored
        run(french, refusal()),
    ]
    shown, explained = score_shown_language(runs)
    assert [v.score for v in shown.verdicts] == [1.0, 0.0, 0.0, None, None]
    assert [v.score for v in explained.verdicts] == [1.0, 1.0, 0.0, None, None]
    assert shown.count == explained.count == 3
