"""The checklist's score against an independent computation in exact fractions: weights,
"not applicable" items, critical failures, the pass mark."""
from __future__ import annotations

import math
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.qa import ItemAnswer, NothingApplicable, score_of

answers = st.lists(st.builds(ItemAnswer, weight=st.integers(1, 20), critical=st.booleans(),
                             result=st.sampled_from(["pass", "fail", "na"])),
                   min_size=1, max_size=30)


def expected(items: list[ItemAnswer], pass_mark: int) -> tuple[int, bool, bool] | None:
    """Written from the rule, not from the code: None when nothing is applicable."""
    applicable = Fraction(sum(i.weight for i in items if i.result in ("pass", "fail")))
    if applicable == 0:
        return None
    if [i for i in items if i.critical and i.result == "fail"]:
        return 0, False, True
    exact = 100 * Fraction(sum(i.weight for i in items if i.result == "pass")) / applicable
    return math.floor(exact), exact >= pass_mark, False


@given(answers, st.integers(0, 100))
def test_score_matches_the_exact_rule(items: list[ItemAnswer], pass_mark: int) -> None:
    want = expected(items, pass_mark)
    if want is None:
        with pytest.raises(NothingApplicable):
            score_of(items, pass_mark)
        return
    got = score_of(items, pass_mark)
    assert (got.score, got.passed, got.critical_failed) == want
    assert 0 <= got.score <= 100


@given(answers, st.integers(0, 100))
def test_not_applicable_items_change_nothing(items: list[ItemAnswer], pass_mark: int) -> None:
    extra = items + [ItemAnswer(7, True, "na"), ItemAnswer(3, False, "na")]
    if expected(items, pass_mark) is None:
        return
    assert score_of(extra, pass_mark) == score_of(items, pass_mark)


@pytest.mark.parametrize("items,mark,want", [
    # 2 + 2 + 2 passed of 7 applicable: 85.71… → 85, passes 80 but not 86.
    ([ItemAnswer(2, False, "pass"), ItemAnswer(2, False, "pass"), ItemAnswer(1, False, "fail"),
      ItemAnswer(1, False, "na"), ItemAnswer(2, True, "pass")], 80, (85, True, False)),
    ([ItemAnswer(2, False, "pass"), ItemAnswer(2, False, "pass"), ItemAnswer(1, False, "fail"),
      ItemAnswer(1, False, "na"), ItemAnswer(2, True, "pass")], 86, (85, False, False)),
    # 79.99… stays below 80: rounding down never passes what the exact score does not.
    ([ItemAnswer(7999, False, "pass"), ItemAnswer(2001, False, "fail")], 80, (79, False, False)),
    # a failed critical item: 0 whatever else passed, and never passed, even at mark 0.
    ([ItemAnswer(9, False, "pass"), ItemAnswer(1, True, "fail")], 0, (0, False, True)),
    # a critical item marked not applicable does not count at all.
    ([ItemAnswer(1, False, "pass"), ItemAnswer(5, True, "na")], 100, (100, True, False)),
])
def test_edge_cases(items: list[ItemAnswer], mark: int, want: tuple[int, bool, bool]) -> None:
    got = score_of(items, mark)
    assert (got.score, got.passed, got.critical_failed) == want


def test_every_item_not_applicable_cannot_be_scored() -> None:
    with pytest.raises(NothingApplicable):
        score_of([ItemAnswer(2, True, "na"), ItemAnswer(1, False, "na")], 80)
