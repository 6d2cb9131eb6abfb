"""Typed, validated model configuration.

One section per mechanism; the defaults make the *status quo* of the sources
(rotating six-month chair, no rules, no budget, no secretariat). Every
parameter can also be given as a flat keyword ``section__key`` (for example
``chair__rule="lottery"``), which is how :func:`mesa.batch_run` and other
sweep tools vary it.

The sections live in :mod:`~gmg_sim.config.core_sections`,
:mod:`~gmg_sim.config.work_sections` and
:mod:`~gmg_sim.config.governance_sections`; they are re-exported here. Each
field carries structured metadata (:mod:`gmg_sim.config.params`): what it does,
the passage of the sources its default rests on (``000 article`` = the
analytical article, ``002 info note`` = the GMG's 2006 information note, both
cited in ``docs/sources.md``) or ``assumed`` with a plausible range, and the condition
under which it acts. ``docs/scenarios.md`` and the parameter table of
``docs/odd.md`` are generated from it (:mod:`gmg_sim.config.reference`).

Bad input never falls back to a default: it raises :class:`ConfigError`, a
:class:`ValueError` whose message names the key, the bad value and the allowed
values or range.
"""

from __future__ import annotations

import difflib
from typing import Any, Self

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from gmg_sim.config.core_sections import (
    BudgetConfig,
    ChairConfig,
    EngagementConfig,
    MeetingsConfig,
    MembershipConfig,
    RivalryConfig,
    TimeConfig,
)
from gmg_sim.config.governance_sections import (
    DesignConfig,
    GFMDConfig,
    SecretariatConfig,
    StatesConfig,
)
from gmg_sim.config.months import FIRST_MONTH, LAST_MONTH, ConfigError, month_index, month_label
from gmg_sim.config.params import NonNegative, Probability, _Section
from gmg_sim.config.work_sections import DraftingConfig, ProductsConfig

__all__ = [
    "FIRST_MONTH",
    "LAST_MONTH",
    "BudgetConfig",
    "ChairConfig",
    "ConfigError",
    "DesignConfig",
    "DraftingConfig",
    "EngagementConfig",
    "GFMDConfig",
    "GMGConfig",
    "MeetingsConfig",
    "MembershipConfig",
    "NonNegative",
    "Probability",
    "ProductsConfig",
    "RivalryConfig",
    "SecretariatConfig",
    "StatesConfig",
    "TimeConfig",
    "month_index",
    "month_label",
]

_SECTIONS: dict[str, type[_Section]] = {
    "time": TimeConfig,
    "membership": MembershipConfig,
    "chair": ChairConfig,
    "meetings": MeetingsConfig,
    "budget": BudgetConfig,
    "rivalry": RivalryConfig,
    "engagement": EngagementConfig,
    "drafting": DraftingConfig,
    "products": ProductsConfig,
    "states": StatesConfig,
    "secretariat": SecretariatConfig,
    "gfmd": GFMDConfig,
    "design": DesignConfig,
}


