"""MkDocs hook: make repository-relative links work in the site.

The teaching pages live in ``gmg_sim/data/teaching/`` (``docs/teaching`` is a link to
that folder), and their links are written for GitHub, relative to where the file
really is: ``../../../docs/figures/app.png``, ``../../README.md``. In the site the same
page sits at ``docs/teaching/``, so such links are resolved here against the file's
real location and rewritten relative to its place in the site. ``README.md`` maps to
the getting-started page, ``CHANGELOG.md`` to the changelog page, and the links a
page outside ``docs/`` needs on GitHub (``../notebooks/X``,
``../gmg_sim/data/teaching/X``) to the notebook's or teaching page.
"""

from __future__ import annotations

import os
import re
from pathlib import Path, PurePosixPath

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
NOTEBOOKS = ROOT / "notebooks"
TEACHING = ROOT / "gmg_sim" / "data" / "teaching"
ALIASES = {"README.md": "index.md", "CHANGELOG.md": "changelog.md"}
LINK = re.compile(r"(\]\()([^)\s#]+)(#[^)\s]*)?(\))")


def _site_target(real_page: Path, link: str) -> str | None:
    """The docs-relative path a relative link points to, or None to leave it alone."""
    if "://" in link or link.startswith(("/", "mailto:")):
        return None
    target = Path(os.path.normpath(real_page.parent / link))
    try:
        rel = target.relative_to(ROOT).as_posix()
    except ValueError:
        return None
    if rel in ALIASES:
        return ALIASES[rel]
    if target.is_relative_to(NOTEBOOKS):  # mkdocs-jupyter serves notebooks/ at the site's root
        return rel
    if target.is_relative_to(TEACHING):  # the real folder behind docs/teaching
        return "teaching/" + target.relative_to(TEACHING).as_posix()
    if target.is_relative_to(DOCS):
        return target.relative_to(DOCS).as_posix()
    return None


def on_page_markdown(markdown, page, config, files):
    """Rewrite relative links against the page's real file (teaching pages are linked in)."""
    abs_src = page.file.abs_src_path
    if not abs_src:
        return markdown
    real_page = Path(abs_src).resolve()
    virtual_dir = PurePosixPath(page.file.src_uri).parent.as_posix()

    def fix(match: re.Match[str]) -> str:
        target = _site_target(real_page, match.group(2))
        if target is None:
            return match.group(0)
        new = os.path.relpath(target, virtual_dir)
        return (
            f"{match.group(1)}{PurePosixPath(new).as_posix()}{match.group(3) or ''}{match.group(4)}"
        )

    return LINK.sub(fix, markdown)
