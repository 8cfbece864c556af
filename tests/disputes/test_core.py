"""Pure rules: commentary completeness (M7.5) and safe full-text queries (M7.6), as tables."""

from __future__ import annotations

import pytest

from pmtui.core import commentary as rules
from pmtui.core import fulltext

GOOD = {"what_happened": "On-time delivery fell to 88% against a target of 95%.",
        "why": "Two carriers cancelled pick-ups during the port strike.",
        "what_next": "A third carrier is booked for November; weekly check with logistics."}


def _with(**parts):
    return GOOD | parts


def test_a_complete_commentary_passes():
    assert rules.check(GOOD) == [] and rules.is_complete(GOOD)


@pytest.mark.parametrize("parts, part, fragment", [
    (_with(why=""), "why", "why is missing"),
    (_with(why=None), "why", "why is missing"),
    ({"what_happened": GOOD["what_happened"], "why": GOOD["why"]}, "what_next", "what next is missing"),
    (_with(why="Carrier late."), "why", "13 characters long; write at least 20"),
    (_with(what_next="x " * 401), "what_next", "limit 800"),
    (_with(why="n/a"), "why", "at least 20"),
    (_with(why="n/a n/a n/a n/a n/a n/a n/a"), "why", "says nothing specific"),
    (_with(why="TBD - tbd - TBD - tbd - TBD"), "why", "says nothing specific"),
    (_with(why="see above, see above, see above"), "why", "says nothing specific"),
    (_with(why="- - - - - - - - - - - - - - -"), "why", "formula"),
    (_with(why="nothing to report, pending, tbc"), "why", "says nothing specific"),
    (_with(why="aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"), "why", "says nothing specific"),
    (_with(what_happened="=HYPERLINK(\"http://x\", \"click here now\")"), "what_happened", "formula"),
    (_with(what_happened="@SUM(A1:A9) was far below the plan"), "what_happened", "formula"),
    (_with(why="Carrier cancelled\x07 pick-ups twice"), "why", "control character"),
    (_with(why="88.1% vs 95.0% (-6.9 pts) 2026-10 ok"), "why", "mostly symbols or digits"),
])
def test_broken_rules_are_named(parts, part, fragment):
    findings = rules.check(parts)
    assert any(f.part == part and fragment in f.message for f in findings), findings
    assert not rules.is_complete(parts)


@pytest.mark.parametrize("why", [GOOD["what_happened"], GOOD["what_happened"].upper(),
                                 "  On-time delivery fell to 88% against a target of 95% !!"])
def test_parts_must_differ(why):
    findings = rules.check(_with(why=why))
    assert [(f.part, f.message) for f in findings] == [("why", "why repeats what happened; each part must say"
                                                                " something different")]


@pytest.mark.parametrize("text", [
    "Carrier strike in Rotterdam port.",
    "Vervoerder staakte twee dagen lang",
    "Grève des transporteurs à Anvers.",
    "x" * 10 + " strike port carrier",
])
def test_ordinary_text_in_any_language_passes(text):
    assert rules.check_part(text, "why") == []


@pytest.mark.parametrize("status, cause, expected", [
    ("red", None, "red against its target"),
    ("red", "concern", "red against its target and an SPC special cause of concern"),
    ("green", "concern", "an SPC special cause of concern"),
    (None, "concern", "an SPC special cause of concern"),
    ("amber", None, None),
    ("green", "improvement", None),
    (None, "neutral", None),
    (None, None, None),
])
def test_when_a_commentary_is_required(status, cause, expected):
    assert rules.requirement(status, cause) == expected


def test_summary_names_the_three_parts():
    text = rules.summary(rules.check(_with(why="")))
    assert text.startswith("a complete commentary needs 'what happened', 'why', 'what next': why is missing")


@pytest.mark.parametrize("text, expected", [
    ("carrier", '"carrier"'),
    ("late carrier", '"late" "carrier"'),
    ('"supplier audit" OTD', '"supplier audit" "OTD"'),
    ("supp*", '"supp"*'),
    ('"supp*"', '"supp*"'),
    ("AND OR NOT NEAR", '"AND" "OR" "NOT" "NEAR"'),
    ("title:secret", '"title:secret"'),
    ("-x ^y (z)", '"-x" "^y" "(z)"'),
    ('say "unterminated', '"say" "unterminated"'),
    ('a""b', '"ab"'),
    ("", None),
    ("   ", None),
    ('"" -- ** ((', None),
    ("'; DROP TABLE meetings; --", '"DROP" "TABLE" "meetings;"'),
    ("🙂 ☃", None),
    ("0\x00", '"0"'),
    ('"a\tb\x00c"', '"a b c"'),
])
def test_match_expression_quotes_every_term(text, expected):
    assert fulltext.match_expression(text) == expected


def test_match_expression_bounds_terms_and_their_length():
    expression = fulltext.match_expression(" ".join(f"w{i}" for i in range(40)) + " " + "y" * 500)
    assert expression.count('"') == 2 * fulltext.MAX_TERMS
    long = fulltext.match_expression("y" * 500)
    assert long == '"' + "y" * fulltext.MAX_TERM + '"'
