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

from collections.abc import Mapping
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
from gmg_sim.config.errors import Problems, show, show_key, suggest
from gmg_sim.config.governance_sections import (
    DesignConfig,
    GFMDConfig,
    SecretariatConfig,
    StatesConfig,
)
from gmg_sim.config.months import FIRST_MONTH, LAST_MONTH, ConfigError, month_index, month_label
from gmg_sim.config.params import NonNegative, Probability, Usd, _num, _Section
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
    "Usd",
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
    def from_flat(cls, overrides: Mapping[str, Any], base: GMGConfig | None = None) -> GMGConfig:
        """Build a config from ``base`` (default: status quo) and flat overrides.

        Raises:
            ConfigError: for an unknown key (with a suggestion), or every bad value.
        """
        if not isinstance(overrides, Mapping):
            raise ConfigError(
                f"overrides: got {show(overrides)}; give a mapping of 'section__key' -> value"
            )
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
    def validated(
        cls,
        data: Mapping[str, Any],
        *,
        source: str | None = None,
        origins: dict[str, str] | None = None,
    ) -> GMGConfig:
        """Validate a nested mapping; every problem goes into one :class:`ConfigError`.

        Args:
            data: ``{section: {key: value}}``.
            source: the file the mapping came from, named in the message.
            origins: the file that set each dotted key (scenario files with
                ``extends``), so that a problem names the file to fix.

        Raises:
            ConfigError: naming, for each problem (at most
                :data:`~gmg_sim.config.errors.MAX_ERRORS`, then a count), the
                key, the value given and what is allowed.
        """
        config, problems = cls.check(data)
        if config is None:
            raise ConfigError(problems.message(source, origins))
        return config

    @classmethod
    def check_section(cls, section: str, values: Mapping[str, Any]) -> tuple[Any, Problems]:
        """One section's values on their own (types and ranges; no cross-checks).

        Returns:
            The section object, or ``None`` and the problems found.
        """
        problems = Problems()
        try:
            return _SECTIONS[section].model_validate(values), problems
        except ValidationError as exc:
            for err in exc.errors(include_url=False):
                where = _where((section, *err["loc"]))
                err = {**err, "loc": (section, *err["loc"])}
                problems.add(where, lambda e=err, w=where: _error_text(e, w))
            return None, problems

    @classmethod
    def check(cls, data: Any) -> tuple[GMGConfig | None, Problems]:
        """The config of a nested mapping, or ``None`` and every problem found in it.

        Unknown sections and keys and sections that are not tables are found
        first (their count bounded only by the input; only the first few are
        described); the known keys are then validated together, so that one
        message reports the misspelt key and the bad value alike.
        """
        problems = Problems()
        if not isinstance(data, Mapping):
            problems.add("", lambda: f"got {show(data)}; a configuration is a mapping of sections")
            return None, problems
        clean: dict[str, dict[str, Any]] = {}
        for section, values in data.items():
            if section not in _SECTIONS:
                problems.add(
                    show_key(section),
                    lambda s=section, v=values: (
                        f"{show_key(s)}: got {show(v)} — unknown section"
                        f"{suggest(s, list(_SECTIONS))}; allowed: {', '.join(_SECTIONS)}"
                    ),
                )
                continue
            if not isinstance(values, Mapping):
                problems.add(
                    section,
                    lambda s=section, v=values: (
                        f"{s}: got {show(v)} — must be a table of settings, e.g. [{s}]"
                    ),
                )
                continue
            fields = _SECTIONS[section].model_fields
            known: dict[str, Any] = {}
            first = True
            for key, value in values.items():
                if key in fields:
                    known[key] = value
                    continue
                where = f"{section}.{show_key(key)}"
                problems.add(
                    where,
                    lambda w=where, k=key, v=value, f=fields, a=first: _unknown(w, k, v, f, a),
                )
                first = False
            clean[section] = known
        try:
            config = cls.model_validate(clean)
        except ValidationError as exc:
            for err in exc.errors(include_url=False):
                where = _where(err["loc"])
                problems.add(where, lambda e=err, w=where: _error_text(e, w))
            return None, problems
        except RecursionError:  # pragma: no cover - inputs are bounded before they get here
            problems.add("", lambda: "a value is nested too deeply")
            return None, problems
        return (config if not problems else None), problems