class GMGConfig(BaseModel):
    """The whole configuration of a run: one section per mechanism.

    Build it with defaults (the status quo), from a nested mapping, or with flat
    ``section__key`` overrides::

        cfg = GMGConfig()                                  # status quo
        cfg = GMGConfig.from_flat({"chair__rule": "lottery"})
        cfg2 = cfg.with_overrides(chair__term_months=12)
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    time: TimeConfig = Field(default_factory=TimeConfig)
    membership: MembershipConfig = Field(default_factory=MembershipConfig)
    chair: ChairConfig = Field(default_factory=ChairConfig)
    meetings: MeetingsConfig = Field(default_factory=MeetingsConfig)
    budget: BudgetConfig = Field(default_factory=BudgetConfig)
    rivalry: RivalryConfig = Field(default_factory=RivalryConfig)
    engagement: EngagementConfig = Field(default_factory=EngagementConfig)
    drafting: DraftingConfig = Field(default_factory=DraftingConfig)
    products: ProductsConfig = Field(default_factory=ProductsConfig)
    states: StatesConfig = Field(default_factory=StatesConfig)
    secretariat: SecretariatConfig = Field(default_factory=SecretariatConfig)
    gfmd: GFMDConfig = Field(default_factory=GFMDConfig)
    design: DesignConfig = Field(default_factory=DesignConfig)

    @model_validator(mode="after")
    def _cross_checks(self) -> Self:
        # Imported late: gmg_sim.agencies imports this module.
        from gmg_sim.data.agencies import agency_ids, load_agencies

        known = agency_ids()
        for key, ids in (
            ("membership.agencies", self.membership.agencies),
            ("chair.order", self.chair.order),
        ):
            if ids is None:
                continue
            unknown = [a for a in ids if a not in known]
            if unknown:
                raise ValueError(
                    f"{key}: unknown agency id(s) {unknown}; allowed: {', '.join(known)}"
                )
            if len(set(ids)) != len(ids):
                raise ValueError(f"{key}: agency ids must not repeat, got {list(ids)}")
        host = self.secretariat.host
        if host is not None and host != "joint" and host not in known:
            raise ValueError(
                f"secretariat.host: unknown agency id {host!r}; allowed: 'joint', {', '.join(known)}"
                f"{_suggest(host, known)}"
            )
        if self.design.lead not in known:
            raise ValueError(
                f"design.lead: unknown agency id {self.design.lead!r}; allowed: {', '.join(known)}"
                f"{_suggest(self.design.lead, known)}"
            )
        chosen = self.membership.agencies
        for key, agency in (("secretariat.host", host), ("design.lead", self.design.lead)):
            if key == "design.lead" and self.design.kind != "lead_agency":
                continue
            if agency not in (None, "joint") and chosen is not None and agency not in chosen:
                raise ValueError(
                    f"{key}: {agency} is not among membership.agencies ({', '.join(chosen)})"
                )
        if self.membership.agencies is not None and len(self.membership.agencies) < 2:
            raise ValueError("membership.agencies: a group needs at least 2 agencies")
        d = self.drafting
        if d.decision_rule == "consensus" and d.written_procedure_months >= d.lead_months:
            raise ValueError(
                f"drafting.written_procedure_months ({d.written_procedure_months}) must be less "
                f"than drafting.lead_months ({d.lead_months}) under consensus: otherwise no "
                "statement can be signed before its deadline"
            )
        start, end = self.start_month, month_index(self.time.end)
        table = load_agencies().subset(self.membership.agencies)
        founding = [a for a, j in zip(table.ids, table.joined, strict=True) if j <= start]
        if len(founding) < 2:
            raise ValueError(
                f"membership.agencies / time.start: only {len(founding)} of the chosen agencies "
                f"({', '.join(founding) or 'none'}) are members by {month_label(start)}; a run needs "
                "at least 2 at its start (join dates are in gmg_sim/data/agencies.toml)"
            )
        if end < start:
            raise ValueError(
                f"time.end ({self.time.end}) is before time.start ({month_label(start)})"
            )
        return self

    # -- derived values -------------------------------------------------
    @property
    def start_month(self) -> int:
        """Integer index of the first simulated month (resolving the origin default)."""
        if self.time.start is not None:
            return month_index(self.time.start)
        return month_index("2003-04" if self.membership.origin == "geneva_2003" else "2006-01")

    @property
    def end_month(self) -> int:
        """Integer index of the last simulated month (inclusive)."""
        return month_index(self.time.end)

    @property
    def n_months(self) -> int:
        """Number of monthly steps in a full run."""
        return self.end_month - self.start_month + 1

    # -- flat keys ------------------------------------------------------
    @classmethod
    def flat_keys(cls) -> list[str]:
        """Every parameter as a flat ``section__key`` name."""
        return [f"{s}__{k}" for s, sec in _SECTIONS.items() for k in sec.model_fields]

    def flat(self) -> dict[str, Any]:
        """The configuration as ``{"section__key": value}``."""
        return {f"{s}__{k}": v for s in _SECTIONS for k, v in getattr(self, s).model_dump().items()}

    @classmethod
    def from_flat(cls, overrides: dict[str, Any], base: GMGConfig | None = None) -> GMGConfig:
        """Build a config from ``base`` (default: status quo) and flat overrides."""
        nested: dict[str, dict[str, Any]] = (
            base.model_dump() if base is not None else {s: {} for s in _SECTIONS}
        )
        for flat_key, value in overrides.items():
            section, key = _split_flat_key(flat_key)
            nested.setdefault(section, {})[key] = value
        return cls.validated(nested)

    def with_overrides(self, **overrides: Any) -> GMGConfig:
        """A copy with flat ``section__key`` overrides applied and validated."""
        return type(self).from_flat(overrides, base=self)

    @classmethod
    def validated(cls, data: dict[str, Any], *, source: str | None = None) -> GMGConfig:
        """Validate a nested mapping; errors become one :class:`ConfigError`."""
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            raise ConfigError(_format_errors(exc, source)) from None


def _split_flat_key(flat_key: str) -> tuple[str, str]:
    if "__" not in flat_key:
        hint = _suggest(flat_key, GMGConfig.flat_keys())
        raise ConfigError(
            f"unknown parameter {flat_key!r}: parameters are given as 'section__key' "
            f"(sections: {', '.join(_SECTIONS)}){hint}. The random seed goes in rng=, not here."
        )
    section, key = flat_key.split("__", 1)
    if section not in _SECTIONS:
        raise ConfigError(
            f"unknown section {section!r} in parameter {flat_key!r}; allowed sections: "
            f"{', '.join(_SECTIONS)}{_suggest(section, list(_SECTIONS))}"
        )
    fields = list(_SECTIONS[section].model_fields)
    if key not in fields:
        raise ConfigError(
            f"unknown parameter {flat_key!r} (section {section!r} has no key {key!r})"
            f"{_suggest(key, fields, prefix=section + '__')}; allowed keys in {section}: "
            f"{', '.join(fields)}"
        )
    return section, key


def _suggest(word: str, options: list[str], prefix: str = "") -> str:
    close = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    return f"; did you mean {prefix + close[0]!r}?" if close else ""


_RANGE_ERRORS = {"greater_than", "greater_than_equal", "less_than", "less_than_equal"}


def _allowed_range(section: type[_Section], key: str) -> str:
    """``"0 <= value <= 1"`` from a field's numeric constraints ('' if none)."""
    field = section.model_fields.get(key)
    if field is None:
        return ""
    lo = hi = ""
    for c in field.metadata:
        if getattr(c, "ge", None) is not None:
            lo = f"{c.ge:g} <= "
        elif getattr(c, "gt", None) is not None:
            lo = f"{c.gt:g} < "
        if getattr(c, "le", None) is not None:
            hi = f" <= {c.le:g}"
        elif getattr(c, "lt", None) is not None:
            hi = f" < {c.lt:g}"
    return f"{lo}value{hi}" if lo or hi else ""


