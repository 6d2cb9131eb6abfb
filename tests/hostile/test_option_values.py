"""Values of options that would be read wrongly: one value per --set, bounds files read whole.

A line break in a ``--set`` or ``--vary`` value, a parameter given twice in a
bounds file (in any spelling), an unknown key, column or extra field there,
and a negative statement id are each refused with exit 2, naming what is
wrong, rather than silently dropped, merged or counted from the end.
"""

from __future__ import annotations

import pytest

from tests.hostile.conftest import SHORT, invoke, one_paragraph


@pytest.fixture
def here(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _refused(args: list[str], *names: str) -> None:
    code, _, err = invoke(args)
    text = one_paragraph(err)
    assert code == 2, text
    for name in names:
        assert name in text, (name, text)


@pytest.mark.parametrize(
    "args",
    [
        ["show", "status_quo", "--set", 'chair.term_months=12\nchair.rule="lottery"'],
        ["show", "status_quo", "--set", "chair.rule=lottery\nchair.term_months=3"],
        ["sweep", "status_quo", "-q", *SHORT, "--vary", 'chair.term_months=3,6\nchair.rule="x"'],
    ],
    ids=["toml-line", "bare-line", "vary"],
)
def test_a_line_break_in_a_value_is_refused(here, args):
    _refused(args, "chair.", "give one value", "line break")


def test_a_value_on_one_line_is_still_read():
    code, _, err = invoke(["show", "status_quo", "--set", "chair.term_months= 12 "])
    assert code == 0, err


BOUNDS = {
    "dup.csv": "key,low,high\nchair.volunteer_base,0.05,0.1\nchair.volunteer_base,0.4,0.5\n",
    "spelled.csv": "key,low,high\nchair.volunteer_base,0.05,0.1\nchair__volunteer_base,0.4,0.5\n",
    "dup.toml": '"chair.volunteer_base" = {low=0.05, high=0.1}\n[chair]\nvolunteer_base = [0.4, 0.5]\n',
}


@pytest.mark.parametrize("name", list(BOUNDS))
def test_a_range_given_twice_is_refused(here, name):
    (here / name).write_text(BOUNDS[name])
    _refused(
        ["sweep", "status_quo", "--sample", "3", "--bounds", name, "-q", *SHORT],
        name,
        "chair.volunteer_base is given twice",
    )


@pytest.mark.parametrize(
    ("name", "text", "named"),
    [
        ("mid.toml", '"chair.volunteer_base" = {low = 0.05, high = 0.5, mid = 3}\n', "'mid'"),
        ("twice.csv", "key,low,high,low\nchair.volunteer_base,0.05,0.1,1\n", "'low' twice"),
        ("noname.csv", "key,low,high,\nchair.volunteer_base,0.05,0.1,1\n", "without a name"),
        ("nohigh.csv", "key,low,note\nchair.volunteer_base,0.05,x\n", "no column 'high'"),
        ("long.csv", "key,low,high\nchair.volunteer_base,0.05,0.1,7\n", "row 2: 4 fields"),
    ],
)
def test_unknown_content_of_a_bounds_file_is_named(here, name, text, named):
    (here / name).write_text(text)
    _refused(["sweep", "status_quo", "--sample", "3", "--bounds", name, "-q", *SHORT], name, named)


def test_a_bounds_csv_with_other_named_columns_is_read(here):
    """A note column, or a robust study's factors.csv (default, source) given back as --bounds."""
    from gmg_sim.experiments.parameters import read_bounds

    (here / "noted.csv").write_text(
        "key,low,high,default,note\nchair.volunteer_base,0.05,0.5,0.3,from the sources\n"
    )
    assert read_bounds(here / "noted.csv") == {"chair__volunteer_base": (0.05, 0.5)}


def test_a_bounds_csv_in_any_column_order_with_a_blank_line_is_read(here):
    (here / "ok.csv").write_text("High,KEY,low\n0.5,chair.volunteer_base,0.05\n\n")
    code, _, err = invoke(
        ["sweep", "status_quo", "--sample", "2", "--bounds", "ok.csv", "-q", "-f", "csv", *SHORT]
    )
    assert code == 0, err


@pytest.mark.parametrize("shown", ["-1", "-38", "-1000"])
def test_a_negative_statement_id_is_refused(shown):
    _refused(["statements", "status_quo", "--show", shown], f"--show '{shown}'", "statement id 0..")


@pytest.mark.parametrize(
    ("args", "said", "not_said"),
    [
        (["show", "status_quo", "--set", "chair=5"], "'section.key'", "rng="),
        (["show", "status_quo", "--set", "chair=5"], "'chair.rule'", "__"),
        (["run", "status_quo", "-n", "20000000", "-q"], "pass --force", "force=True"),
        (
            ["run", "status_quo", "--executor", "serial", "-w", "4", "-q"],
            "--workers 4 would be ignored",
            "force",
        ),
    ],
)
def test_messages_speak_in_options(args, said, not_said):
    code, _, err = invoke(args)
    text = one_paragraph(err)
    assert code == 2, text
    assert said in text and not_said not in text, text


def test_a_different_experiment_names_the_point_that_differs():
    from gmg_sim.experiments.store import _differences

    old = {"points": [{"label": "a", "params": {"chair__term_months": 3}}]}
    text = _differences(old, {"points": [{"label": "a", "params": {"chair__term_months": 4}}]})
    assert text == "point 0's chair.term_months 3 -> 4"
    assert _differences(old, {"points": [{"label": "b", "params": {}}]}).startswith(
        "point 0's label 'a' -> 'b'"
    )