def _split_flat_key(flat_key: Any) -> tuple[str, str]:
    if not isinstance(flat_key, str):
        raise ConfigError(
            f"parameter name {show(flat_key)}: give a text 'section__key', e.g. 'chair__rule'"
        )
    if len(flat_key) > 200:
        raise ConfigError(f"unknown parameter {show_key(flat_key)!r} (a name that long is none)")
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
    return suggest(word, options, prefix)


_RANGE_ERRORS = {"greater_than", "greater_than_equal", "less_than", "less_than_equal"}

#: What a value of each kind must be, for pydantic's type errors.
_TYPE_NEEDS = {
    "int_type": "must be a whole number (an integer such as 12, written without quotes)",
    "int_parsing": "must be a whole number (an integer such as 12, written without quotes)",
    "int_from_float": "must be a whole number (an integer such as 12)",
    "float_type": "must be a number (written without quotes)",
    "float_parsing": "must be a number (written without quotes)",
    "bool_type": "must be true or false (written without quotes)",
    "bool_parsing": "must be true or false (written without quotes)",
    "string_type": "must be a text in quotes",
    "tuple_type": 'must be a list in brackets, e.g. ["a", "b"]',
    "list_type": 'must be a list in brackets, e.g. ["a", "b"]',
    "finite_number": "must be a finite number (not inf or nan)",
}


def _allowed_range(section: type[_Section], key: str) -> str:
    """``"0 <= value <= 1"`` from a field's numeric constraints ('' if none)."""
    field = section.model_fields.get(key)
    if field is None:
        return ""
    lo = hi = ""
    for c in field.metadata:
        if getattr(c, "ge", None) is not None:
            lo = f"{_num(c.ge)} <= "
        elif getattr(c, "gt", None) is not None:
            lo = f"{_num(c.gt)} < "
        if getattr(c, "le", None) is not None:
            hi = f" <= {_num(c.le)}"
        elif getattr(c, "lt", None) is not None:
            hi = f" < {_num(c.lt)}"
    return f"{lo}value{hi}" if lo or hi else ""


def _unknown(where: str, key: Any, value: Any, fields: Mapping[str, Any], list_them: bool) -> str:
    """``chair.rul: got 'x' — unknown key; did you mean 'rule'?; allowed: ...``.

    The allowed keys are listed for the first unknown key of a section only.
    """
    allowed = f"allowed: {', '.join(fields)}" if list_them else "allowed keys listed above"
    return f"{where}: got {show(value)} — unknown key{suggest(key, list(fields))}; {allowed}"


def _where(loc: tuple[Any, ...]) -> str:
    """``("membership", "agencies", 1)`` -> ``"membership.agencies[1]"``."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _kind(value: Any) -> str:
    """`` (a text)`` / `` (a boolean)``: said where the value looks right but is not."""
    if isinstance(value, bool):
        return " (a boolean)"
    if isinstance(value, str):
        return " (a text)"
    return ""


def _error_text(err: Mapping[str, Any], where: str) -> str:
    """One pydantic error as ``key (flat key ...): got value — what is allowed``."""
    loc = [p for p in err["loc"] if not isinstance(p, int)]
    kind = err["type"]
    msg = str(err["msg"]).removeprefix("Value error, ")
    if not loc:  # a cross-check: its message names the keys itself
        return msg
    label = f"{where} (flat key {'__'.join(loc)})" if len(loc) == 2 else where
    allowed = _allowed_range(_SECTIONS[loc[0]], loc[1]) if len(loc) == 2 else ""
    if kind in _TYPE_NEEDS:
        msg = _TYPE_NEEDS[kind] + (f"; allowed: {allowed}" if allowed else "")
        return f"{label}: got {show(err['input'])}{_kind(err['input'])} — {msg}"
    if allowed and kind in _RANGE_ERRORS:
        msg = f"{msg}; allowed range: {allowed}"
    return f"{label}: got {show(err['input'])} — {msg}"
