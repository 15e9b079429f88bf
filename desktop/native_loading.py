"""One lock around loading native libraries into this process. Pure Python, no Qt.

glibc deadlocks when one thread is inside dlopen while another calls dlopen from inside a
dl_iterate_phdr callback: the two take the loader's locks in opposite orders. threadpoolctl
scans the loaded BLAS libraries exactly that way when the multilingual encoder starts, and
llama.cpp loads its libraries and CPU code at the same moment on the model thread (seen: a
window that hung at start-up). The places that load native code take this lock, so they take
turns instead.
"""

from __future__ import annotations

import threading

LOADING = threading.RLock()
