"""The Poisson upper tail, P(X >= k) for X ~ Poisson(lam), without scipy.

Summed upwards from k in log space (each term from the previous one), which stays
accurate when the answer is tiny — 1 - CDF would lose it to rounding exactly where a
warning is decided."""

from __future__ import annotations

import math

TERMS = 10_000  # far beyond where the terms vanish for any count a sweep sees


def upper_tail(k: int, lam: float) -> float:
    """P(X >= k) for X ~ Poisson(lam)."""
    if k <= 0:
        return 1.0
    if lam <= 0:
        return 0.0
    if k <= lam:
        # At or below the mean the tail is large; 1 - P(X < k) is accurate there.
        below = sum(math.exp(i * math.log(lam) - lam - math.lgamma(i + 1)) for i in range(k))
        return max(0.0, 1.0 - below)
    term = math.exp(k * math.log(lam) - lam - math.lgamma(k + 1))
    total, i = 0.0, k
    while term > total * 1e-17 and i < k + TERMS:
        total += term
        i += 1
        term *= lam / i
    return min(1.0, total)
