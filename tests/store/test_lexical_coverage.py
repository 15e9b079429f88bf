"""Word coverage of many documents at once: the same shares as one document at a time."""

import pytest
from desktop.store.lexical import Field, LexicalIndex
from desktop.store.words import content_words

DOCS = [
    [Field("Password reset", 3.0), Field("Reset your password at the link we email.", 1.0)],
    [Field("Reset email not arriving", 3.0), Field("Some providers filter our emails.", 1.0)],
    [Field("Gift cards", 3.0), Field("Enter the 16-digit code at checkout.", 1.0)],
]


def test_coverages_of_many_documents_equal_one_at_a_time() -> None:
    index = LexicalIndex(DOCS)
    # a typo ("pasword"), a word no document uses ("engraving"), a repeated word
    words = content_words("my pasword reset email never arrives, engraving, reset")
    together = index.idf_coverages(words, [0, 1, 2])
    alone = [index.idf_coverage(words, doc)[0] for doc in (0, 1, 2)]
    assert together == pytest.approx(alone)
    assert together[0] > together[2] == 0.0
    assert index.idf_coverages([], [0, 1]) == [0.0, 0.0]
