"""Scenario discovery: the parameter ranges in which an outcome occurs (PRIM, CART).

Bryant and Lempert (2010): given many runs over the uncertain parameters and an
outcome of interest in each, find a box (a range for a few parameters) that
holds most of the cases of interest (*coverage*) and few others (*density*).
:func:`discover` does it with the EMA workbench's ``prim`` (Kwakkel 2017) on
the output of :func:`gmg_sim.exploration.robust` (the cases are one design's
worlds) or of a ``gmg-sim sweep`` (the cases are its points), and optionally
grows a CART tree (``ema_workbench.analysis.cart``). Numeric parameters are
searched as ranges; text and true/false ones (``chair.rule``,
``drafting.decision_rule``, ``chair.decline_allowed``) as categories, and a
box restricts them to a set of values (``chair__rule ∈ {lottery}``).

A case's values are the means over its replications of every indicator of the
run summary, plus ``secretariat_established`` (the share of its runs in which
a secretariat existed at some point) and, for a robust comparison,
``<indicator>_effect`` (the design's paired difference from the reference in
that world). The outcome is a condition on them, e.g. ``"adoption_rate < 0.5"``,
or a named outcome (:data:`NAMED_OUTCOMES`).
"""

from __future__ import annotations

import math
import re
import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "DISCOVERY_DIR",
    "NAMED_OUTCOMES",
    "OUTPUT_FILES",
    "Discovery",
    "case_table",
    "check_out",
    "discover",
    "kept_note",
    "remove_discoveries",
]

#: Named outcomes and the condition each stands for.
NAMED_OUTCOMES: dict[str, str] = {
    "secretariat established": "secretariat_established >= 0.5",
    "no secretariat": "secretariat_established < 0.5",
    "declines not reduced": "chair_declines_effect >= 0",
    "vacancies not reduced": "chair_vacant_months_effect >= 0",
}


@dataclass
class Discovery:
    """A PRIM box (and optionally a CART tree) for one outcome.

    Attributes:
        outcome: the condition, as evaluated.
        design: the design whose cases were searched (robust), or the sweep's scenario.
        n_cases, n_interest: cases, and cases where the outcome occurs.
        box: one row per restricted parameter: ``parameter, low, high,
            range_low, range_high, qp_low, qp_high`` (quasi-p values of each limit).
            Where text or true/false parameters vary, also ``categories,
            range_categories``: a categorical parameter's values kept in the box
            and all its values, as ``"{a, b}"`` (its ``low`` to ``range_high``
            are then empty, and its one quasi-p value is ``qp_low``).
        coverage, density, mass: of the chosen box.
        chosen: index of the chosen box on the peeling trajectory.
        trajectory: the peeling trajectory (``coverage, density, mass, res_dim``, ...).
        cart: the CART tree as text (``None`` unless asked).
        cart_boxes: CART's leaves with their coverage and density (``None`` unless asked).
        files: the files written (with ``out``).
        replaced: the files of an earlier discovery in ``out`` that were replaced or removed.
    """

    outcome: str
    design: str
    n_cases: int
    n_interest: int
    box: pd.DataFrame
    coverage: float
    density: float
    mass: float
    chosen: int
    trajectory: pd.DataFrame
    cart: str | None = None
    cart_boxes: pd.DataFrame | None = None
    files: list[Path] = field(default_factory=list)
    replaced: list[Path] = field(default_factory=list)

    def to_text(self) -> str:
        """The box as a few lines of plain text."""
        lines = [
            f"outcome: {self.outcome}  (design {self.design}; {self.n_interest} of "
            f"{self.n_cases} cases)",
            f"PRIM box {self.chosen} of {len(self.trajectory) - 1}: coverage "
            f"{self.coverage:.2f}, density {self.density:.2f}, mass {self.mass:.2f} "
            f"(base rate {self.n_interest / self.n_cases:.2f})",
        ]
        if self.box.empty:
            lines.append("  no parameter restricted: the outcome is spread over the whole space")
        for r in self.box.itertuples():
            kept = getattr(r, "categories", None)
            if isinstance(kept, str):
                lines.append(
                    f"  {r.parameter:<44} {'∈ ' + kept:<21} "
                    f"(of {r.range_categories}; qp {_qp(r.qp_low, r.qp_high)})"
                )
                continue
            lines.append(
                f"  {r.parameter:<44} {_num(r.low):>9} – {_num(r.high):<9} "
                f"(of {_num(r.range_low)} – {_num(r.range_high)}; qp {_qp(r.qp_low, r.qp_high)})"
            )
        return "\n".join(lines)


