"""The team server's API key: in the OS keyring, never in settings.json or a log.

The keyring (macOS Keychain, Windows Credential Locker, the Secret Service on Linux) is used
when the `keyring` package finds one; $AGENT_ASSIST_API_KEY is the fallback for machines
without one (a headless box, a CI job). The local API's bearer token (the helpdesk sidebar's
way in) is kept the same way, under its own entry.
"""

from __future__ import annotations

import enum
import logging
import os
import secrets
import threading

logger = logging.getLogger(__name__)

SERVICE = "agent-assist"
ENV_VAR = "AGENT_ASSIST_API_KEY"


def get_api_key(server_url: str) -> str:
    """The key saved for `server_url`, else $AGENT_ASSIST_API_KEY, else "" (no key)."""
    import keyring  # lazily: it scans entry points for backends, ~50 ms

    try:
        value = keyring.get_password(SERVICE, server_url)
    except Exception as exc:  # noqa: BLE001 - every backend raises its own errors
        logger.info("OS keyring unavailable (%s); using $%s", type(exc).__name__, ENV_VAR)
        value = None
    return value or os.environ.get(ENV_VAR, "")


def set_api_key(server_url: str, key: str) -> bool:
    """Save (or, with an empty key, delete) the key; False when no keyring can hold it."""
    import keyring

    try:
        if key:
            keyring.set_password(SERVICE, server_url, key)
        else:
            keyring.delete_password(SERVICE, server_url)
    except Exception as exc:  # noqa: BLE001 - every backend raises its own errors
        logger.warning("API key not saved in the OS keyring: %s", type(exc).__name__)
        return False
    return True


# The local API's token (issue 12): a separate entry of the same keyring service. Unlike the
# team key it is ours to make up, so without a keyring the app makes one for this run only.
LOCAL_TOKEN_ENTRY = "local-api-token"
LOCAL_TOKEN_ENV = "AGENT_ASSIST_API_TOKEN"  # the variable `agent-assist api` reads too
LOCAL_TOKEN_BYTES = 32


class TokenSource(enum.StrEnum):
    """Where the local API's token lives: said in the settings next to it."""

    KEYRING = "Kept in the OS keyring."
    ENVIRONMENT = f"Set by ${LOCAL_TOKEN_ENV}."
    SESSION = (
        f"No OS keyring: a new token each time the app starts; set ${LOCAL_TOKEN_ENV} to keep one."
    )


_local_lock = threading.Lock()
_local: tuple[str, TokenSource] | None = None  # read once per run: the keyring can be slow


def local_api_token(create: bool = True) -> tuple[str, TokenSource]:
    """The local API's token and where it lives; made (and saved) on first use.

    With `create` False a missing token stays missing (""): the settings show one to be saved
    only when the agent turns the API on. $AGENT_ASSIST_API_TOKEN overrides the keyring's, as
    for `agent-assist api`.
    """
    global _local
    override = os.environ.get(LOCAL_TOKEN_ENV, "").strip()
    if override:
        return override, TokenSource.ENVIRONMENT
    with _local_lock:
        if _local is None:
            import keyring

            source = TokenSource.KEYRING
            try:
                value = keyring.get_password(SERVICE, LOCAL_TOKEN_ENTRY) or ""
            except Exception as exc:  # noqa: BLE001 - every backend raises its own errors
                logger.info("OS keyring unavailable (%s) for the API token", type(exc).__name__)
                value, source = "", TokenSource.SESSION
            if value:
                _local = value, source
            elif not create:
                return "", source
            else:
                _local = _save_local(secrets.token_urlsafe(LOCAL_TOKEN_BYTES))
        return _local


def cached_local_api_token() -> str | None:
    """The token in use without asking the keyring; None before the first `local_api_token`."""
    override = os.environ.get(LOCAL_TOKEN_ENV, "").strip()
    if override:
        return override
    with _local_lock:
        return None if _local is None else _local[0]


def renew_local_api_token(token: str) -> TokenSource:
    """Replace the token (the settings' "New token"); says where the new one is kept."""
    global _local
    with _local_lock:
        _local = _save_local(token)
        return _local[1]


def forget_local_api_token() -> None:
    """Drop the cached token: the next `local_api_token` reads the keyring again (tests)."""
    global _local
    with _local_lock:
        _local = None


def _save_local(token: str) -> tuple[str, TokenSource]:
    import keyring

    try:
        keyring.set_password(SERVICE, LOCAL_TOKEN_ENTRY, token)
    except Exception as exc:  # noqa: BLE001 - every backend raises its own errors
        logger.warning("API token not saved in the OS keyring (%s): valid for this run only",
                       type(exc).__name__)  # fmt: skip
        return token, TokenSource.SESSION
    return token, TokenSource.KEYRING
