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

from collections.abc import Collection, Mapping, Sequence
from typing import Any, Self

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    model_validator,
)

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
    def _cross_checks(self, info: ValidationInfo) -> Self:
        # GMGConfig.check asks for the checks itself (context _DEFER), so that each
        # is a problem of its own, reported with the others of the same input.
        if isinstance(info.context, Mapping) and info.context.get(_DEFER):
            return self
        found = cross_problems(self)
        if found:
            raise ValueError("\n".join(found))
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
            section, key = split_flat_key(flat_key)
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
        described); the known keys are then validated together, and then the
        checks across keys (:func:`cross_problems`), each a problem of its own:
        one message reports the misspelt key, the bad value and the end month
        before the start month alike. A check across keys is left out when a
        section it reads has a bad value (it would judge a value not given).
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
            config = cls.model_validate(clean, context={_DEFER: True})
        except ValidationError as exc:
            failed: set[str] = set()
            for err in exc.errors(include_url=False):
                where = _where(err["loc"])
                problems.add(where, lambda e=err, w=where: _error_text(e, w))
                failed.add(str(err["loc"][0]) if err["loc"] else "")
            if "" not in failed:  # the cross-checks of the sections that are valid, too
                partial, failed = _partial(clean, failed)
                for text in cross_problems(partial, failed):
                    problems.add("", lambda t=text: t)
            return None, problems
        except RecursionError:  # pragma: no cover - inputs are bounded before they get here
            problems.add("", lambda: "a value is nested too deeply")
            return None, problems
        for text in cross_problems(config):
            problems.add("", lambda t=text: t)
        return (config if not problems else None), problems


#: Context key of ``GMGConfig.model_validate`` under which :meth:`GMGConfig.check`
#: runs the cross-checks itself (each one a problem of its own).
_DEFER = "gmg_sim.defer_cross_checks"

#: Ids shown in full in a message (the data file has 16); more are cut short.
_MAX_IDS_SHOWN = 20


def _ids(ids: Sequence[str]) -> str:
    """``"ILO, IOM, UNHCR"``; a long list (only of bad input) cut after a few."""
    ids = list(ids)
    shown = ", ".join(show_key(a) for a in ids[:_MAX_IDS_SHOWN])
    return shown + (f", ... ({len(ids)} in all)" if len(ids) > _MAX_IDS_SHOWN else "")


def _suggest_ids(unknown: Sequence[Any], known: Sequence[str]) -> str:
    """``"; did you mean 'IOM'?"`` for one unknown id, ``"; did you mean 'IOM' for 'IMO', ..."``."""
    if len(unknown) == 1:
        return _suggest(unknown[0], list(known))
    pairs = []
    for word in unknown[:3]:
        close = suggest(word, known).removeprefix("; did you mean ").removesuffix("?")
        if close:
            pairs.append(f"{close} for {show(word)}")
    return f"; did you mean {', '.join(pairs)}?" if pairs else ""


def _partial(
    clean: Mapping[str, Mapping[str, Any]], failed: Collection[str]
) -> tuple[GMGConfig, set[str]]:
    """A config of the sections of ``clean`` that are valid, and the sections that are not.

    The sections in ``failed`` (and any other that does not validate) hold their
    defaults: the config is only for the cross-checks of the valid sections
    (:func:`cross_problems` with the failed sections), so it is built without
    validating the whole.
    """
    bad = set(failed)
    sections = {}
    for name, model in _SECTIONS.items():
        if name in bad:
            continue
        try:
            sections[name] = model.model_validate(clean.get(name, {}))
        except ValidationError:  # pragma: no cover - the whole model found it already
            bad.add(name)
    return GMGConfig.model_construct(**sections), bad


