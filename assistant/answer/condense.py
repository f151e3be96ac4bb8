"""Turn a follow-up question into a self-contained query using the conversation so far.

"And how much did it raise?" after "What is the KNOMAD trust fund?" must be searched as a question about
KNOMAD. Without a generative model we carry over the subject of the previous question: its acronyms, names
and content words, when the follow-up looks elliptical (short, starting with "and"/"y"/"et", or leaning on a pronoun
with no subject of its own).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.retrieval.terms import analyse

_CONTINUATION = re.compile(r"^\s*(and|also|what about|how about|y|e|también|¿y|et|aussi|quid|what of)\b", re.IGNORECASE)
_ANAPHOR = re.compile(
    r"\b(it|its|they|them|their|this|that|these|those|ello|eso|esto|éste|ésta|su|sus|ils|elles|leur|leurs|"
    r"celui|celle|ceci|cela|ce fonds|ce mécanisme|este fondo|este mecanismo|the fund|the mechanism)\b",
    re.IGNORECASE,
)
# A question with a pronoun refers back only when it says little else: "How much did this fund raise last year?"
# (4 content words) does; "What role do cities play in partnerships that support labour migration?" (7, "that"
# a relative pronoun) does not.
MAX_ANAPHORIC_WORDS = 4


def looks_like_follow_up(question: str) -> bool:
    """Elliptical: short, opening with "and"/"y"/"et"..., or leaning on a pronoun without a subject of its own."""
    if len(question.split()) <= 4 or _CONTINUATION.search(question):
        return True
    if not _ANAPHOR.search(question):
        return False
    terms = analyse(question)
    if terms.acronyms or terms.names or terms.references:
        return False  # it names its own subject
    return len(terms.stems) <= MAX_ANAPHORIC_WORDS


def condense(question: str, history: Sequence[str]) -> str:
    """A self-contained query: the question itself, or the question plus the previous question's subject."""
    previous = [h for h in history if h.strip()]
    if not previous or not looks_like_follow_up(question):
        return question
    last = previous[-1]
    terms = analyse(last)
    own = analyse(question)
    carried = [t.upper() for t in terms.acronyms if t not in own.acronyms]
    carried += [t.title() for t in terms.names if t not in own.names]
    if not carried:
        # No named subject: carry the whole previous question as context.
        return f"{question} ({last.strip()})"
    return f"{question} ({' '.join(carried)})"
