"""Rivalry and the working-level trust network.

Sources (000 article, 'Challenges to Inter-Agency Cooperation' and 'Origins'):
mandates overlap and agencies compete for the same government funding — the
roots of rivalry; the relationships among working-level staff are the group's
main concrete gain; the 2013 contest hurt working-level cooperation.

Base rivalry between i and j is ``overlap_weight * cos(mandate_i, mandate_j) +
donor_weight * voluntary_i * voluntary_j`` (competition for the same voluntary
government money), plus a *tension* added by events (contests; later: visibility
grabs at the GFMD) that decays each month. Trust grows with shared meetings
and erodes with rivalry, contests and a chair's visibility grab (assumed forms,
documented in docs/odd.md).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from gmg_sim.config.schema import RivalryConfig
from gmg_sim.data.agencies import derived
from gmg_sim.mechanisms import ONE, ZERO, scalar

if TYPE_CHECKING:
    from gmg_sim.model.core import GMGModel

__all__ = [
    "RelationsMechanism",
    "base_rivalry",
    "mandate_overlap",
    "mean_trust",
    "pair_mean",
    "rivalry_mean",
    "trust_mean",
    "update_trust",
]


# --------------------------------------------------------------------------
# Read-outs of the trust network (the one place they are written)
# --------------------------------------------------------------------------
def pair_mean(matrix: np.ndarray, mask: np.ndarray) -> float:
    """Mean of ``matrix`` over ordered pairs of distinct agencies in ``mask`` (reference form)."""
    k = int(mask.sum())
    if k < 2:
        return float("nan")
    sub = matrix[np.ix_(mask, mask)]
    return float((sub.sum() - np.trace(sub)) / (k * (k - 1)))


def mean_trust(trust: np.ndarray, member_f: np.ndarray, k: int, denom: np.ndarray) -> np.ndarray:
    """Each agency's mean trust toward the other ``k`` current members (NaN if fewer than 2).

    ``member_f``: float membership mask; ``denom``: ``max(k - member_f, 1)``.
    """
    if k < 2:
        return np.full(len(member_f), np.nan)
    each = _row_sums(trust, member_f)
    each -= member_f
    each /= denom
    return each


def trust_mean(trust: np.ndarray, member_f: np.ndarray, k: int) -> float:
    """Mean trust over pairs of the ``k`` current members (diagonal of 1 left out)."""
    if k < 2:
        return float("nan")
    return (_masked_sum(trust, member_f) - k) / (k * (k - 1))


def rivalry_mean(rivalry: np.ndarray, member_f: np.ndarray, k: int) -> float:
    """Mean rivalry over pairs of the ``k`` current members (diagonal is 0)."""
    if k < 2:
        return float("nan")
    return _masked_sum(rivalry, member_f) / (k * (k - 1))


def _row_sums(matrix: np.ndarray, member_f: np.ndarray) -> np.ndarray:
    """Each row's sum over the members, ``matrix @ member_f``, by numpy's reduction.

    Not by BLAS: OpenBLAS picks its kernel by CPU and sums in a different order on
    different machines, so a run would differ in the last bit from one machine to
    another. The order of numpy's reduction does not depend on the machine.
    """
    return np.add.reduce(matrix * member_f, axis=1)


def _masked_sum(matrix: np.ndarray, member_f: np.ndarray) -> float:
    """``member_f @ matrix @ member_f`` by numpy's reductions (see :func:`_row_sums`)."""
    rows = _row_sums(matrix, member_f)
    rows *= member_f
    return float(np.add.reduce(rows))


def mandate_overlap(mandate: np.ndarray) -> np.ndarray:
    """Pairwise mandate overlap: cosine similarity of mandate vectors, in [0, 1] (diagonal 1)."""
    norms = np.linalg.norm(mandate, axis=1)
    unit = mandate / np.where(norms > 0, norms, 1.0)[:, None]
    # Dot products by numpy's reduction, not BLAS (`unit @ unit.T`; see :func:`_row_sums`).
    return np.clip(np.add.reduce(unit[:, None, :] * unit[None, :, :], axis=2), 0.0, 1.0)