def _num(x: float) -> str:
    if not math.isfinite(x):
        return "–"
    return f"{x:,.0f}" if abs(x) >= 1000 else f"{x:.3g}"


def _qp(lo: float, hi: float) -> str:
    vals = [v for v in (lo, hi) if isinstance(v, float) and math.isfinite(v)]
    return ", ".join(f"{v:.2g}" for v in vals) or "–"


def _set(values: Iterable[Any]) -> str:
    """A categorical parameter's values as ``"{a, b}"`` (sorted as text)."""
    return "{" + ", ".join(sorted(str(v) for v in values)) + "}"


def _per_run(summary: pd.DataFrame) -> pd.DataFrame:
    runs = summary.copy()
    if "secretariat_months" in runs:
        runs["secretariat_established"] = (runs["secretariat_months"] > 0).astype(float)
    return runs


def _means(runs: pd.DataFrame, skip: set[str]) -> pd.DataFrame:
    cols = [c for c in runs.columns if c not in skip and pd.api.types.is_numeric_dtype(runs[c])]
    with np.errstate(all="ignore"):
        return runs.groupby("point")[cols].mean().sort_index()


def case_table(
    folder: str | Path, design: str | None = None
) -> tuple[pd.DataFrame, pd.DataFrame, str]:
    """The cases of a robust comparison's design, or of a sweep: ``(x, values, design)``.

    ``x``: one row per case, the parameters that vary (flat keys; numbers, or a
    ``category`` of text for text and true/false parameters); ``values``:
    the case's mean indicators (and effects, for a robust comparison).

    Raises:
        ExperimentError: a folder that holds neither, or an unknown design.
    """
    from gmg_sim.experiments import ExperimentError
    from gmg_sim.exploration.files import damaged, read_table
    from gmg_sim.exploration.robust import load_robust

    out = Path(folder)
    if (out / "robust.json").exists():
        res = load_robust(out)
        name = design or res.reference
        if name not in res.designs:
            raise ExperimentError(
                f"--design {name!r}: not a design of {out}; its designs: {', '.join(res.designs)}"
            )
        x = res.worlds.set_index("world")
        runs = _per_run(res.runs[name])
        skip = {"point", "replication", "seed", *x.columns}
        values = _means(runs, skip)
        if name != res.reference:
            ref = _means(_per_run(res.runs[res.reference]), skip)
            common = [c for c in values.columns if c in ref.columns]
            effects = (values[common] - ref[common]).add_suffix("_effect")
            values = values.join(effects)
        values.index.name = "world"
        x = x.loc[values.index]
    elif (out / "manifest.json").exists():
        from gmg_sim._atomic import read_json

        not_manifest = ExperimentError(f"{out}/manifest.json is not a gmg-sim manifest")
        try:
            manifest = read_json(out / "manifest.json")
        except (OSError, ValueError):
            raise not_manifest from None
        if not isinstance(manifest, dict):
            raise not_manifest
        if manifest.get("kind") != "sweep" or manifest.get("status") != "complete":
            raise ExperimentError(
                f"{out} holds a {manifest.get('status', '?')} {manifest.get('kind', '?')} "
                "experiment; discover reads a complete gmg-sim sweep or robust comparison"
            )
        try:
            name = str(manifest["identity"]["scenarios"][0])
        except (KeyError, IndexError, TypeError):
            raise not_manifest from None
        summary = read_table(out / "summary.parquet", ["point"])
        points = read_table(out / "points.csv", ["point"])
        if points["point"].duplicated().any():
            raise damaged(out / "points.csv", "a point is listed twice")
        points = points.set_index("point")
        params = [c for c in points.columns if c != "scenario"]
        x = points[params]
        runs = _per_run(summary)
        values = _means(runs, {"point", "replication", "seed", *params})
        if values.empty:
            raise damaged(out / "summary.parquet", "no runs")
        if not values.index.isin(x.index).all():
            raise damaged(out / "points.csv", "it lacks points that summary.parquet has runs of")
        x = x.loc[values.index]
        if design is not None and design != name:
            raise ExperimentError(f"--design {design!r}: the sweep in {out} ran {name!r} only")
    else:
        raise ExperimentError(
            f"{out} holds neither a robust comparison (robust.json) nor a sweep (manifest.json); "
            "give the --out folder of gmg-sim robust or gmg-sim sweep"
        )
    return _parameters(x), values, name


