"""The documentation site builds in strict mode (no broken link) and has its pages."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MKDOCS = Path(sys.executable).parent / "mkdocs"
#: One worker builds the site once for every test here (a module fixture is per worker).
pytestmark = pytest.mark.xdist_group("site")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not MKDOCS.exists():
        pytest.skip(f"mkdocs is not installed next to {sys.executable} (pip install -e '.[dev]')")
    out = tmp_path_factory.mktemp("site")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    done = subprocess.run(
        [str(MKDOCS), "build", "--strict", "--quiet", "-d", str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, f"mkdocs build --strict failed:\n{done.stdout}\n{done.stderr}"
    return out


def page(site: Path, name: str) -> str:
    path = site / name / "index.html" if name else site / "index.html"
    assert path.is_file(), f"{path.relative_to(site)} was not built"
    return path.read_text(encoding="utf-8")


def test_getting_started_and_model_pages(site: Path) -> None:
    assert "A first example" in page(site, "")  # docs/index.md, the getting-started page
    assert "ODD" in page(site, "odd")
    for name in ("scenarios", "indicators", "calibration", "sources", "changelog"):
        page(site, name)
    assert "Unreleased" in page(site, "changelog")  # CHANGELOG.md is included


def test_api_pages_render_docstrings(site: Path) -> None:
    model = page(site, "api/model")
    assert "GMGModel" in model
    assert "the Mesa model that holds the state" in model  # gmg_sim.model.core's docstring
    for sub in ("mechanisms", "config", "experiments", "analysis", "app", "cli"):
        page(site, f"api/{sub}")


def test_notebooks_are_rendered(site: Path) -> None:
    for nb in sorted((ROOT / "notebooks").glob("*.ipynb")):
        html = page(site, f"notebooks/{nb.stem}")
        assert "GMGModel" in html or "gmg_sim" in html, nb.name


def test_teaching_pages_and_their_figure(site: Path) -> None:
    overview = page(site, "teaching")  # docs/teaching/README.md, through the link
    assert 'src="../figures/app.png"' in overview  # the GitHub-relative link, rewritten
    assert (site / "figures" / "app.png").is_file()
    assert "Exercise 1" in page(site, "teaching/exercise_1_empty_chair")
