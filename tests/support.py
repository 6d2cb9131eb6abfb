"""Small helpers shared by the tests (not fixtures)."""

from __future__ import annotations

import socket
from typing import Any

import numpy as np
from hypothesis import strategies as st

from gmg_sim import GMGModel

#: Any 32-bit seed, for property tests.
seeds = st.integers(0, 2**32 - 1)


def unit(lo: float = 0.0, hi: float = 1.0) -> st.SearchStrategy[float]:
    """Finite floats in ``[lo, hi]``."""
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False)


def run_final(seed: int, **params: Any) -> GMGModel:
    """A finished run with one collector row (``collect="final"``)."""
    return GMGModel(rng=seed, collect="final", **params).run()


def same_stream(rng: np.random.Generator, reference: np.random.Generator) -> bool:
    """Whether two generators are at the same point of their stream."""
    return rng.bit_generator.state == reference.bit_generator.state


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port that is free on ``host`` now (for a server started in another process).

    Another process may take it before the server binds it; a server in this
    process should bind its own socket instead (``tests/classroom/conftest.py``).
    """
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]