def _parameters(x: pd.DataFrame) -> pd.DataFrame:
    """The columns of ``x`` that vary, typed for PRIM and CART.

    Numbers become ``int64`` or ``float`` (ranges); text and true/false values
    (``chair.rule``, ``chair.decline_allowed``) become a pandas ``category`` of
    their text, an empty cell ``"none"``: the EMA workbench's PRIM peels and
    pastes such a column one category at a time.
    """
    kept: dict[str, pd.Series] = {}
    for c in x.columns:
        col = x[c]
        if pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col):
            if col.nunique() > 1:
                is_int = pd.api.types.is_integer_dtype(col)
                kept[c] = col.astype(np.int64) if is_int else col.astype(float)
        else:
            text = col.astype(object).where(col.notna(), "none").astype(str)
            if text.nunique() > 1:
                kept[c] = text.astype("category")
    return pd.DataFrame(kept, index=x.index)


def _is_categorical(col: pd.Series) -> bool:
    return isinstance(col.dtype, pd.CategoricalDtype)


#: The tokens of a condition: a string or a number literal (``1e-3``, ``0x1f``, ``.5``),
#: so that their letters are not read as names, or a name (``adoption_rate``).
_TOKEN = re.compile(
    r"""'[^']*'|"[^"]*"|0[xX][0-9A-Fa-f_]+|(?:\d[\d_]*\.?[\d_]*|\.\d[\d_]*)(?:[eE][+-]?\d+)?[jJ]?"""
    r"|(?P<name>[A-Za-z_][A-Za-z0-9_]*)"
)


def _names(condition: str) -> set[str]:
    """The names in ``condition``; letters glued to a number (``1e``) are left to pandas."""
    names, end = set(), -1
    for m in _TOKEN.finditer(condition):
        if m.group("name") and m.start() != end:
            names.add(m.group("name"))
        end = m.end() if not m.group("name") else -1
    return names


def outcome_mask(values: pd.DataFrame, where: str) -> tuple[np.ndarray, str]:
    """The cases where ``where`` (a condition or a named outcome) holds, and the condition.

    Raises:
        ExperimentError: a condition that does not evaluate to true/false per case,
        naming the columns allowed.
    """
    from gmg_sim.experiments import ExperimentError

    condition = NAMED_OUTCOMES.get(where.strip().lower().replace("_", " "), where)
    names = _names(condition) - {
        "and",
        "or",
        "not",
        "in",
        "True",
        "False",
    }
    unknown = sorted(n for n in names if n not in values.columns)
    if unknown:
        import difflib

        hint = difflib.get_close_matches(unknown[0], list(values.columns), n=1, cutoff=0.6)
        raise ExperimentError(
            f"--where {where!r}: unknown column(s) {', '.join(unknown)}"
            + (f" (did you mean {hint[0]!r}?)" if hint else "")
            + f"; named outcomes: {', '.join(repr(k) for k in NAMED_OUTCOMES)}; columns: "
            + ", ".join(values.columns)
        )
    try:
        mask = values.eval(condition)
    except Exception as exc:  # pandas raises many kinds for a malformed expression
        raise ExperimentError(
            f"--where {where!r}: not a condition pandas can evaluate ({exc}); write e.g. "
            "\"adoption_rate < 0.5\" or a named outcome such as 'secretariat established'"
        ) from None
    if not isinstance(mask, pd.Series) or mask.dtype != bool:
        raise ExperimentError(
            f'--where {where!r}: gives numbers, not true/false; compare, e.g. "{condition} > 0"'
        )
    return mask.to_numpy(), condition


