from desktop.store import query


def test_short_or_stopword_only_input_is_broad() -> None:
    assert query.is_broad("ca")
    assert query.is_broad("i w")
    assert query.is_broad("where is my")  # stopwords only
    assert not query.is_broad("refu")
    assert not query.is_broad("i want a refund")


def test_prefix_all_quotes_every_word_and_stars_the_last() -> None:
    assert query.prefix_all('cancel "my" or') == '"cancel" AND "my" AND "or"*'
    assert query.prefix_all("  ") == ""
