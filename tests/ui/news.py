"""Listening to a draft's news by kind: the one `news` signal carries every DraftEvent."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import SignalInstance

E = TypeVar("E")


def of_kind(*kinds: type) -> Callable[[object], bool]:
    """waitSignal(news, check_params_cb=of_kind(Finished)): only those kinds end the wait."""
    return lambda event: isinstance(event, kinds)


def on(news: SignalInstance, kind: type[E], slot: Callable[[E], Any]) -> None:
    """Call `slot` with each event of `kind` that `news` carries, in the order they come."""

    def receive(event: object) -> None:
        if isinstance(event, kind):
            slot(event)

    news.connect(receive)