def _check_effects(folder: Path, where: str, values: pd.DataFrame, name: str) -> None:
    """Refuse a condition on ``<indicator>_effect`` where the cases have no effects.

    Effects are a robust comparison's, of a design against the reference: the
    reference's own worlds (the default without ``--design``) and a sweep's points have
    none. The message says which ``--design`` values have them, rather than calling
    the column unknown (the named outcomes 'declines not reduced' and 'vacancies not
    reduced' are such conditions).

    Raises:
        ExperimentError: the condition needs effects these cases do not have.
    """
    from gmg_sim.experiments import ExperimentError

    condition = NAMED_OUTCOMES.get(where.strip().lower().replace("_", " "), where)
    suffix = "_effect"
    lacking = sorted(
        n
        for n in _names(condition)
        if n.endswith(suffix) and n not in values.columns and n[: -len(suffix)] in values.columns
    )
    if not lacking:
        return
    are = "is an effect" if len(lacking) == 1 else "are effects"
    what = f"--where {where!r}: {', '.join(lacking)} {are}"
    if (folder / "robust.json").exists():
        from gmg_sim._atomic import read_json

        designs = [str(d) for d in read_json(folder / "robust.json")["identity"]["designs"]]
        others = ", ".join(d for d in designs if d != name)
        raise ExperimentError(
            f"{what} of a design against the reference design {name}, which has none against "
            f"itself; give --design naming another design of {folder}: {others}"
        )
    raise ExperimentError(
        f"{what} of a design against a robust comparison's reference; the sweep in {folder} "
        f"has none: give the folder of gmg-sim robust with --design, or a condition on the "
        f"sweep's own indicators (e.g. {lacking[0][: -len(suffix)]})"
    )


def _choose(trajectory: pd.DataFrame) -> int:
    """The box with the best balance of coverage and density (their harmonic mean)."""
    c, d = trajectory["coverage"].to_numpy(), trajectory["density"].to_numpy()
    with np.errstate(all="ignore"):
        f = np.where(c + d > 0, 2 * c * d / (c + d), 0.0)
    return int(np.argmax(f))


def discover(
    folder: str | Path,
    where: str,
    *,
    design: str | None = None,
    box: int | None = None,
    cart: bool = False,
    mass_min: float = 0.05,
    peel_alpha: float = 0.05,
    out: str | Path | None = None,
    overwrite: bool = False,
) -> Discovery:
    """Find the parameter ranges in which ``where`` holds (PRIM; optionally CART).

    Args:
        folder: output folder of :func:`gmg_sim.exploration.robust` or of a sweep.
        where: a condition on the case table (:func:`case_table`), e.g.
            ``"adoption_rate < 0.5"``, or a name of :data:`NAMED_OUTCOMES`.
        design: the design whose worlds are searched (robust; default the reference).
        box: the box of the peeling trajectory to report (default: the one with
            the largest harmonic mean of coverage and density).
        cart: also grow a CART tree (``ema_workbench.analysis.cart``).
        mass_min, peel_alpha: PRIM's minimum box mass and peeling step.
        out: write ``box.csv``, ``trajectory.csv``, ``peeling.png`` (and
            ``cart.txt``) there: a new or empty folder, or one that holds only an
            earlier discovery's files (they are replaced: :attr:`Discovery.replaced`).
        overwrite: also write into an ``out`` that holds other files (those keep).

    Raises:
        ExperimentError: no cases of interest, or all cases are; an ``out`` that
            is not a folder, holds a gmg-sim experiment, or (without ``overwrite``)
            holds files discover did not write.
    """
    from gmg_sim.experiments import ExperimentError

    if out is not None:
        check_out(Path(out), overwrite=overwrite)
    x, values, name = case_table(folder, design)
    _check_effects(Path(folder), where, values, name)
    mask, condition = outcome_mask(values, where)
    n, k = len(mask), int(mask.sum())
    if k == 0 or k == n:
        raise ExperimentError(
            f"--where {where!r} holds in {k} of {n} cases; scenario discovery needs some cases "
            "where it holds and some where it does not (widen the ranges or change the condition)"
        )
    if x.empty:
        raise ExperimentError(f"{folder}: no parameter varies across its cases")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from ema_workbench.analysis import prim

        # Whole numbers as floats: PRIM pastes a limit half-way between two values (4.5
        # months), which pandas refuses to put in an int64 column; the box table rounds back.
        numbers = {c: x[c].astype(float) for c in x.columns if not _is_categorical(x[c])}
        finder = prim.Prim(
            x.assign(**numbers).reset_index(drop=True),
            mask.astype(int),
            peel_alpha=peel_alpha,
            mass_min=mass_min,
        )
        found = finder.find_box()
    trajectory = found.peeling_trajectory.copy()
    chosen = _choose(trajectory) if box is None else box
    if not 0 <= chosen < len(trajectory):
        raise ExperimentError(f"--box {chosen}: the trajectory has boxes 0..{len(trajectory) - 1}")
    stats = trajectory.iloc[chosen]
    box_table = _box_table(x, found.box_lims[chosen], found.box_lims[0], found.p_values[chosen])
    result = Discovery(
        outcome=condition,
        design=name,
        n_cases=n,
        n_interest=k,
        box=box_table,
        coverage=float(stats["coverage"]),
        density=float(stats["density"]),
        mass=float(stats["mass"]),
        chosen=chosen,
        trajectory=trajectory,
    )
    if cart:
        result.cart, result.cart_boxes = _cart(x, mask, mass_min)
    if out is not None:
        result.files = _write(result, Path(out))
    return result


