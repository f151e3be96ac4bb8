from __future__ import annotations

from gfmd.text.normalize import fold, normalize_ws, query_tokens, tokens, words


def test_fold_lowercases_and_strips_accents() -> None:
    assert fold("Migración ÉLÈVE Ñandú Çà") == "migracion eleve nandu ca"
    assert fold("already plain") == "already plain"


def test_words_fold_drop_stop_words_and_normalise_numbers() -> None:
    assert words("The migrants in 2019 were 272 million; 3,5 por ciento de la población") == [
        "migrants",
        "2019",
        "272",
        "million",
        "3.5",
        "ciento",
        "poblacion",
    ]


def test_words_split_elisions() -> None:
    assert words("l'OIM et l’Union") == ["oim", "union"]


def test_thousands_match_across_conventions() -> None:
    assert words("5,500 migrantes") == words("5.500 migrantes") == ["5500", "migrantes"]


def test_tokens_are_stemmed_in_the_passage_language() -> None:
    assert tokens("Las migraciones de los trabajadores migrantes", "es") == ["migracion", "trabaj", "migrant"]
    assert tokens("Migrants and migration partnerships", "en") == ["migrant", "migrat", "partnership"]
    assert tokens("Les migrations des travailleurs", "fr") == ["migrat", "travailleur"]
    # An unknown language is not stemmed; numbers are never stemmed.
    assert tokens("Migrants 2019", "und") == ["migrants", "2019"]


def test_singular_and_plural_meet() -> None:
    assert tokens("remittance", "en") == tokens("remittances", "en")
    assert tokens("alianza", "es") == tokens("alianzas", "es")
    assert tokens("partenariat", "fr") == tokens("partenariats", "fr")


def test_query_tokens_cover_every_corpus_language() -> None:
    toks = query_tokens("migrations partenariats 2019")
    # The English and French stems of the same word, so the query meets passages in either language.
    assert "migrat" in toks and "partenariat" in toks and "2019" in toks
    assert len(toks) == len(set(toks))
    # Every index-side stem of the word, in any language, is among the query-side stems.
    for lang in ("en", "es", "fr"):
        assert set(tokens("migrations", lang)) <= set(toks)


def test_normalize_ws() -> None:
    assert normalize_ws("  La  migración\n intrarregional\t en 2019 \u00a0 ") == "La migración intrarregional en 2019"
