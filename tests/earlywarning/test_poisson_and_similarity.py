"""The two calculations warnings rest on, against plain independent ones: the Poisson
tail against exact rational arithmetic, the similar pairs against comparing every
pair."""

from __future__ import annotations

import itertools
import math
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from redress.earlywarning import similarity
from redress.earlywarning.poisson import upper_tail


def exact_tail(k: int, lam: Fraction) -> float:
    """1 - P(X < k), in fractions (e^-lam to 40 digits by its series), so no rounding decides."""
    e_minus = sum(Fraction((-lam) ** n) / math.factorial(n) for n in range(200))
    below = sum(e_minus * lam ** i / math.factorial(i) for i in range(k))
    return float(1 - below)


def test_the_poisson_tail_matches_exact_arithmetic():
    for k, lam in [(1, Fraction(1, 12)), (3, Fraction(7, 84)), (7, Fraction(3, 2)), (9, Fraction(7, 5)),
                   (16, Fraction(30, 7)), (5, Fraction(10)), (30, Fraction(10)), (2, Fraction(4))]:
        assert math.isclose(upper_tail(k, float(lam)), exact_tail(k, lam), rel_tol=1e-9), (k, lam)


def test_the_poisson_tail_edges():
    assert upper_tail(0, 3.0) == 1.0
    assert upper_tail(4, 0.0) == 0.0
    assert 0 < upper_tail(100, 10.0) < 1e-60  # tiny, not rounded to zero


def test_bigrams_fold_width_case_and_punctuation():
    assert similarity.bigrams("App 无法登录!") == similarity.bigrams("ＡＰＰ无法登錄")
    assert similarity.bigrams("委托") == frozenset({"委托"})


@settings(max_examples=60, deadline=None)
@given(st.lists(st.frozensets(st.sampled_from("委托未成交系统故障登录"), min_size=1, max_size=8), min_size=2,
                max_size=25),
       st.sampled_from([0.3, 0.5, 0.75, 1.0]))
def test_similar_pairs_are_exactly_the_pairs_at_least_that_alike(sets, threshold):
    items = dict(enumerate(sets))
    every_pair = {(a, b) for a, b in itertools.combinations(items, 2)
                  if len(items[a] & items[b]) / len(items[a] | items[b]) >= threshold}
    assert set(similarity.similar_pairs(items, threshold)) == every_pair
