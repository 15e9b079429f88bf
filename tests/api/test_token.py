"""The local API's token: made once, kept in the keyring's own entry, overridable, never lost."""

from __future__ import annotations

from collections.abc import Iterator

import keyring
import pytest
from desktop.engine import api_key
from desktop.engine.api_key import TokenSource
from keyring.backends import fail

from tests.memory_keyring import MemoryKeyring


@pytest.fixture(autouse=True)
def fresh(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv(api_key.LOCAL_TOKEN_ENV, raising=False)
    previous = keyring.get_keyring()
    api_key.forget_local_api_token()
    yield
    api_key.forget_local_api_token()
    keyring.set_keyring(previous)


def test_made_once_and_kept_in_its_own_keyring_entry() -> None:
    ring = MemoryKeyring()
    ring.saved[(api_key.SERVICE, "http://team:8080/v1")] = "sk-team"  # the team key stays
    keyring.set_keyring(ring)
    assert api_key.local_api_token(create=False) == ("", TokenSource.KEYRING)
    assert len(ring.saved) == 1  # looking does not make one
    token, source = api_key.local_api_token()
    assert source == TokenSource.KEYRING and len(token) >= 40
    assert ring.saved[(api_key.SERVICE, api_key.LOCAL_TOKEN_ENTRY)] == token
    assert ring.saved[(api_key.SERVICE, "http://team:8080/v1")] == "sk-team"
    api_key.forget_local_api_token()  # the next run reads the same one back
    assert api_key.local_api_token() == (token, TokenSource.KEYRING)
    assert api_key.renew_local_api_token("fresh-token") == TokenSource.KEYRING
    assert api_key.cached_local_api_token() == "fresh-token"
    assert ring.saved[(api_key.SERVICE, api_key.LOCAL_TOKEN_ENTRY)] == "fresh-token"


def test_without_a_keyring_the_token_lasts_the_run(caplog: pytest.LogCaptureFixture) -> None:
    keyring.set_keyring(fail.Keyring())
    assert api_key.cached_local_api_token() is None
    token, source = api_key.local_api_token()
    assert source == TokenSource.SESSION and "AGENT_ASSIST_API_TOKEN" in str(source)
    assert api_key.local_api_token() == (token, TokenSource.SESSION)  # the same all run
    assert token not in caplog.text


def test_the_environment_overrides_the_keyring(monkeypatch: pytest.MonkeyPatch) -> None:
    ring = MemoryKeyring()
    keyring.set_keyring(ring)
    monkeypatch.setenv(api_key.LOCAL_TOKEN_ENV, " chosen-by-admin ")
    assert api_key.local_api_token() == ("chosen-by-admin", TokenSource.ENVIRONMENT)
    assert api_key.cached_local_api_token() == "chosen-by-admin"
    assert not ring.saved
