"""SIGINT and SIGTERM as an exception, with sections they cannot cut in two.

`stop_signals()` makes both signals raise `Interrupted` in the main thread (SIGTERM would
otherwise end the process without running a single `finally`). Inside `deferred()` a signal is
only noted, and raised when the outermost deferred block ends: a pack's three files are renamed
and recorded in such a block, so an interrupt never leaves a pack half-replaced or a finished
pack unrecorded.

Worker processes install their own handler (see `packgen.run.workers`); `deferred()` works the
same there, and `pending()` tells a worker that a signal arrived during its last block.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Callable, Iterator

from packgen.errors import Interrupted

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
_state = {"depth": 0, "pending": None, "raise": False}


def _raise(signum: int, _frame=None) -> None:
    if _state["depth"]:
        _state["pending"] = signum
        return
    raise Interrupted(signum)


def pending() -> int | None:
    return _state["pending"]


@contextlib.contextmanager
def deferred() -> Iterator[None]:
    """A block that SIGINT and SIGTERM do not interrupt (they take effect when it ends)."""
    _state["depth"] += 1
    try:
        yield
    finally:
        _state["depth"] -= 1
    if not _state["depth"] and _state["pending"] is not None and _state["raise"]:
        signum, _state["pending"] = _state["pending"], None
        raise Interrupted(signum)


def install(handler: Callable, *, raise_pending: bool) -> None:
    """Route SIGINT and SIGTERM to `handler` (a process of its own: a worker)."""
    _state.update({"depth": 0, "pending": None, "raise": raise_pending})
    for signum in STOP_SIGNALS:
        signal.signal(signum, handler)


def deferring() -> bool:
    return bool(_state["depth"])


@contextlib.contextmanager
def stop_signals() -> Iterator[None]:
    """SIGINT and SIGTERM raise `Interrupted` in this block (main thread only; elsewhere the
    block changes nothing)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {signum: signal.getsignal(signum) for signum in STOP_SIGNALS}
    saved = dict(_state)
    install(_raise, raise_pending=True)
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        _state.clear()
        _state.update(saved)
