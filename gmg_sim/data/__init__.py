"""Data files about the real group: agencies, themes, calendar, templates, working groups.

Every value in these TOML files names its source (seed file and section) or
says "assumed"; see docs/odd.md, section 6.
"""

from __future__ import annotations

import tomllib
from importlib import resources
from typing import Any

__all__ = ["read_toml"]


def read_toml(name: str) -> dict[str, Any]:
    """Parse one of the package's data files, e.g. ``read_toml("agencies.toml")``."""
    with resources.files(__name__).joinpath(name).open("rb") as fh:
        return tomllib.load(fh)
