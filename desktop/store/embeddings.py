"""Static word embeddings for ranking by meaning: WordLlama's weights, read from its wheel.

WordLlama (`wordllama` on PyPI) ships a 256-dimension token-embedding table and its tokenizer
inside the wheel. A text's vector is the mean of its tokens' vectors, normalised: no network,
no PyTorch, microseconds per query. We read the two files directly with `safetensors` and
`tokenizers` (both wordllama dependencies) instead of `WordLlama.load()`, which looks for the
tokenizer under another name and would try to download it.
"""

from __future__ import annotations

import importlib.util
import itertools
import json
import logging
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from desktop import paths

logger = logging.getLogger(__name__)

WEIGHTS = Path("weights") / "l2_supercat_256.safetensors"
TOKENIZER = Path("tokenizers") / "l2_supercat_tokenizer_config.json"

Matrix = npt.NDArray[np.float32]
Table = npt.NDArray[np.floating[Any]]
BATCH = 64  # texts per tokenizer call: bounds the temporary token-vector array


class Embedder:
    """Mean-pooled, L2-normalised text vectors."""

    def __init__(self, table: Table, tokenizer_path: Path) -> None:
        from tokenizers import Tokenizer

        self._table = table
        self._tokenizer = Tokenizer.from_file(str(tokenizer_path))
        self._tokenizer.no_padding()
        self._tokenizer.no_truncation()

    def is_word(self, word: str) -> bool:
        """True for a word the tokenizer's vocabulary holds whole: a real, common word."""
        return self._tokenizer.token_to_id("\u2581" + word) is not None

    @property
    def dim(self) -> int:
        return int(self._table.shape[1])

    def embed(self, texts: Sequence[str]) -> Matrix:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for start in range(0, len(texts), BATCH):
            batch = list(texts[start : start + BATCH])
            # The _fast variant skips offsets we do not need: ~3x quicker on a big library.
            encodings = self._tokenizer.encode_batch_fast(batch, add_special_tokens=False)
            lengths = np.fromiter((len(e.ids) for e in encodings), np.int64, len(encodings))
            rows = np.flatnonzero(lengths)
            if not len(rows):
                continue
            ids = np.fromiter(itertools.chain.from_iterable(e.ids for e in encodings), np.int64)
            starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))[rows]
            # float16 rows become float32 exactly, so the vectors are those of a float32 table.
            token_vectors = self._table[ids].astype(np.float32)
            sums = np.add.reduceat(token_vectors, starts, axis=0)
            out[start + rows] = sums / lengths[rows, None]
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        out /= norms
        return out


def _package_dir() -> Path | None:
    if paths.is_frozen():
        # The packaged app ships only the two weight files, under bundle_root()/wordllama.
        return paths.bundle_root() / "wordllama"
    # find_spec does not run wordllama/__init__.py (which imports pydantic and friends).
    spec = importlib.util.find_spec("wordllama")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


@cache
def default_embedder() -> Embedder | None:
    """The shared embedder, or None when wordllama is not installed (ranking stays lexical)."""
    root = _package_dir()
    if root is None or not (root / WEIGHTS).is_file() or not (root / TOKENIZER).is_file():
        logger.warning("wordllama weights not found: ranking by shared words only")
        return None
    return Embedder(mapped_table(root / WEIGHTS, "embedding.weight"), root / TOKENIZER)


def mapped_table(path: Path, name: str) -> Table:
    """Tensor `name` of a .safetensors file, memory-mapped read-only as it is stored.

    The table (32,000 x 256 float16, 16 MB) stays in the file: only the rows of words actually
    seen are read, and the OS can drop them again; loading it as float32 cost 32 MB of heap.
    Format: an 8-byte little-endian header length, a JSON header, then the raw tensors.
    """
    with path.open("rb") as handle:
        length = int.from_bytes(handle.read(8), "little")
        header = json.loads(handle.read(length))
    entry = header[name]
    dtypes = {"F16": np.float16, "F32": np.float32}
    dtype = dtypes.get(entry["dtype"])
    if dtype is None:
        raise ValueError(f"unsupported tensor type {entry['dtype']} in {path.name}")
    start, _end = entry["data_offsets"]
    return np.memmap(
        path, dtype=dtype, mode="r", offset=8 + length + start, shape=tuple(entry["shape"])
    )