def _box_table(
    x: pd.DataFrame, lims: pd.DataFrame, init: pd.DataFrame, qps: dict[str, list[float]]
) -> pd.DataFrame:
    """One row per parameter that the box ``lims`` restricts (against ``init``).

    ``lims`` and ``init`` are PRIM box limits (rows lower, upper; a categorical
    parameter's two cells hold the set of its values kept); ``qps`` the box's
    quasi-p values per restricted parameter (-1: none). The EMA workbench's own
    ``PrimBox.inspect(style="data")`` cannot hold a set in its numeric table.
    """
    columns = ["parameter", "low", "high", "range_low", "range_high", "qp_low", "qp_high"]
    categorical = any(_is_categorical(x[c]) for c in x.columns)
    if categorical:
        columns += ["categories", "range_categories"]
    rows = []
    for param in init.columns:
        if all(a == b for a, b in zip(lims[param], init[param], strict=True)):
            continue
        qp_low, qp_high = (math.nan if float(v) == -1 else float(v) for v in qps[param])
        row: dict[str, object] = {"parameter": param, "qp_low": qp_low, "qp_high": qp_high}
        if _is_categorical(x[param]):
            row |= {"low": math.nan, "high": math.nan, "range_low": math.nan}
            row |= {"range_high": math.nan, "categories": _set(lims.at[0, param])}
            row["range_categories"] = _set(init.at[0, param])
        else:
            low, high = float(lims.at[0, param]), float(lims.at[1, param])
            range_low, range_high = float(x[param].min()), float(x[param].max())
            if pd.api.types.is_integer_dtype(x[param]):  # the same cases: whole-number limits
                low, high = float(math.ceil(low)), float(math.floor(high))
                if low <= range_low and high >= range_high:
                    continue  # a limit between the values that keeps every one of them
            row |= {"low": low, "high": high, "range_low": range_low, "range_high": range_high}
            if categorical:
                row |= {"categories": None, "range_categories": None}
        rows.append(row)
    return pd.DataFrame(rows, columns=columns)


