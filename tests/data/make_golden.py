"""Regenerate tests/data/golden_summaries.csv: every bundled scenario, seeds 0..19.

Run only for a deliberate change of behaviour, in its own commit that says why:

    .venv/bin/python tests/data/make_golden.py
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from gmg_sim import GMGModel, load_scenario

SEEDS = range(20)
GOLDEN = Path(__file__).with_name("golden_summaries.csv")


def golden_frame(scenarios: list[str]) -> pd.DataFrame:
    """One row per (scenario, seed): ``GMGModel(load_scenario(s), rng=seed).run().summary()``."""
    rows = []
    for name in scenarios:
        cfg = load_scenario(name)
        for seed in SEEDS:
            rows.append({"scenario": name, "seed": seed, **GMGModel(cfg, rng=seed).run().summary()})
    return pd.DataFrame(rows)


if __name__ == "__main__":
    from gmg_sim.config.scenarios import bundled_scenarios

    names = [p.stem for p in bundled_scenarios()]
    golden_frame(names).to_csv(GOLDEN, index=False, float_format="%.17g")
    print(f"wrote {GOLDEN}")
