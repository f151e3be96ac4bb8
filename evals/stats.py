"""Confidence intervals for the evaluation's proportions (hit@k, refusals, fact recall, citation checks...).

A figure measured on a few dozen items moves by several points when one item flips; the Wilson score interval
says how far, and unlike the normal approximation it stays inside [0, 1] and is sensible at 0/n and n/n.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

Z95 = 1.959963984540054  # two-sided 95 % normal quantile


def wilson(k: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval (lo, hi) of k successes in n trials; (0.0, 1.0) when n is 0 (nothing is known)."""
    if n < 0 or k < 0 or k > n:
        raise ValueError(f"need 0 <= k <= n, got k={k}, n={n}")
    if n == 0:
        return 0.0, 1.0
    p = k / n
    z2 = z * z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = z / (1 + z2 / n) * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    # At k = 0 and k = n the bounds are exactly 0 and 1; clamping removes floating-point dust (1e-17 below 0).
    lo = 0.0 if k == 0 else max(0.0, centre - half)
    hi = 1.0 if k == n else min(1.0, centre + half)
    return lo, hi


@dataclass(frozen=True)
class Proportion:
    """k of n units, with its Wilson 95 % interval."""

    k: int
    n: int

    @property
    def value(self) -> float | None:
        return self.k / self.n if self.n else None

    @property
    def interval(self) -> tuple[float, float]:
        return wilson(self.k, self.n)

    def to_json(self) -> dict[str, Any]:
        lo, hi = self.interval
        value = self.value
        return {
            "value": None if value is None else round(value, 4),
            "lo": round(lo, 4),
            "hi": round(hi, 4),
            "n": self.n,
            "k": self.k,
        }

    def display(self, digits: int = 2) -> str:
        """'0.79 [0.68, 0.87] (56/71)'; 'not scored (0/0)' without units."""
        if not self.n:
            return "not scored (0/0)"
        lo, hi = self.interval
        return f"{self.k / self.n:.{digits}f} [{lo:.{digits}f}, {hi:.{digits}f}] ({self.k}/{self.n})"
