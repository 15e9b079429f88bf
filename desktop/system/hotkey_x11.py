"""Global shortcut on X11: XGrabKey on the root window, from a thread of its own. No Qt.

The grab lives on a Display connection of its own, used only by the "x11-hotkey" thread, so
Qt's connection and event loop are never touched. The thread sleeps in select() on that
connection and on a wake-up pipe the GUI side writes to when it has a command (grab, ungrab,
stop). A grab that another client already holds fails with BadAccess, which Xlib reports
through the error handler only at the next round trip, so each grab ends with XSync.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import os
import queue
import select
import threading
from collections.abc import Callable
from concurrent.futures import Future
from ctypes import (
    CFUNCTYPE,
    POINTER,
    Structure,
    Union,
    byref,
    c_char_p,
    c_int,
    c_long,
    c_ubyte,
    c_uint,
    c_ulong,
    c_void_p,
)

from desktop.system.hotkey_keys import (
    ALT,
    CTRL,
    META,
    SHIFT,
    X11_MASKS,
    HotkeyError,
    HotkeyTakenError,
    HotkeyUnavailableError,
    Shortcut,
)

logger = logging.getLogger(__name__)

KEY_PRESS, KEY_RELEASE = 2, 3
GRAB_MODE_ASYNC = 1
BAD_ACCESS = 10
LOCK_MASK = 1 << 1  # CapsLock
MOD2_MASK = 1 << 4  # NumLock on almost every keymap; looked up, this is the fallback
XK_NUM_LOCK = 0xFF7F
# Only these modifiers decide a match; CapsLock/NumLock state must not.
RELEVANT = X11_MASKS[SHIFT] | X11_MASKS[CTRL] | X11_MASKS[ALT] | X11_MASKS[META]
STOP_SECONDS = 5.0


class XKeyEvent(Structure):
    _fields_ = [
        ("type", c_int),
        ("serial", c_ulong),
        ("send_event", c_int),
        ("display", c_void_p),
        ("window", c_ulong),
        ("root", c_ulong),
        ("subwindow", c_ulong),
        ("time", c_ulong),
        ("x", c_int),
        ("y", c_int),
        ("x_root", c_int),
        ("y_root", c_int),
        ("state", c_uint),
        ("keycode", c_uint),
        ("same_screen", c_int),
    ]


class XEvent(Union):
    _fields_ = [("type", c_int), ("xkey", XKeyEvent), ("pad", c_long * 24)]


class XErrorEvent(Structure):
    _fields_ = [
        ("type", c_int),
        ("display", c_void_p),
        ("resourceid", c_ulong),
        ("serial", c_ulong),
        ("error_code", c_ubyte),
        ("request_code", c_ubyte),
        ("minor_code", c_ubyte),
    ]


class XModifierKeymap(Structure):
    _fields_ = [("max_keypermod", c_int), ("modifiermap", POINTER(c_ubyte))]


ErrorHandler = CFUNCTYPE(c_int, c_void_p, POINTER(XErrorEvent))


def load_xlib() -> ctypes.CDLL:
    """libX11 with the signatures used here; HotkeyUnavailableError when it is not installed."""
    name = ctypes.util.find_library("X11") or "libX11.so.6"
    try:
        lib = ctypes.CDLL(name)
    except OSError as exc:
        raise HotkeyUnavailableError(
            f"libX11 could not be loaded ({exc}); the global shortcut needs it."
        ) from exc
    signatures: dict[str, tuple[list[type], type | None]] = {
        "XOpenDisplay": ([c_char_p], c_void_p),
        "XCloseDisplay": ([c_void_p], c_int),
        "XDefaultRootWindow": ([c_void_p], c_ulong),
        "XConnectionNumber": ([c_void_p], c_int),
        "XKeysymToKeycode": ([c_void_p, c_ulong], c_ubyte),
        "XGrabKey": ([c_void_p, c_int, c_uint, c_ulong, c_int, c_int, c_int], c_int),
        "XUngrabKey": ([c_void_p, c_int, c_uint, c_ulong], c_int),
        "XSync": ([c_void_p, c_int], c_int),
        "XFlush": ([c_void_p], c_int),
        "XPending": ([c_void_p], c_int),
        "XNextEvent": ([c_void_p, POINTER(XEvent)], c_int),
        "XSetErrorHandler": ([c_void_p], c_void_p),
        "XGetModifierMapping": ([c_void_p], POINTER(XModifierKeymap)),
        "XFreeModifiermap": ([POINTER(XModifierKeymap)], c_int),
        "XkbSetDetectableAutoRepeat": ([c_void_p, c_int, POINTER(c_int)], c_int),
    }
    for function, (argtypes, restype) in signatures.items():
        getattr(lib, function).argtypes = argtypes
        getattr(lib, function).restype = restype
    return lib


class X11Grabber:
    """One global shortcut on one X display; `on_press` runs on the grabber's thread.

    grab() and ungrab() return Futures the thread completes (a grab's exception says why it
    failed); close() ungrabs, closes the connection and joins the thread.
    """

    def __init__(self, on_press: Callable[[], None], display: str | None = None) -> None:
        self._xlib = load_xlib()
        name = display.encode() if display else None  # None: $DISPLAY
        self._display: int | None = self._xlib.XOpenDisplay(name)
        if not self._display:
            shown = display or os.environ.get("DISPLAY", "")
            raise HotkeyUnavailableError(f"Cannot connect to the X display {shown!r}.")
        self._on_press = on_press
        self._root: int = self._xlib.XDefaultRootWindow(self._display)
        self._lock_masks = (0, LOCK_MASK, self._num_lock_mask())
        self._grabbed: tuple[int, int, frozenset[int]] | None = None  # keycode, mask, variants
        self._down = False
        self._errors: list[int] = []
        self._previous_handler: int | None = None
        self._handler = ErrorHandler(self._on_x_error)  # kept alive as long as it is installed
        # Held-down keys repeat as presses only (no fake releases), so one press is one event.
        self._xlib.XkbSetDetectableAutoRepeat(self._display, 1, None)
        self._commands: queue.SimpleQueue[tuple[str, Shortcut | None, Future[None]]]
        self._commands = queue.SimpleQueue()
        self._wake_read, self._wake_write = os.pipe()
        self._closed = False
        self._thread = threading.Thread(target=self._run, name="x11-hotkey", daemon=True)
        self._thread.start()

    # --- called from any thread ---------------------------------------------------------------
    def grab(self, shortcut: Shortcut) -> Future[None]:
        return self._send("grab", shortcut)

    def ungrab(self) -> Future[None]:
        return self._send("ungrab", None)

    def sync(self) -> Future[None]:
        """Done once every key event the server sent before this call has been handled."""
        return self._send("sync", None)

    def close(self) -> None:
        """Ungrab and disconnect; safe to call twice."""
        if self._closed:
            return
        done = self._send("stop", None)
        self._closed = True
        done.result(timeout=STOP_SECONDS)
        self._thread.join(STOP_SECONDS)
        os.close(self._wake_read)
        os.close(self._wake_write)

    def _send(self, command: str, shortcut: Shortcut | None) -> Future[None]:
        future: Future[None] = Future()
        if self._closed:
            future.set_exception(HotkeyError("The global shortcut has been shut down."))
            return future
        self._commands.put((command, shortcut, future))
        os.write(self._wake_write, b"x")
        return future

    # --- the grabber's thread ------------------------------------------------------------------
    def _run(self) -> None:
        connection = self._xlib.XConnectionNumber(self._display)
        running = True
        while running:
            self._handle_events()
            readable, _, _ = select.select([connection, self._wake_read], [], [])
            if self._wake_read in readable:
                os.read(self._wake_read, 512)
                running = self._run_commands()

    def _run_commands(self) -> bool:
        while True:
            try:
                command, shortcut, future = self._commands.get_nowait()
            except queue.Empty:
                return True
            try:
                if command == "grab" and shortcut is not None:
                    self._grab(shortcut)
                elif command == "sync":
                    self._xlib.XSync(self._display, 0)  # the server's reply follows its events
                    self._handle_events()
                else:
                    self._ungrab()
            except HotkeyError as exc:
                future.set_exception(exc)
                continue
            if command == "stop":
                self._xlib.XCloseDisplay(self._display)
                self._display = None
                future.set_result(None)
                return False
            future.set_result(None)

    def _handle_events(self) -> None:
        event = XEvent()
        while self._xlib.XPending(self._display) > 0:
            self._xlib.XNextEvent(self._display, byref(event))
            self._on_event(event)

    def _grab(self, shortcut: Shortcut) -> None:
        self._ungrab()
        keysym, mask = shortcut.x11()
        keycode = int(self._xlib.XKeysymToKeycode(self._display, keysym))
        if keycode == 0:
            raise HotkeyError(
                f"This keyboard has no {shortcut.key} key; choose another shortcut in Settings."
            )
        # CapsLock and NumLock are modifiers to X: grab the combination with each of them on.
        variants = frozenset(mask | a | b for a in self._lock_masks for b in self._lock_masks)
        self._errors.clear()
        self._previous_handler = self._xlib.XSetErrorHandler(self._handler)
        try:
            for modifiers in variants:
                self._xlib.XGrabKey(
                    self._display, keycode, modifiers, self._root, 0,
                    GRAB_MODE_ASYNC, GRAB_MODE_ASYNC,
                )  # fmt: skip
            self._xlib.XSync(self._display, 0)  # BadAccess arrives here, not at XGrabKey
        finally:
            self._xlib.XSetErrorHandler(self._previous_handler)
        if self._errors:
            for modifiers in variants:  # the variants that did succeed
                self._xlib.XUngrabKey(self._display, keycode, modifiers, self._root)
            self._xlib.XSync(self._display, 0)
            if BAD_ACCESS in self._errors:
                raise HotkeyTakenError(shortcut)
            raise HotkeyError(
                f"The X server refused {shortcut.text()} (error {self._errors[0]}); "
                "choose another in Settings."
            )
        self._grabbed = (keycode, mask, variants)
        self._down = False
        logger.info("Global shortcut %s grabbed (keycode %d)", shortcut.text(), keycode)

    def _ungrab(self) -> None:
        if self._grabbed is None:
            return
        keycode, _mask, variants = self._grabbed
        for modifiers in variants:
            self._xlib.XUngrabKey(self._display, keycode, modifiers, self._root)
        self._xlib.XSync(self._display, 0)
        self._grabbed = None

    def _on_event(self, event: XEvent) -> None:
        if event.type not in (KEY_PRESS, KEY_RELEASE) or self._grabbed is None:
            return
        keycode, mask, _variants = self._grabbed
        if event.xkey.keycode != keycode:
            return
        if event.type == KEY_RELEASE:
            self._down = False
        elif not self._down and event.xkey.state & RELEVANT == mask:
            self._down = True
            try:
                self._on_press()
            except Exception:  # a failing callback must not end the grab
                logger.exception("global shortcut callback failed")

    def _on_x_error(self, display: int | None, error: ctypes._Pointer[XErrorEvent]) -> int:
        """Xlib's handler is process-wide: ours records our errors, others go to the old one."""
        if display == self._display:
            self._errors.append(int(error.contents.error_code))
            return 0
        if self._previous_handler:
            previous = ErrorHandler(self._previous_handler)
            return int(previous(display, error))
        return 0

    def _num_lock_mask(self) -> int:
        """The modifier bit NumLock sets on this keymap (Mod2 on almost all of them)."""
        keycode = int(self._xlib.XKeysymToKeycode(self._display, XK_NUM_LOCK))
        keymap = self._xlib.XGetModifierMapping(self._display)
        found = 0
        if keycode and keymap:
            per = keymap.contents.max_keypermod
            for index in range(8 * per):
                if keymap.contents.modifiermap[index] == keycode:
                    found = 1 << (index // per)
                    break
        if keymap:
            self._xlib.XFreeModifiermap(keymap)
        return found or MOD2_MASK