def base_rivalry(mandate: np.ndarray, voluntary: np.ndarray, cfg: RivalryConfig) -> np.ndarray:
    """Pairwise base rivalry in [0, 1] from mandate overlap and donor competition.

    Diagonal is zero. Weights are normalised so that the result stays in [0, 1]
    whatever ``overlap_weight`` and ``donor_weight`` are.
    """
    overlap = mandate_overlap(mandate)
    donors = np.outer(voluntary, voluntary)
    total = cfg.overlap_weight + cfg.donor_weight
    r = (
        (cfg.overlap_weight * overlap + cfg.donor_weight * donors) / total
        if total > 0
        else overlap * 0
    )
    np.fill_diagonal(r, 0.0)
    return np.clip(r, 0.0, 1.0)


def update_trust(
    trust: np.ndarray,
    rivalry: np.ndarray,
    met: np.ndarray,
    cfg: RivalryConfig,
    *,
    contest: bool = False,
    contestants: list[int] | None = None,
    chair: int | None = None,
    grab: float = 0.0,
) -> np.ndarray:
    """One month of trust dynamics; returns the new matrix (symmetric, in [0, 1]).

    - pairs that met: ``+ trust_gain * (1 - T) * (1 - R)``
    - every pair: ``- trust_erosion * R * T``
    - a pending chair contest: ``- contest_erosion * T`` (double between contestants)
    - the chair's visibility grab (how much more the agenda theme is the chair's
      than the group's): ``- visibility_erosion * grab * R * T`` on ties to the chair

    The diagonal stays 1. This is the readable reference; the model uses the
    equivalent, allocation-free :meth:`RelationsMechanism.step`.
    """
    t = trust
    met_f = np.asarray(met, dtype=float)
    gain = cfg.trust_gain * np.multiply.outer(met_f, met_f) * (1.0 - t) * (1.0 - rivalry)
    loss = cfg.trust_erosion * rivalry * t
    if contest:
        loss = loss + cfg.contest_erosion * t
        if contestants:
            c = np.zeros(len(t))
            c[contestants] = 1.0
            loss = loss + cfg.contest_erosion * np.multiply.outer(c, c) * t
    if chair is not None and grab > 0:
        row = cfg.visibility_erosion * grab * rivalry[chair] * t[chair]
        loss = loss.copy()
        loss[chair] += row
        loss[:, chair] += row
    new = np.clip(t + gain - loss, 0.0, 1.0)
    np.fill_diagonal(new, 1.0)
    return new


