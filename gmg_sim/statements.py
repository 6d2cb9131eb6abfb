"""Print the joint statements of one run, as the agencies produced them.

Usage::

    python -m gmg_sim.statements --seed 3                 # list the run's statements
    python -m gmg_sim.statements --seed 3 --show 5        # print statement 5 in full
    python -m gmg_sim.statements --seed 3 --show first-adopted
    python -m gmg_sim.statements --seed 3 --set drafting__decision_rule=chair_text
"""

from __future__ import annotations

import argparse
import sys

from gmg_sim import ConfigError, GMGModel


def _parse_set(items: list[str]) -> dict[str, object]:
    out: dict[str, object] = {}
    for item in items:
        if "=" not in item:
            raise ConfigError(f"--set {item!r}: write it as section__key=value")
        key, raw = item.split("=", 1)
        value: object = raw
        for cast in (int, float):
            try:
                value = cast(raw)
                break
            except ValueError:
                continue
        if raw.lower() in ("true", "false"):
            value = raw.lower() == "true"
        out[key.replace(".", "__")] = value
    return out


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the exit code (2 for bad input)."""
    parser = argparse.ArgumentParser(
        prog="python -m gmg_sim.statements", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument(
        "--show", default=None, help="statement id, or 'first-adopted' / 'first-failed'"
    )
    parser.add_argument("--set", action="append", default=[], metavar="section__key=value")
    args = parser.parse_args(argv)
    try:
        model = GMGModel(rng=args.seed, collect="final", **_parse_set(args.set)).run()
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    statements = model.drafting.statements
    if args.show is None:
        frame = model.statements_frame()
        if frame.empty:
            print("No statements in this run.")
            return 0
        cols = [
            "id",
            "decided",
            "occasion",
            "theme",
            "status",
            "rounds",
            "words",
            "mentions",
            "blockers",
        ]
        print(frame[cols].to_string(index=False))
        return 0
    if args.show in ("first-adopted", "first-failed"):
        want = "adopted" if args.show == "first-adopted" else "failed"
        chosen = next((s for s in statements if s.status == want), None)
        if chosen is None:
            print(f"error: no {want} statement in this run", file=sys.stderr)
            return 2
    else:
        try:
            chosen = statements[int(args.show)]
        except (ValueError, IndexError):
            print(
                f"error: --show {args.show!r}: use a statement id 0..{len(statements) - 1}, "
                "'first-adopted' or 'first-failed'",
                file=sys.stderr,
            )
            return 2
    if not chosen.text:
        print(
            f"error: statement {chosen.id} is still being drafted at the end of the run",
            file=sys.stderr,
        )
        return 2
    print(chosen.text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
