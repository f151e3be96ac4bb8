"""Hypothesis strategies for hostile text: odd whitespace, zero-width and control characters, right-to-left
scripts, sentence punctuation and the shapes our heuristics look for (footnote numbers, numbered headings)."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

# Every kind of character our splitters treat specially, plus the ones they should not trip on.
WHITESPACE = " \t\n\r\f\v\x1c\x1d\x1e\x1f\x85\xa0\u2028\u2029\u3000"
INVISIBLE = "\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202e\u2066\u2069\ufeff\x00\x01\x07\x1b\x7f"
RTL = "שלום עולם مرحبا بالعالم الهجرة"
PUNCTUATION = ".!?…\"'”’»)]([«“‘¿¡-–•:;,#"
LATIN = "AaBbEeÉéÑñÇçUuSs0123456789"

hostile_char = st.sampled_from(WHITESPACE + INVISIBLE + RTL + PUNCTUATION + LATIN)
WORDS = ["Migration", "e.g.", "U.S.", "Dr.", "1.", "2.", "12", "3 Note", "Page 4", "INTRODUCTION", "p.ej.", "etc."]

hostile_text = st.lists(st.one_of(hostile_char, st.sampled_from(WORDS), st.text(max_size=8)), max_size=120).map("".join)
hostile_lines = st.lists(hostile_text, max_size=12).map("\n".join)

# Examples are small, so two seconds is generous even on a loaded 2-core machine; anything slower is a bug.
# CI replays the same 150 examples (derandomized); FUZZ_EXAMPLES=5000 runs a longer, random campaign.
_CAMPAIGN = int(os.environ.get("FUZZ_EXAMPLES", "0"))
FUZZ = settings(
    max_examples=_CAMPAIGN or 150,
    deadline=2000,
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=not _CAMPAIGN,
)


def non_space(text: str) -> str:
    return "".join(text.split())
