from desktop.store import query, words


def test_short_or_stopword_only_input_is_broad() -> None:
    assert query.is_broad("ca")
    assert query.is_broad("i w")
    assert query.is_broad("where is my")  # stopwords only
    assert not query.is_broad("refu")
    assert not query.is_broad("i want a refund")


def test_prefix_all_quotes_every_word_and_stars_the_last() -> None:
    assert query.prefix_all('cancel "my" or') == '"cancel" AND "my" AND "or"*'
    assert query.prefix_all("  ") == ""


def test_search_box_and_ranking_read_words_alike() -> None:
    """One tokenizer: the FTS query terms are the words the ranking indexes, deduplicated."""
    text = "Hi! Don't refund the 2 refunds, I'm asking about café orders"
    assert query.terms(text) == list(dict.fromkeys(words.content_words(text)))
    assert query.terms(text) == ["refund", "refunds", "asking", "café", "orders"]