class RelationsMechanism:
    """Keeps base rivalry, event tension, rivalry and the trust matrix (``model.trust`` reads it).

    Attributes:
        trust: (n, n) working-level trust in [0, 1], diagonal 1.
        rivalry: (n, n) ``min(base + tension, 1)``, diagonal 0.
    """

    def __init__(self, model: GMGModel) -> None:
        self.cfg: RivalryConfig = model.config.rivalry
        cfg = self.cfg
        table = model.agency_table
        self._model = model
        self.base = base_rivalry(table.mandate, table.voluntary_funding, self.cfg)
        overlap = derived(table, "mandate_overlap", lambda t: mandate_overlap(t.mandate))
        self.overlap = overlap.copy()
        np.fill_diagonal(self.overlap, 0.0)
        n = len(table)
        self.tension = np.zeros((n, n))
        self.trust = np.full((n, n), self.cfg.trust_initial)
        np.fill_diagonal(self.trust, 1.0)
        self._offdiag = 1.0 - np.eye(n)
        self._trust_denom = np.ones(n)  # max(k - member_f, 1), refreshed on joins and exits
        self._tension_active = False
        self._tension_max = 0.0  # largest entry of `tension`, kept without a scan each month
        self._keep = 1.0 - cfg.tension_decay  # share of tension left after a month
        self._keep0 = scalar(self._keep)
        self._trust_gain, self._trust_erosion = scalar(cfg.trust_gain), scalar(cfg.trust_erosion)
        # Written in place: trust_gain * (1 - rivalry), trust_erosion * rivalry (refreshed with
        # rivalry), and the step's scratch matrices for the month's gain and loss.
        self._gain, self._erosion = np.empty((n, n)), np.empty((n, n))
        self._gain_now, self._loss_now = np.empty((n, n)), np.empty((n, n))
        self._refresh_rivalry(model)

    def add_tension(self, agencies: list[int], amount: float) -> None:
        """Raise rivalry among ``agencies`` (pairwise) by ``amount``; it decays monthly."""
        idx = np.asarray(agencies)
        self.tension[np.ix_(idx, idx)] += amount
        np.fill_diagonal(self.tension, 0.0)
        self._tension_active = True
        self._tension_max = float(self.tension.max())
        self._refresh_rivalry(self._model)

    def add_tension_row(self, agency: int, amounts: np.ndarray) -> None:
        """Raise rivalry between ``agency`` and every other agency by ``amounts`` (symmetric)."""
        self.add_tension_rows([agency], [amounts])

    def add_tension_rows(self, agencies: list[int], amounts: list[np.ndarray]) -> None:
        """:meth:`add_tension_row` for each agency in turn; rivalry is refreshed once, after."""
        for agency, row in zip(agencies, amounts, strict=True):
            self.tension[agency] += row
            self.tension[:, agency] += row
            self.tension[agency, agency] = 0.0
        self._tension_active = True
        self._tension_max = float(self.tension.max())
        self._refresh_rivalry(self._model)

    def add_base(self, agency: int, amounts: np.ndarray) -> None:
        """Raise lasting (non-decaying) rivalry between ``agency`` and the others by ``amounts``."""
        self.base[agency] += amounts
        self.base[:, agency] += amounts
        self.base[agency, agency] = 0.0
        np.minimum(self.base, 1.0, out=self.base)
        self._refresh_rivalry(self._model)

    def on_join(self, model: GMGModel, agency: int) -> None:
        """A new member starts with initial trust toward everyone."""
        self.trust[agency, :] = self.cfg.trust_initial
        self.trust[:, agency] = self.cfg.trust_initial
        self.trust[agency, agency] = 1.0

    def on_membership_changed(self, model: GMGModel) -> None:
        """Refresh the cached denominator of :meth:`mean_trust_of_members` (a join or exit)."""
        self._trust_denom = np.maximum(model.n_members - model.member_f, 1.0)

    def mean_trust_of_members(self, model: GMGModel) -> np.ndarray:
        """Each agency's mean trust toward the other current members (NaN if fewer than 2).

        :func:`mean_trust` with the cached denominator; ``model.mean_trust()`` and
        :attr:`Agency.mean_trust <gmg_sim.model.agency.Agency.mean_trust>` read it.
        """
        return mean_trust(self.trust, model.member_f, model.n_members, self._trust_denom)

    def _refresh_rivalry(self, model: GMGModel) -> None:
        self.rivalry = rivalry = self.base + self.tension  # a new array: readers may keep the old
        np.minimum(rivalry, ONE, out=rivalry)
        np.subtract(ONE, rivalry, out=self._gain)
        self._gain *= self._trust_gain
        np.multiply(rivalry, self._trust_erosion, out=self._erosion)

    def step(self, model: GMGModel) -> None:
        """Decay tension, refresh rivalry, update trust from this month's events.

        Same arithmetic as :func:`update_trust`, without temporaries.
        """
        cfg = self.cfg
        if self._tension_active:
            self.tension *= self._keep0
            # Rounding is monotonic: the largest entry scaled is the largest scaled entry.
            self._tension_max *= self._keep
            if self._tension_max < 1e-6:  # confirmed by a scan: tension written directly counts
                self._tension_max = float(self.tension.max())
            if self._tension_max < 1e-6:
                self.tension.fill(0.0)
                self._tension_active = False
            self._refresh_rivalry(model)
        t = self.trust
        met = model.attended_working
        gain = np.multiply(met[:, None], met, out=self._gain_now)  # 1.0 for pairs that met
        gain *= self._gain
        gain *= np.subtract(ONE, t, out=self._loss_now)  # 1 - T, before loss is written
        loss = np.multiply(self._erosion, t, out=self._loss_now)
        chair = model.chair
        clip = False
        if chair.contest:
            clip = True
            c = np.zeros(len(t))
            c[chair.contest] = 1.0
            extra = np.multiply.outer(c, c)
            extra += 1.0
            extra *= self._offdiag
            extra *= cfg.contest_erosion
            extra *= t
            loss += extra
        if chair.current is not None and chair.grab > 0 and cfg.visibility_erosion > 0:
            clip = True
            i = chair.current
            row = self.rivalry[i] * t[i]
            row *= cfg.visibility_erosion * chair.grab
            loss[i] += row
            loss[:, i] += row
            loss[i, i] = 0.0
        t += gain
        t -= loss
        if clip:  # gain never lifts trust above 1; large combined losses could go below 0
            np.maximum(t, ZERO, out=t)
