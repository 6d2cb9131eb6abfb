"""The built wheel holds everything a user needs: scenarios, teaching pages, the command.

The wheel is built from this checkout and installed, without its
dependencies, into a fresh virtual environment whose dependencies come from
the test environment's site-packages (added as a plain path, so the editable
install of the checkout is *not* visible there). Every command then runs from
a folder outside the checkout, so nothing can be read from the source tree.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

#: One worker builds and installs the wheel once for every test here (a module fixture is per worker).
pytestmark = pytest.mark.xdist_group("wheel")

ROOT = Path(__file__).resolve().parents[2]


def _run(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=600, env=env)
    assert proc.returncode == 0, f"{' '.join(cmd)}\n{proc.stdout}\n{proc.stderr}"
    return proc.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> tuple[Path, Path]:
    """(python of a fresh venv with only the built wheel installed, a folder outside the repo)."""
    tmp = tmp_path_factory.mktemp("wheel")
    dist = tmp / "dist"
    # Built from a copy: setuptools writes build/ and *.egg-info into the source tree, so
    # two test workers building from the checkout at once would collide.
    src = tmp / "src"
    shutil.copytree(ROOT / "gmg_sim", src / "gmg_sim", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy2(ROOT / name, src / name)
    _run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
         "--quiet", "-w", str(dist), str(src)],
        cwd=tmp,
    )  # fmt: skip
    (wheel,) = dist.glob("gmg_sim-*.whl")
    env_dir = tmp / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    site = Path(
        _run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"], tmp
        ).strip()
    )
    # The test environment's packages (mesa, solara, ...) as a plain path: its .pth
    # files, among them the editable finder of this checkout, are not processed.
    (site / "deps.pth").write_text(sysconfig.get_path("purelib") + "\n")
    _run([sys.executable, "-m", "pip", "install", "--no-deps", "--quiet",
          "--target", str(site), str(wheel)], cwd=tmp)  # fmt: skip
    work = tmp / "elsewhere"
    work.mkdir()
    return python, work


def _env(python: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PATH"] = f"{python.parent}{os.pathsep}{env.get('PATH', '')}"
    return env


def _cli(python: Path, work: Path, *args: str) -> str:
    code = "import sys; from gmg_sim.cli import main; sys.argv[0] = 'gmg-sim'; main(sys.argv[1:])"
    return _run([str(python), "-c", code, *args], cwd=work, env=_env(python))


@pytest.mark.slow
def test_the_wheel_is_imported_not_the_checkout(installed):
    python, work = installed
    where = _run([str(python), "-c", "import gmg_sim; print(gmg_sim.__file__)"], work).strip()
    assert str(ROOT) not in where and str(python.parents[1]) in where


@pytest.mark.slow
def test_installed_wheel_lists_every_bundled_scenario(installed):
    python, work = installed
    out = _cli(python, work, "list")
    bundled = sorted(p.stem for p in (ROOT / "scenarios").glob("*.toml"))
    assert len(bundled) == 11
    for name in bundled:
        assert name in out


@pytest.mark.slow
def test_installed_wheel_compares_every_scenario(installed):
    python, work = installed
    n = len(list((ROOT / "scenarios").glob("*.toml")))
    out = _cli(python, work, "compare", "--all", "-n", "2", "--quiet", "--out", "cmp")
    assert f"{n} scenarios × 2 replications" in out
    manifest = json.loads((work / "cmp" / "manifest.json").read_text())
    assert manifest["status"] == "complete" and manifest["n_runs"] == 2 * n


@pytest.mark.slow
def test_installed_wheel_app_has_its_teaching_pages(installed):
    python, work = installed
    code = (
        "from gmg_sim.app.teaching import teaching_page; import gmg_sim.app.page; "
        "from gmg_sim.config.scenarios import bundled_scenarios; "
        "pages = [teaching_page(p.stem) for p in bundled_scenarios()]; "
        "print(sum(p is not None and len(p) > 200 for p in pages))"
    )
    n = len(list((ROOT / "scenarios").glob("*.toml")))
    assert _run([str(python), "-c", code], work, env=_env(python)).strip() == str(n)
