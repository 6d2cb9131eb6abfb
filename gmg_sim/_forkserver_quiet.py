"""Imported in the fork server's own process only (first in its preload list).

When the command exits at once (a second Ctrl-C) while it is asking the fork
server for a worker, the server's read of the request ends early and the
standard library's server loop dies with ``EOFError``, printing Python's
traceback on the command's stderr, which the user sees after the command's own
one-line message. The command is gone by then and nothing is lost: the server
ends quietly instead. Any other error is reported as before. Workers forked from
the server inherit the hook, but a worker's errors never reach it (the
process's bootstrap catches and reports them itself).
"""

from __future__ import annotations

import sys
from types import TracebackType

__all__ = ["quiet_hook"]

_default = sys.excepthook


def quiet_hook(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
    """``sys.excepthook`` of the fork server: silent when its client went away."""
    if issubclass(kind, EOFError | ConnectionError):
        return
    _default(kind, value, tb)


sys.excepthook = quiet_hook