def _cart(x: pd.DataFrame, mask: np.ndarray, mass_min: float) -> tuple[str, pd.DataFrame]:
    """CART's tree as text (a categorical split reads ``chair__rule = lottery``) and its leaves.

    The tree is grown on numbers: a numeric parameter as floats, a categorical
    one as a 0/1 column per value (``ema_workbench``'s CART would make the same
    dummies itself, but its leaves' boxes and statistics mishandle them, and it
    cannot put an integer parameter's split, such as 4.5 months, in its box).
    """
    from sklearn.tree import export_text

    cols: dict[str, pd.Series] = {}
    dummies: dict[str, tuple[str, str]] = {}  # column -> (parameter, value)
    shown: dict[str, tuple[str, str]] = {}  # column -> (text of the <= branch, of the > one)
    for c in x.columns:
        if _is_categorical(x[c]):
            values = [str(v) for v in x[c].cat.categories]
            for v in values:
                dummies[f"{c}={v}"] = (c, v)
                cols[f"{c}={v}"] = (x[c] == v).astype(float)
                rest = [w for w in values if w != v]  # of two values, "not a" is "= b"
                other = f"= {rest[0]}" if len(rest) == 1 else f"≠ {v}"
                shown[f"{c}={v}"] = (f"{c} {other}", f"{c} = {v}")
        else:
            cols[c] = x[c].astype(float)
    data = pd.DataFrame(cols).reset_index(drop=True)
    if data.shape[1] == 1:  # the workbench needs two columns to name a tree's leaves
        data["(constant)"] = 0.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from ema_workbench.analysis import cart

        leaf = max(mass_min, 1.0 / len(mask))  # at least one case per leaf
        tree = cart.CART(data, mask.astype(int), mass_min=leaf)
        # The workbench's tree has no random_state, so sklearn breaks ties between equally
        # good splits with numpy's global generator: seeded here (and restored) so that
        # the same sweep gives the same tree every time.
        state = np.random.get_state()  # noqa: NPY002 (the legacy generator sklearn uses)
        np.random.seed(0)  # noqa: NPY002
        try:
            tree.build_tree()
        finally:
            np.random.set_state(state)  # noqa: NPY002
        stats = pd.DataFrame(tree.stats)
        if dummies:  # restricted parameters, not restricted dummy columns
            stats["res dim"] = [_restricted(box, data, dummies) for box in tree.boxes]
    text = export_text(tree.clf, feature_names=list(data.columns), decimals=3)
    for name, branches in shown.items():
        for op, split in zip(("<=", ">"), branches, strict=True):
            text = re.sub(
                rf"(--- ){re.escape(name)} {op} +\S+$",
                lambda m, split=split: m.group(1) + split,
                text,
                flags=re.MULTILINE,
            )
    return text, stats


def _restricted(box: pd.DataFrame, data: pd.DataFrame, dummies: dict[str, tuple[str, str]]) -> int:
    """The parameters a CART leaf's ``box`` restricts (a dummy counts as its parameter)."""
    cut = [
        c for c in data.columns if box.at[0, c] != data[c].min() or box.at[1, c] != data[c].max()
    ]
    return len({dummies.get(c, (c, ""))[0] for c in cut})


#: The files :func:`discover` writes in its ``out`` folder.
OUTPUT_FILES = ("box.csv", "trajectory.csv", "peeling.png", "cart.txt")
_EXPERIMENT_FILES = ("manifest.json", "robust.json")


def _ours(name: str) -> bool:
    """A file discover writes, or the temporary file of an interrupted write of one."""
    from gmg_sim._atomic import TMP_PREFIX

    if name in OUTPUT_FILES:
        return True
    return name.endswith(".tmp") and any(name.startswith(f"{TMP_PREFIX}{f}.") for f in OUTPUT_FILES)


#: The folder of an experiment where discover writes by default: ``FOLDER/discovery/<outcome>``.
DISCOVERY_DIR = "discovery"


def _only_ours(paths: list[Path]) -> bool:
    return all(_ours(p.name) and p.is_file() and not p.is_symlink() for p in paths)


def remove_discoveries(folder: Path) -> list[Path]:
    """Remove what discover wrote in ``folder/discovery/``: the experiment there is replaced.

    Called when ``--overwrite`` replaces the sweep or robust comparison in ``folder``:
    a discovery describes the experiment it was made from, not the new one. A folder
    under ``discovery/`` goes when it holds only discover's files (``box.csv``,
    ``trajectory.csv``, ``peeling.png``, ``cart.txt`` and temporary files of an
    interrupted write of them), as do such files directly in ``discovery/`` when
    nothing else is beside them; ``discovery/`` itself goes once empty. Anything else
    is kept: a file of the user's, and a folder holding one (discover --overwrite
    writes among the user's files, so there even its own names may be the user's).

    Returns:
        What was kept under ``discovery/`` (or ``discovery`` itself when it is not a
        folder), for the caller to say so.
    """
    root = folder / DISCOVERY_DIR
    if root.is_symlink() or (root.exists() and not root.is_dir()):
        return [root]
    if not root.is_dir():
        return []
    kept: list[Path] = []
    try:  # never an error here: the old experiment's files may already be gone
        entries = sorted(root.iterdir())
    except OSError:
        return [root]
    loose = [p for p in entries if p.is_symlink() or not p.is_dir()]
    for entry in [p for p in entries if p not in loose]:
        try:
            inside = list(entry.iterdir())
        except OSError:  # unreadable (another user's): kept, and named
            kept.append(entry)
            continue
        if not _only_ours(inside) or not _unlink_all([*inside, entry]):
            kept.append(entry)
    if loose and not (_only_ours(loose) and _unlink_all(loose)):
        kept += [p for p in loose if p.exists() or p.is_symlink()]
    if not kept:
        try:
            root.rmdir()
        except OSError:
            kept.append(root)
    return kept


