"""The team server's API key: in the OS keyring, never in settings.json or a log.

The keyring (macOS Keychain, Windows Credential Locker, the Secret Service on Linux) is used
when the `keyring` package finds one; $AGENT_ASSIST_API_KEY is the fallback for machines
without one (a headless box, a CI job).
"""

from __future__ import annotations

import logging
import os

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
