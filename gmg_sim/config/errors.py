"""Error messages of bad configuration input: bounded, all of a file at once.

Every problem of one scenario file (or one set of overrides) is collected and
reported together in one :class:`~gmg_sim.config.months.ConfigError`, one line
per problem naming the file, the dotted key, the value given and what is
allowed. Whatever the input, the message stays small:

* at most :data:`MAX_ERRORS` problems are written out, followed by a count of
  the others (a file of fifty thousand unknown keys gives twenty lines and
  "... and 49980 more");
* values and key names are shown shortened (:func:`show`, :func:`show_key`):
  a 100 000-character key or a list nested 500 deep takes one short line;
* "did you mean" suggestions are computed only for the problems shown.
"""

from __future__ import annotations

import difflib
import reprlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = ["MAX_ERRORS", "Problems", "is_whole", "show", "show_key", "suggest"]

#: The most problems one message writes out; the rest are counted.
MAX_ERRORS = 20

_REPR = reprlib.Repr()
_REPR.maxstring = 60
_REPR.maxother = 60
_REPR.maxlevel = 3
_REPR.maxlist = _REPR.maxtuple = _REPR.maxdict = _REPR.maxset = 6
_REPR.maxlong = 40


def is_whole(value: Any) -> bool:
    """Whether ``value`` is a whole number: an int or a NumPy integer, not True or False."""
    import numpy as np

    return isinstance(value, int | np.integer) and not isinstance(value, bool)


def show(value: Any) -> str:
    """A short ``repr`` of a value given by the user (at most about 80 characters)."""
    text = _REPR.repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def show_key(key: Any) -> str:
    """A key as written, shortened when long (a non-text key as its ``repr``)."""
    text = key if isinstance(key, str) else repr(key)
    text = text.replace("\n", "\\n").replace("\r", "\\r")
    return text if len(text) <= 60 else text[:57] + "..."


def suggest(word: Any, options: Sequence[str], prefix: str = "") -> str:
    """``"; did you mean 'x'?"`` for the closest option, or ``""``."""
    if not isinstance(word, str) or len(word) > 100:
        return ""
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return f"; did you mean {prefix + close[0]!r}?" if close else ""


@dataclass
class Problems:
    """The problems found in one input, the first :data:`MAX_ERRORS` written out.

    ``add(where, make)`` records a problem at ``where`` (a dotted key, or ``""``
    for the input as a whole) and calls ``make()`` for its text only while
    fewer than ``limit`` are held, so that a huge input costs no more than
    counting.
    """

    limit: int = MAX_ERRORS
    items: list[tuple[str, str]] = field(default_factory=list)
    more: int = 0

    def add(self, where: str, make: Callable[[], str]) -> None:
        """Record one problem at ``where`` (its text built by ``make`` if it is shown)."""
        if len(self.items) < self.limit:
            self.items.append((where, make()))
        else:
            self.more += 1

    def extend(self, other: Problems) -> None:
        """Add the problems of ``other`` (its texts already made)."""
        for where, text in other.items:
            self.add(where, lambda t=text: t)
        self.more += other.more

    def __len__(self) -> int:
        return len(self.items) + self.more

    def message(self, source: str | None = None, origins: dict[str, str] | None = None) -> str:
        """One message: a single problem as one line, several under a heading.

        Args:
            source: the file the input came from (named on every line).
            origins: for inputs merged from several files (``extends``), the file
                that set each dotted key; problems elsewhere are ``source``'s.
        """
        origins = origins or {}
        lines = []
        elsewhere = False
        for where, text in self.items:
            origin = _origin(where, origins) or source
            elsewhere = elsewhere or (origin is not None and origin != source)
            lines.append(f"{origin}: {text}" if origin else text)
        if len(self) == 1 and not elsewhere:
            return lines[0]
        n = len(self)
        count = f"{n} problem{'s' if n > 1 else ''}"
        if elsewhere:
            count += " (some in the files it extends)"
        head = f"{source}: {count}:" if source else f"invalid configuration, {count}:"
        if self.more:
            lines.append(f"... and {self.more} more (the first {len(self.items)} are shown above)")
        return head + "\n  " + "\n  ".join(lines)


def _origin(where: str, origins: dict[str, str]) -> str | None:
    """The file that set ``where`` (``chair.order[1]`` -> the file of ``chair.order``)."""
    key = where.split("[", 1)[0]
    while key:
        if key in origins:
            return origins[key]
        key = key.rpartition(".")[0]
    return None
