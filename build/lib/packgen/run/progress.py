"""A small progress line on stderr: providers done / total, rate and time left.

On a terminal the line redraws in place; otherwise (a log file, CI) it prints a line at every
tenth of the way, so logs stay short. Quiet mode prints nothing.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO


def _duration(seconds: float) -> str:
    seconds = max(0, round(seconds))
    minutes, seconds = divmod(seconds, 60)
    return f"{minutes}m{seconds:02d}s" if minutes else f"{seconds}s"


class Progress:
    def __init__(self, total: int, label: str = "providers", quiet: bool = False,
                 stream: TextIO | None = None):
        self.total, self.label, self.quiet = total, label, quiet
        self.stream = stream or sys.stderr
        self.done = 0
        self.failed = 0
        self.started = time.perf_counter()
        self._tty = hasattr(self.stream, "isatty") and self.stream.isatty()
        self._next_log = 0.1

    def line(self) -> str:
        elapsed = time.perf_counter() - self.started
        rate = self.done / elapsed if elapsed > 0 else 0.0
        left = (self.total - self.done) / rate if rate > 0 else 0.0
        width = 24
        filled = int(width * self.done / self.total) if self.total else width
        text = (f"[{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total} "
                f"{self.label}  {rate:.2f}/s  {_duration(elapsed)} elapsed")
        if self.done < self.total:
            text += f", about {_duration(left)} left"
        return text + (f"  ({self.failed} failed)" if self.failed else "")

    def advance(self, failed: bool = False) -> None:
        self.done += 1
        self.failed += failed
        if self.quiet or not self.total:
            return
        if self._tty:
            end = "\n" if self.done == self.total else ""
            self.stream.write("\r" + self.line() + end)
            self.stream.flush()
        elif self.done / self.total >= self._next_log or self.done == self.total:
            self.stream.write(self.line() + "\n")
            self._next_log = self.done / self.total + 0.1

    def message(self, text: str) -> None:
        """A message (e.g. a failure) on its own line, even while the bar is drawn."""
        if self._tty and not self.quiet:
            self.stream.write("\r\033[K")
        self.stream.write(text + "\n")
        if self._tty and not self.quiet and self.done < self.total:
            self.stream.write(self.line())
        self.stream.flush()
