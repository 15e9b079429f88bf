"""TokenBatcher: streamed text reaches the window at most once a frame, in order, all of it."""

from desktop.ui.token_batch import TokenBatcher


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_the_first_delta_goes_out_at_once_and_fast_ones_are_joined() -> None:
    clock = Clock()
    sent: list[str] = []
    batch = TokenBatcher(sent.append, interval_s=0.016, clock=clock)
    batch.feed("Hi")
    assert sent == ["Hi"]  # the first word is never held
    for text in (" there", ",", " how"):
        clock.now += 0.006
        batch.feed(text)
    assert sent == ["Hi", " there, how"]  # the third delta crossed the frame
    clock.now += 0.004
    batch.feed(" can")
    assert sent == ["Hi", " there, how"]
    batch.flush()
    assert sent == ["Hi", " there, how", " can"]
    batch.flush()  # nothing held: nothing sent
    assert "".join(sent) == "Hi there, how can"


def test_slow_tokens_are_not_held() -> None:
    clock = Clock()
    sent: list[str] = []
    batch = TokenBatcher(sent.append, interval_s=0.016, clock=clock)
    for text in ("One", " two", " three"):
        batch.feed(text)
        clock.now += 0.05  # a large model: 20 tokens a second
    assert sent == ["One", " two", " three"]


def test_other_news_of_the_request_waits_for_the_held_text() -> None:
    clock = Clock()
    log: list[tuple[str, object]] = []
    batch = TokenBatcher(lambda text: log.append(("token", text)), clock=clock)
    drafted = batch.then(lambda draft: log.append(("drafted", draft)))
    batch.feed("Hello")
    batch.feed(" world")  # same instant: held
    drafted("the checked draft")
    assert log == [("token", "Hello"), ("token", " world"), ("drafted", "the checked draft")]