def _format_errors(exc: ValidationError, source: str | None) -> str:
    lines = []
    for err in exc.errors():
        loc = [str(p) for p in err["loc"] if not isinstance(p, int)]
        dotted = ".".join(loc)
        where = f"{dotted} (flat key {'__'.join(loc)})" if len(loc) == 2 else dotted or "config"
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            section = loc[0] if len(loc) == 2 else None
            options = (
                list(_SECTIONS[section].model_fields) if section in _SECTIONS else list(_SECTIONS)
            )
            msg = f"unknown key{_suggest(loc[-1], options)}; allowed: {', '.join(options)}"
            lines.append(f"{where}: {msg}")
            continue
        given = f": got {err['input']!r}" if loc and err["type"] != "missing" else ""
        if len(loc) == 2 and loc[0] in _SECTIONS:
            allowed = _allowed_range(_SECTIONS[loc[0]], loc[1])
            if allowed and err["type"] in _RANGE_ERRORS:
                msg = f"{msg}; allowed range: {allowed}"
        if not loc:  # a cross-check: its message names the keys itself
            lines.append(msg)
            continue
        lines.append(f"{where}{given} — {msg}" if given else f"{where}: {msg}")
    prefix = f"{source}: " if source else ""
    head = "invalid configuration" if len(lines) > 1 else ""
    return prefix + (head + ":\n  " + "\n  ".join(lines) if head else lines[0])
