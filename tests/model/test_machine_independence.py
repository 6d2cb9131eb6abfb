"""A run is the same on every machine: no result depends on which BLAS kernel the CPU gets.

OpenBLAS (numpy's linear algebra) picks its kernels by CPU, and kernels sum in
different orders, so a model that used matrix products would give results that
differ in the last bit from one machine to another (and then, through a draw
compared with a probability, whole trajectories). ``OPENBLAS_CORETYPE`` forces a
kernel; runs under several must agree bit for bit. On the model before the fix,
five kernels gave five different sets of summaries.
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

CHILD = """
import hashlib
from gmg_sim import GMGModel, load_scenario
h = hashlib.sha256()
for name in ("status_quo", "permanent_secretariat", "world_migration_organization",
             "gfmd_support_structure", "coordinator_of_coordinators"):
    cfg = load_scenario(name)
    for seed in range(3):
        m = GMGModel(cfg, rng=seed).run()
        h.update(repr(sorted(m.summary().items())).encode())
        h.update(m.trust.tobytes() + m.rivalry.tobytes() + m.engagement.tobytes())
print(h.hexdigest())
# A probe that BLAS computes: it tells whether OPENBLAS_CORETYPE changed the kernel at all.
import numpy as np
rng = np.random.default_rng(0)
a, x = rng.random((257, 257)), rng.random(257)
print(hashlib.sha256((a @ x).tobytes() + (a @ a).tobytes()).hexdigest())
"""


def _kernels() -> list[str]:
    """OpenBLAS core types this CPU can run (a kernel needing missing instructions would crash)."""
    flags = set()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("flags"):
                flags = set(line.split(":", 1)[1].split())
                break
    except OSError:
        pass
    kernels = ["Prescott", "Nehalem"]  # SSE3 / SSE4: any x86-64 of the last 15 years
    if "avx" in flags:
        kernels.append("Sandybridge")
    if {"avx2", "fma"} <= flags:
        kernels.append("Haswell")
    if {"avx512f", "avx512bw", "avx512vl", "avx512dq"} <= flags:
        kernels.append("SkylakeX")
    return kernels


@pytest.mark.slow
@pytest.mark.skipif(
    platform.machine().lower() not in {"x86_64", "amd64"} or not sys.platform.startswith("linux"),
    reason="OpenBLAS core types are named here for x86-64 Linux",
)
def test_runs_are_bit_for_bit_the_same_under_every_blas_kernel() -> None:
    results, probes = {}, set()
    for kernel in _kernels():
        env = dict(os.environ, OPENBLAS_CORETYPE=kernel, PYTHONPATH=str(ROOT))
        proc = subprocess.run(
            [sys.executable, "-c", CHILD], env=env, cwd=ROOT, capture_output=True, text=True,
            timeout=300,
        )  # fmt: skip
        assert proc.returncode == 0, f"{kernel}: {proc.stderr[-2000:]}"
        run, probe = proc.stdout.split()
        results[kernel] = run
        probes.add(probe)
    if len(probes) < 2:  # e.g. numpy linked to MKL or a single-kernel OpenBLAS
        pytest.skip("OPENBLAS_CORETYPE changes no matrix product here: nothing to compare")
    assert len(set(results.values())) == 1, f"results differ by BLAS kernel: {results}"