def cross_problems(config: GMGConfig, failed: Collection[str] = ()) -> list[str]:
    """Every problem across keys of ``config``, one message each (``[]``: none).

    The agency ids (``membership.agencies``, ``chair.order``, ``secretariat.host``,
    ``design.lead``) must be known, unrepeated and, where a member is meant,
    members; a run needs two members at its start and a start before its end;
    consensus needs a signing window. A check that reads a section named in
    ``failed`` (its values are bad, so ``config`` holds defaults there) is left
    out, and so is one that would only repeat an earlier problem in other words.
    Each message names the keys, the values given and what is allowed.
    """
    # Imported late: gmg_sim.agencies imports this module.
    from gmg_sim.data.agencies import agency_ids, load_agencies

    def valid(*sections: str) -> bool:
        return not any(s in failed for s in sections)

    known = agency_ids()
    out: list[str] = []
    chosen: tuple[str, ...] | None = None  # the members, when membership.agencies is sound
    members_ok = valid("membership")
    lists = [("membership.agencies", config.membership.agencies)] if valid("membership") else []
    lists += [("chair.order", config.chair.order)] if valid("chair") else []
    for key, ids in lists:
        if ids is None:
            continue
        unknown = [a for a in ids if a not in known]
        if unknown:
            out.append(
                f"{key}: unknown agency id(s) {show(unknown)}; allowed: {', '.join(known)}"
                f"{_suggest_ids(unknown, known)}"
            )
        if len(set(ids)) != len(ids):
            out.append(f"{key}: agency ids must not repeat, got {show(list(ids))}")
        if key == "membership.agencies":
            members_ok = not unknown and len(set(ids)) == len(ids)
            chosen = tuple(ids)
    host = config.secretariat.host
    host_known = host is None or host == "joint" or host in known
    if valid("secretariat") and not host_known:
        out.append(
            f"secretariat.host: unknown agency id {host!r}; allowed: 'joint', {', '.join(known)}"
            f"{_suggest(host, known)}"
        )
    lead = config.design.lead
    if valid("design") and lead not in known:
        out.append(
            f"design.lead: unknown agency id {lead!r}; allowed: {', '.join(known)}"
            f"{_suggest(lead, known)}"
        )
    if chosen is not None:
        if (
            valid("secretariat")
            and host_known
            and host not in (None, "joint")
            and host not in chosen
        ):
            out.append(
                f"secretariat.host: {host} is not among membership.agencies ({_ids(chosen)})"
            )
        lead_acts = valid("design") and config.design.kind == "lead_agency"
        if lead_acts and lead in known and lead not in chosen:
            out.append(f"design.lead: {lead} is not among membership.agencies ({_ids(chosen)})")
        order = config.chair.order if valid("chair") else None
        outside = [a for a in order or () if a in known and a not in chosen]
        if outside:
            verb = "is" if len(outside) == 1 else "are"
            out.append(
                f"chair.order: {_ids(outside)} {verb} not among membership.agencies "
                f"({_ids(chosen)}); the rotation lists members only (members it leaves out "
                "follow it, by join date)"
            )
        if len(chosen) < 2:
            out.append("membership.agencies: a group needs at least 2 agencies")
            members_ok = False
    d = config.drafting
    if (
        valid("drafting")
        and d.decision_rule == "consensus"
        and d.written_procedure_months >= d.lead_months
    ):
        out.append(
            f"drafting.written_procedure_months ({d.written_procedure_months}) must be less "
            f"than drafting.lead_months ({d.lead_months}) under consensus: otherwise no "
            "statement can be signed before its deadline"
        )
    if valid("time"):
        start, end = config.start_month, month_index(config.time.end)
        if members_ok:
            table = load_agencies().subset(config.membership.agencies)
            founding = [a for a, j in zip(table.ids, table.joined, strict=True) if j <= start]
            if len(founding) < 2:
                out.append(
                    f"membership.agencies / time.start: only {len(founding)} of the chosen "
                    f"agencies ({', '.join(founding) or 'none'}) are members by "
                    f"{month_label(start)}; a run needs at least 2 at its start (join dates are "
                    "in gmg_sim/data/agencies.toml)"
                )
            lead = config.design.lead
            if valid("design") and config.design.kind == "lead_agency" and lead in table.ids:
                joins = int(table.joined[table.ids.index(lead)])
                if joins > start:
                    out.append(
                        f"design.lead: {lead} joins the group in {month_label(joins)}, after "
                        f"time.start ({month_label(start)}); the lead agency holds the chair "
                        "from the run's first month, so it must be a member by then"
                    )
        if end < start:
            out.append(f"time.end ({config.time.end}) is before time.start ({month_label(start)})")
    return out


def split_flat_key(flat_key: Any, written: str | None = None) -> tuple[str, str]:
    """``(section, key)`` of a flat parameter name, or a ConfigError naming what is unknown.

    ``written``: the name as the user wrote it (``chair.term_month`` for ``--set``);
    an unknown section or key is then named, and suggested, in that form.
    """
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
            f"(sections: {', '.join(_SECTIONS)}){hint or '.'} The random seed goes in rng=, not here."
        )
    section, key = flat_key.split("__", 1)
    shown = written or flat_key
    sep = "." if written and "__" not in written else "__"
    if section not in _SECTIONS:
        raise ConfigError(
            f"unknown section {section!r} in parameter {shown!r}; allowed sections: "
            f"{', '.join(_SECTIONS)}{_suggest(section, list(_SECTIONS))}"
        )
    fields = list(_SECTIONS[section].model_fields)
    if key not in fields:
        raise ConfigError(
            f"unknown parameter {shown!r} (section {section!r} has no key {key!r})"
            f"{_suggest(key, fields, prefix=section + sep)}; allowed keys in {section}: "
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
