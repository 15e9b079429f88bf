import pytest
from desktop.system import display_check


def test_offscreen_needs_no_display(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    assert display_check.display_problem() is None


def test_no_display_is_explained(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.platform", "linux")
    for name in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY"):
        monkeypatch.delenv(name, raising=False)
    message = display_check.display_problem()
    assert message is not None and "No display" in message and "suggest" in message


def test_missing_xcb_libraries_name_the_packages(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.platform", "linux")
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setenv("DISPLAY", ":0")
    import ctypes.util

    real = ctypes.util.find_library
    monkeypatch.setattr(
        "ctypes.util.find_library",
        lambda name: None if name == "xcb-cursor" else real(name),
    )
    message = display_check.display_problem()
    assert message is not None
    assert "apt-get install" in message and "libxcb-cursor0" in message


def test_launcher_prints_the_message_instead_of_crashing(monkeypatch: pytest.MonkeyPatch) -> None:
    import subprocess
    import sys

    env = {"PATH": "/usr/bin:/bin", "AGENT_ASSIST_HOME": "/tmp/agent-assist-platform-test"}
    result = subprocess.run(
        [sys.executable, "-m", "desktop"], env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 3
    assert "No display found" in result.stderr
