"""Package data: facts about the real group, the bundled scenarios and the teaching pages.

* ``agencies.toml``, ``themes.toml``, ``calendar.toml``, ``statements.toml``,
  ``working_groups.toml`` — every value names its source or says "assumed"
  (``docs/odd.md``, section 6; ``docs/sources.md``);
* ``scenarios/`` — the bundled scenario files (the repository's top-level
  ``scenarios/`` is a link to this folder);
* ``teaching/`` — the classroom pages shown by the app (``docs/teaching`` is a
  link to this folder).

They ship inside the wheel, so an installed package has all of them.
"""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

__all__ = ["DATA_DIR", "SCENARIOS_DIR", "TEACHING_DIR", "read_toml"]

#: This folder, the bundled scenarios and the teaching pages.
DATA_DIR = Path(__file__).resolve().parent
SCENARIOS_DIR = DATA_DIR / "scenarios"
TEACHING_DIR = DATA_DIR / "teaching"


def read_toml(name: str) -> dict[str, Any]:
    """Parse one of the package's data files, e.g. ``read_toml("agencies.toml")``."""
    with resources.files(__name__).joinpath(name).open("rb") as fh:
        return tomllib.load(fh)
