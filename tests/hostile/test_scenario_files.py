"""Hostile scenario files: wrong types, huge or deep files, odd encodings, bad ``extends``.

Each case loads a file in this process and checks that the answer is one
:class:`ScenarioError` naming the file and the key (never another exception),
fast and short whatever the file holds.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from gmg_sim.config import ScenarioError, read_scenario
from gmg_sim.config.errors import MAX_ERRORS
from gmg_sim.config.scenarios import MAX_EXTENDS_DEPTH, MAX_SCENARIO_BYTES, bundled_scenarios

HEAD = 'name = "hostile"\n'


def write(tmp_path: Path, text: str | bytes, name: str = "s.toml") -> Path:
    path = tmp_path / name
    if isinstance(text, str):
        path.write_text(text, encoding="utf-8")
    else:
        path.write_bytes(text)
    return path


def error_of(path: Path) -> str:
    with pytest.raises(ScenarioError) as info:
        read_scenario(path)
    message = str(info.value)
    assert "Traceback" not in message
    return message


# -- loose types are refused ------------------------------------------------------------

# (settings, substrings of the message): each value was silently converted before.
WRONG_TYPES = {
    "int_from_bool": ("[chair]\nterm_months = true", ["chair.term_months", "True", "whole number"]),
    "int_from_text": ('[chair]\nterm_months = "12"', ["chair.term_months", "'12'", "(a text)"]),
    "int_from_fraction": ("[chair]\nterm_months = 12.5", ["chair.term_months", "12.5", "whole"]),
    "bool_from_text": ('[budget]\npooled = "yes"', ["budget.pooled", "'yes'", "true or false"]),
    "bool_from_int": ("[budget]\npooled = 1", ["budget.pooled", "1", "true or false"]),
    "float_from_bool": (
        "[chair]\nvolunteer_base = true",
        ["chair.volunteer_base", "True", "(a boolean)", "0 <= value <= 1"],
    ),
    "float_from_text": ('[chair]\nagenda_bias = "0.5"', ["chair.agenda_bias", "'0.5'", "number"]),
    "list_from_text": ('[drafting]\nevents = "gfmd"', ["drafting.events", "'gfmd'", "list"]),
    "agencies_from_text": (
        '[membership]\nagencies = "ILO"',
        ["membership.agencies", "'ILO'", "list"],
    ),
    "list_item_number": (
        '[membership]\nagencies = ["ILO", 3]',
        ["membership.agencies[1]", "3", "text"],
    ),
    "text_from_number": ("[time]\nend = 2015", ["time.end", "2015", "text"]),
    "text_from_date": ("[time]\nend = 2015-12-01", ["time.end", "datetime.date"]),
    "literal_from_bool": ("[chair]\nrule = true", ["chair.rule", "True", "'volunteer'"]),
    "section_is_array": ('[[chair]]\nrule = "lottery"', ["chair", "must be a table"]),
    "money_huge": ("[budget]\nscale = 1e308", ["budget.scale", "0 <= value <= 100"]),
    "cost_huge": (
        "[chair]\ncost_per_month = 1e12",
        ["chair.cost_per_month", "0 <= value <= 100000000"],
    ),
    "weight_huge": ("[chair]\nagenda_focus = 1e6", ["chair.agenda_focus", "<= 100"]),
    "negative_inf": ("[budget]\nscale = -inf", ["budget.scale", "finite"]),
    "int_huge": ("[chair]\nterm_months = 9223372036854775807", ["chair.term_months", "<= 36"]),
}


@pytest.mark.parametrize("case", sorted(WRONG_TYPES))
def test_loose_types_are_refused_with_key_value_and_what_is_allowed(case, tmp_path):
    body, expected = WRONG_TYPES[case]
    path = write(tmp_path, HEAD + body + "\n")
    message = error_of(path)
    assert str(path) in message
    for part in expected:
        assert part in message, (part, message)


def test_a_whole_float_for_an_int_is_the_int(tmp_path):
    sc = read_scenario(write(tmp_path, HEAD + "[chair]\nterm_months = 12.0\n"))
    assert sc.config.chair.term_months == 12 and type(sc.config.chair.term_months) is int


def test_whole_number_for_a_float_is_the_float(tmp_path):
    sc = read_scenario(write(tmp_path, HEAD + "[budget]\nscale = 2\n[chair]\nagenda_focus = 8\n"))
    assert sc.config.budget.scale == 2.0 and isinstance(sc.config.budget.scale, float)
    assert isinstance(sc.config.chair.agenda_focus, float)


# -- every problem of a file at once --------------------------------------------------------


def test_all_problems_of_a_file_are_reported_together(tmp_path):
    text = (
        HEAD + "extend = 'status_quo'\n"
        "[chair]\nrul = 'lottery'\nterm_months = true\n"
        "[budget]\npooled = 'yes'\nscale = 1e308\n"
    )
    path = write(tmp_path, text)
    message = error_of(path)
    assert message.startswith(f"{path}: 5 problems:")
    lines = message.splitlines()[1:]
    assert len(lines) == 5 and all(line.strip().startswith(str(path)) for line in lines)
    for part in ("'extend'", "chair.rul", "chair.term_months", "budget.pooled", "budget.scale"):
        assert part in message


def test_a_file_of_many_unknown_keys_answers_fast_and_short(tmp_path):
    keys = "".join(f"key_{i} = {i}\n" for i in range(55_000))
    path = write(tmp_path, HEAD + "[chair]\n" + keys)
    assert path.stat().st_size < MAX_SCENARIO_BYTES
    start = time.process_time()  # CPU time: what a loaded machine's other processes do not inflate
    message = error_of(path)
    elapsed = time.process_time() - start
    assert elapsed < 5.0, f"{elapsed:.2f} s"  # about 0.5 s, mostly parsing
    assert len(message.splitlines()) == MAX_ERRORS + 2  # heading, 20 problems, the count
    assert "55000 problems" in message and "... and 54980 more" in message
    assert len(message) < 5_000


def test_many_unknown_sections_are_capped_too(tmp_path):
    tables = "".join(f"[t{i}]\n" for i in range(5_000))
    message = error_of(write(tmp_path, HEAD + tables))
    assert "5000 problems" in message and len(message) < 5_000


def test_a_long_key_is_shortened_in_the_message(tmp_path):
    message = error_of(write(tmp_path, HEAD + "[chair]\n" + "k" * 100_000 + " = 1\n"))
    assert "chair.kkk" in message and len(message) < 1_000


def test_a_long_value_is_shortened_in_the_message(tmp_path):
    message = error_of(write(tmp_path, HEAD + '[chair]\nrule = "' + "x" * 200_000 + '"\n'))
    assert "chair.rule" in message and len(message) < 1_000


# -- size, nesting, encodings -------------------------------------------------------------


def test_a_file_over_the_size_cap_is_refused_before_it_is_parsed(tmp_path):
    path = write(tmp_path, HEAD + "# " + "x" * MAX_SCENARIO_BYTES + "\n")
    message = error_of(path)
    assert "at most 1,000,000 bytes" in message and str(path) in message


@pytest.mark.parametrize(
    "value",
    [
        "[" * 5_000 + "]" * 5_000,
        "{a = " * 5_000 + "1" + "}" * 5_000,
        "[" * 300 + "]" * 300,
    ],
    ids=["deep_array", "deep_inline_table", "moderately_deep_array"],
)
def test_deep_nesting_is_answered_cleanly(tmp_path, value):
    message = error_of(write(tmp_path, HEAD + "[chair]\nrule = " + value + "\n"))
    assert "nested too deeply" in message or "chair.rule" in message
    assert len(message) < 1_000


def test_a_long_dotted_key_is_refused_quickly(tmp_path):
    path = write(tmp_path, HEAD + "[chair]\n" + ".".join(["a"] * 20_000) + " = 1\n")
    start = time.process_time()
    message = error_of(path)
    assert time.process_time() - start < 1.0  # tomllib alone takes seconds on such a key
    assert "dotted key" in message


def test_a_utf8_byte_order_mark_is_accepted(tmp_path):
    path = write(tmp_path, b"\xef\xbb\xbf" + (HEAD + "[chair]\nterm_months = 12\n").encode())
    assert read_scenario(path).config.chair.term_months == 12


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ((HEAD + "description = 'caf\xe9'\n").encode("latin-1"), "not a UTF-8 text file"),
        (("\ufeff" + HEAD).encode("utf-16"), "UTF-16"),
        (HEAD.encode() + b"[chair]\nrule = '\x00'\n", "not valid TOML"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "UTF-8"),
        (b"", "name"),
    ],
    ids=["latin1", "utf16", "nul", "binary", "empty"],
)
def test_bad_encodings_and_bytes_get_one_clear_message(tmp_path, data, expected):
    path = write(tmp_path, data)
    message = error_of(path)
    assert expected in message and str(path) in message


def test_a_folder_and_a_missing_file(tmp_path):
    assert "is a folder" in error_of(tmp_path)
    assert "does not exist" in error_of(tmp_path / "nope.toml")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_named_pipe_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "pipe.toml"
    os.mkfifo(fifo)
    assert "not a regular file" in error_of(fifo)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("a\nb", "control characters"),
        ("", "at least 1"),
        ("x" * 101, "at most 100"),
        (3, "text in quotes"),
        (True, "text in quotes"),
    ],
    ids=["newline", "empty", "long", "number", "boolean"],
)
def test_scenario_names_are_one_short_line(tmp_path, name, expected):
    value = str(name).lower() if not isinstance(name, str) else repr(name).replace("'", '"')
    path = write(tmp_path, f"name = {value}\n")
    assert expected in error_of(path)


# -- extends ------------------------------------------------------------------------------


def test_an_error_in_the_extended_file_names_both_files(tmp_path):
    write(tmp_path, HEAD + "[chair]\nterm_months = true\n", "parent.toml")
    child = write(tmp_path, HEAD + "extends = 'parent.toml'\n[chair]\nrule = 'lottery'\n")
    message = error_of(child)
    assert message.startswith(f"{child}: 1 problem (some in the files it extends)")
    assert f"{tmp_path / 'parent.toml'}: chair.term_months" in message


def test_an_unreadable_extended_file_names_the_chain(tmp_path):
    write(tmp_path, HEAD + "[chair\n", "parent.toml")
    child = write(tmp_path, HEAD + "extends = 'parent.toml'\n")
    message = error_of(child)
    assert message.startswith(f"{child} extends 'parent.toml': ")
    assert "parent.toml: not valid TOML" in message


def test_an_unknown_key_in_the_extended_file_names_the_chain(tmp_path):
    write(tmp_path, HEAD + "colour = 'red'\n", "parent.toml")
    child = write(tmp_path, HEAD + "extends = 'parent.toml'\n")
    message = error_of(child)
    assert f"{child} extends 'parent.toml'" in message and "'colour'" in message


def test_extends_cycles_are_reported_with_the_cycle(tmp_path):
    write(tmp_path, HEAD + "extends = 'b.toml'\n", "a.toml")
    write(tmp_path, HEAD + "extends = 'a.toml'\n", "b.toml")
    message = error_of(tmp_path / "a.toml")
    assert "cycle in 'extends'" in message
    assert message.count("a.toml") >= 3 and "b.toml" in message


def test_a_file_that_extends_itself(tmp_path):
    path = write(tmp_path, HEAD + "extends = 's.toml'\n")
    assert "cycle in 'extends'" in error_of(path)


def test_an_overlong_chain_of_extends_is_refused(tmp_path):
    for i in range(MAX_EXTENDS_DEPTH + 2):
        write(tmp_path, HEAD + f"extends = 'f{i + 1}.toml'\n", f"f{i}.toml")
    write(tmp_path, HEAD, f"f{MAX_EXTENDS_DEPTH + 2}.toml")
    message = error_of(tmp_path / "f0.toml")
    assert f"more than {MAX_EXTENDS_DEPTH} files" in message


@pytest.mark.parametrize(
    ("extends", "expected"),
    [("3", "extends: got 3"), ("''", "at least 1"), ("'status_qou'", "did you mean")],
    ids=["number", "empty", "typo"],
)
def test_bad_extends_values(tmp_path, extends, expected):
    path = write(tmp_path, HEAD + f"extends = {extends}\n")
    message = error_of(path)
    assert expected in message and str(path) in message


# -- the bundled scenarios are unaffected -----------------------------------------------------


def test_every_bundled_scenario_loads_under_the_strict_rules():
    for path in bundled_scenarios():
        assert read_scenario(path).name == path.stem
