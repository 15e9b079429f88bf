"""A keyring held in memory, for tests: this box has no OS keyring (keyring's fail backend).

Defining a KeyringBackend subclass registers it with keyring, so there is one, here; tests set
it (or keyring's fail backend) explicitly with `keyring.set_keyring`.
"""

from __future__ import annotations

from keyring.backend import KeyringBackend


class MemoryKeyring(KeyringBackend):
    """Passwords in a dict, keyed by (service, user name)."""

    priority = 1

    def __init__(self) -> None:
        super().__init__()
        self.saved: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.saved.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.saved[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.saved.pop((service, username), None)