def _unlink_all(paths: list[Path]) -> bool:
    """Remove ``paths`` (files, then an empty folder last); False if one cannot be."""
    try:
        for p in paths:
            if p.is_dir() and not p.is_symlink():
                p.rmdir()
            else:
                p.unlink(missing_ok=True)
    except OSError:
        return False
    return True


def kept_note(path: Path) -> str:
    """What to say of ``path``, kept by :func:`remove_discoveries` while replacing an experiment."""
    return (
        f"kept {path}: it holds files gmg-sim discover did not write, so it was not removed "
        "with the replaced experiment; a discovery in it, if any, is of the old experiment"
    )


def check_out(out: Path, *, overwrite: bool = False) -> None:
    """Refuse an ``out`` that discover must not write into (nothing is created).

    Raises:
        ExperimentError: ``out`` is not a folder; it holds a gmg-sim experiment
            (its files would be mixed with the discovery's); or, without
            ``overwrite``, it holds files that discover did not write.
    """
    from gmg_sim.experiments import ExperimentError

    if out.exists() and not out.is_dir():
        raise ExperimentError(
            f"--out {out} is not a folder; give a folder for box.csv, trajectory.csv and "
            "peeling.png (it is made if missing)"
        )
    if not out.is_dir():
        return
    for name in _EXPERIMENT_FILES:
        if (out / name).exists():
            raise ExperimentError(
                f"--out {out} holds a gmg-sim experiment ({name}); a discovery is written to a "
                "folder of its own: choose another --out (or leave it out: it then goes to "
                "the experiment's discovery/ folder)"
            )
    foreign = sorted(p.name for p in out.iterdir() if not _ours(p.name))
    if foreign and not overwrite:
        shown = ", ".join(foreign[:5]) + (
            f" and {len(foreign) - 5} more" if len(foreign) > 5 else ""
        )
        raise ExperimentError(
            f"--out {out} holds files that discover did not write ({shown}); choose a new or "
            "empty folder, or pass --overwrite to write box.csv, trajectory.csv and peeling.png "
            "among them"
        )


def _write(result: Discovery, out: Path) -> list[Path]:
    from gmg_sim._atomic import write_atomic, write_text
    from gmg_sim.exploration.figures import plot_peeling

    out.mkdir(parents=True, exist_ok=True)
    # Files of these names are an earlier discovery's only in a folder that holds nothing
    # else; among other files (--overwrite) they may be the user's: overwritten when this
    # discovery writes the same name (as --overwrite says), never removed.
    only_ours = all(_ours(p.name) for p in out.iterdir())
    earlier = [out / f for f in OUTPUT_FILES if (out / f).is_file()]
    result.replaced = earlier if only_ours else []
    files = [out / "box.csv", out / "trajectory.csv", out / "peeling.png"]
    write_atomic(files[0], lambda p: result.box.to_csv(p, index=False))
    write_atomic(files[1], lambda p: result.trajectory.to_csv(p, index=False))
    fig = plot_peeling(
        result.trajectory, result.chosen, f"PRIM: {result.outcome} ({result.design})"
    )
    write_atomic(files[2], lambda p: fig.savefig(p, dpi=120, format="png"))
    if result.cart is not None:
        files.append(out / "cart.txt")
        write_text(files[-1], result.cart)
    elif only_ours:  # an earlier discovery's tree is not this one's
        (out / "cart.txt").unlink(missing_ok=True)
    return files
