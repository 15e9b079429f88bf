"""Mood from meaning: a linear head over the multilingual sentence vectors already loaded.

Cue lists only know the words someone wrote down for each language; a customer who writes "the
box came crushed and nobody answers" in any language the encoder knows (~16) lands near the
negative examples all the same. The head (3 x 512 weights and biases, `resources/mood/head.npz`)
is a softmax regression fitted by `packaging/fit_mood_head.py` on `resources/mood/prototypes*.jsonl`
only: 3,922 support-style, review and everyday chat-like sentences in 15 languages by seven
writers (CC0), negation and contrast included ("not satisfied", "thanks, but it still doesn't
work"). A message is read without its chat noise (`noise.py`: URLs, handles, emoji by name). Its
biases were then chosen, for recall at a fixed precision, on labelled messages the sentences were
not written against (`resources/mood/README.md`). No new model: it reuses
`default_multilingual()`; one vector per message (~2 ms).
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from desktop import paths
from desktop.reading.noise import normalise
from desktop.store import one_text
from desktop.store.multilingual import MultilingualEmbedder, available, default_multilingual

logger = logging.getLogger(__name__)

LABELS = ("negative", "neutral", "positive")
# Read alone, the meaning says negative only when that is more likely than not: a calm "my
# parcel never arrived" sits near 0.47 (a complaint's topic, not its mood). The calibration set
# reads the same either way; false alarms on the realistic dev threads fall from 13 to 9.
NEGATIVE_AT = 0.5
REMEMBERED = 64  # messages whose reading is kept: the panel and the draft read the same turn
MAX_CHARS = 240  # ~2 ms: the cost grows with length; a long email's opening and end carry the mood


def head_path() -> Path:
    return paths.resource_dir() / "mood" / "head.npz"


@dataclass(frozen=True)
class Head:
    weights: np.ndarray  # (512, 3), columns in LABELS order
    bias: np.ndarray  # (3,): fitted bias plus the calibrated shift

    def probabilities(self, vectors: np.ndarray) -> np.ndarray:
        """(n, 3) softmax over LABELS for L2-normalised sentence vectors."""
        logits = vectors @ self.weights + self.bias
        logits -= logits.max(axis=1, keepdims=True)
        exp = np.exp(logits)
        return np.asarray(exp / exp.sum(axis=1, keepdims=True))


def load_head(path: Path) -> Head:
    with np.load(path, allow_pickle=False) as data:
        return Head(data["weights"].astype(np.float32), data["bias"].astype(np.float32))


@dataclass(frozen=True)
class Meaning:
    label: str  # negative when at least NEGATIVE_AT, else the likelier of the other two
    negative: float
    neutral: float
    positive: float


class MeaningReader:
    """The head applied to the shared encoder's vector of a message."""

    def __init__(self, embedder: MultilingualEmbedder, head: Head) -> None:
        self._embedder = embedder
        self._head = head
        # One message at a time, each token's own work kept (one_text.py): ~1.8-2.3 ms a message
        # on 2 shared cores, where the wheel's batch path takes ~3.3.
        self._one = one_text.for_model(embedder.model)
        self._recent: OrderedDict[str, Meaning] = OrderedDict()
        self._lock = threading.Lock()  # the search worker and the draft read from two threads

    @property
    def embedder(self) -> MultilingualEmbedder:
        return self._embedder

    def read(self, text: str) -> Meaning:
        clipped = prepared(text)
        with self._lock:
            if clipped in self._recent:
                self._recent.move_to_end(clipped)
                return self._recent[clipped]
        if self._one is not None:
            vectors = self._one.encode(clipped)[None, :]
        else:
            vectors = self._embedder.embed([clipped])
        (row,) = self._head.probabilities(vectors)
        meaning = Meaning(label_of(row), *(float(p) for p in row))
        with self._lock:
            self._recent[clipped] = meaning
            while len(self._recent) > REMEMBERED:
                self._recent.popitem(last=False)
        return meaning


def label_of(row: np.ndarray) -> str:
    """The label of one row of `Head.probabilities`."""
    if row[0] >= NEGATIVE_AT:
        return "negative"
    return "positive" if row[2] > row[1] else "neutral"


def prepared(text: str) -> str:
    """What is embedded: `text` without chat noise (`noise.py`), clipped to MAX_CHARS."""
    return clip(normalise(text) or text)


def clip(text: str) -> str:
    """At most MAX_CHARS: the first and last halves of a longer message."""
    return ends(" ".join(text.split()), MAX_CHARS)


def ends(text: str, limit: int) -> str:
    """At most `limit` characters of `text`: its first and last halves when it is longer."""
    if len(text) <= limit:
        return text
    half = limit // 2
    return f"{text[:half]} … {text[-half:]}"


@cache
def default_reader() -> MeaningReader | None:
    """The reader over the shared encoder; None without the wheel or the head (cues only)."""
    if not available() or not head_path().is_file():
        return None
    embedder = default_multilingual()
    if embedder is None:
        return None
    try:
        head = load_head(head_path())
    except (OSError, KeyError, ValueError) as exc:
        logger.warning("mood head unreadable (%s): cues only", exc)
        return None
    return MeaningReader(embedder, head)
