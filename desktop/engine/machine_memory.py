"""This machine's memory, to say whether a model fits, with the standard library only.

Linux reads /proc/meminfo (MemAvailable counts reclaimable page cache, which is what a
memory-mapped model competes with); Windows asks GlobalMemoryStatusEx; macOS asks sysctl for
the total and vm_stat for free, inactive and purgeable pages.
"""

from __future__ import annotations

import ctypes
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Memory:
    total_bytes: int
    available_bytes: int


def _linux(meminfo: Path = Path("/proc/meminfo")) -> Memory | None:
    try:
        text = meminfo.read_text(encoding="ascii")
    except OSError:
        return None
    values = {
        m.group(1): int(m.group(2)) * 1024 for m in re.finditer(r"^(\w+):\s+(\d+) kB", text, re.M)
    }
    if "MemTotal" not in values:
        return None
    available = values.get("MemAvailable", values.get("MemFree", 0) + values.get("Cached", 0))
    return Memory(values["MemTotal"], available)


def _windows() -> Memory | None:  # pragma: no cover - exercised on Windows only
    class MemoryStatusEx(ctypes.Structure):
        _fields_ = [
            ("dwLength", ctypes.c_ulong),
            ("dwMemoryLoad", ctypes.c_ulong),
            ("ullTotalPhys", ctypes.c_ulonglong),
            ("ullAvailPhys", ctypes.c_ulonglong),
            ("ullTotalPageFile", ctypes.c_ulonglong),
            ("ullAvailPageFile", ctypes.c_ulonglong),
            ("ullTotalVirtual", ctypes.c_ulonglong),
            ("ullAvailVirtual", ctypes.c_ulonglong),
            ("ullAvailExtendedVirtual", ctypes.c_ulonglong),
        ]

    status = MemoryStatusEx()
    status.dwLength = ctypes.sizeof(MemoryStatusEx)
    windll = getattr(ctypes, "windll", None)
    if windll is None or not windll.kernel32.GlobalMemoryStatusEx(ctypes.byref(status)):
        return None
    return Memory(int(status.ullTotalPhys), int(status.ullAvailPhys))


def _macos() -> Memory | None:  # pragma: no cover - exercised on macOS only
    try:
        total = int(
            subprocess.run(
                ["/usr/sbin/sysctl", "-n", "hw.memsize"], capture_output=True, text=True, timeout=5
            ).stdout
        )
        vm_stat = subprocess.run(
            ["/usr/bin/vm_stat"], capture_output=True, text=True, timeout=5
        ).stdout
    except (OSError, ValueError, subprocess.SubprocessError):
        return None
    page = int(m.group(1)) if (m := re.search(r"page size of (\d+) bytes", vm_stat)) else 4096
    pages = {k: int(v) for k, v in re.findall(r"^Pages ([\w ]+):\s+(\d+)\.", vm_stat, re.M)}
    free = sum(pages.get(k, 0) for k in ("free", "inactive", "speculative", "purgeable"))
    return Memory(total, free * page)


def _sysconf() -> Memory | None:
    try:
        page = os.sysconf("SC_PAGE_SIZE")
        total = os.sysconf("SC_PHYS_PAGES") * page
        available = os.sysconf("SC_AVPHYS_PAGES") * page
    except (ValueError, OSError, AttributeError):
        return None
    return Memory(total, available)


def memory() -> Memory:
    """Total and available RAM; Memory(0, 0) when the platform will not say."""
    if sys.platform.startswith("linux"):
        found = _linux()
    elif sys.platform == "win32":
        found = _windows()
    elif sys.platform == "darwin":
        found = _macos()
    else:
        found = None
    return found or _sysconf() or Memory(0, 0)
