"""Reading an experiment's tables back: a missing or damaged file is a user error.

:func:`read_table` reads a ``.parquet`` or ``.csv`` file of a sweep or robust
comparison that :func:`~gmg_sim.exploration.discovery.discover`,
:func:`~gmg_sim.exploration.robust.load_robust` and the report read, and
checks the columns they need: a file that is gone, unreadable as a table or
lacks a column raises :class:`~gmg_sim.experiments.ExperimentError` naming it
(exit 2), not a pandas or pyarrow exception (an internal error) or an
``OSError`` taken for a fault of the machine (exit 3).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

__all__ = ["damaged", "missing", "read_table"]

_AGAIN = "re-run the experiment or give another folder"


def missing(path: Path) -> Exception:
    """The error for a file of the experiment that is not there."""
    from gmg_sim.experiments import ExperimentError

    return ExperimentError(f"{path} is missing; {_AGAIN}")


def damaged(path: Path, why: str) -> Exception:
    """The error for a file of the experiment that is there but not as written."""
    from gmg_sim.experiments import ExperimentError

    return ExperimentError(f"{path} is damaged ({why}); {_AGAIN}")


def _reason(exc: BaseException) -> str:
    text = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    if "': " in text:  # pyarrow: "Could not open Parquet input source '<path>': <what>"
        text = text.rsplit("': ", 1)[1]
    return text[:160] or type(exc).__name__


def read_table(path: Path, columns: Sequence[str] = ()) -> pd.DataFrame:
    """The table in ``path`` (``.parquet``, else CSV), which must have ``columns``.

    Raises:
        ExperimentError: the file is missing, not a table, or lacks a column.
        OSError: a fault of the machine while reading (it has an ``errno``: EIO, EACCES...).
    """
    import pyarrow as pa

    if not path.exists():
        raise missing(path)
    if not path.is_file():
        raise damaged(path, "not a file")
    if path.stat().st_size == 0:
        raise damaged(path, "empty")
    try:
        frame = pd.read_parquet(path) if path.suffix == ".parquet" else pd.read_csv(path)
    except FileNotFoundError:
        raise missing(path) from None
    except OSError as exc:
        if exc.errno is not None:  # the machine's fault, not the file's content
            raise
        raise damaged(path, _reason(exc)) from None  # pyarrow: "Couldn't deserialize thrift"
    except (ValueError, TypeError, KeyError, IndexError, pa.ArrowException) as exc:
        raise damaged(path, _reason(exc)) from None
    lacking = [c for c in columns if c not in frame.columns]
    if lacking:
        raise damaged(path, f"no column {', '.join(lacking)}")
    return frame
