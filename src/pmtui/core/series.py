"""Synthetic measurement series for the demo company.

Pure and deterministic: standard library only, no I/O, no clock. The same
inputs (model, seed, shifts, outliers) always give the same values, on every
machine and every Python run, because randomness comes only from
``random.Random(seed)`` and string seeds go through ``zlib.crc32`` (never the
salted built-in ``hash()``).

A value at period index ``t`` (0-based) is::

    base * (1 + trend) ** t                    # compounding monthly trend
         * (1 + season * sin(2*pi*(m - 1)/12))  # m = calendar month 1..12
         * (1 + N(0, noise))                    # multiplicative noise
         * prod(1 + delta for shifts starting at or before t)
         * prod(1 + delta for outliers at t)

then clamped to ``[min, max]`` and rounded to ``decimals``. With a positive
``season`` the peak is in April and the trough in October; a negative
``season`` inverts that (peak in October, e.g. absenteeism or heating energy).
"""

from __future__ import annotations

import math
import random
import zlib
from dataclasses import dataclass, fields
from typing import Any, Iterable, Mapping

__all__ = [
    "SeriesModel",
    "generate",
    "stable_seed",
    "unit_scale",
    "unit_offset",
    "target_from",
    "nice_round",
    "month_periods",
    "period_index",
]


@dataclass(frozen=True)
class SeriesModel:
    """Parameters of one synthetic KPI series.

    Attributes:
        base: Typical level at the first period (before noise and season).
        trend: Relative change per month, compounding (0.004 = +0.4 %/month).
        noise: Relative standard deviation of the multiplicative noise.
        season: Relative amplitude of a 12-month sine aligned on calendar
            month; 0 for none, negative to invert the phase.
        min: Lower clamp, or None.
        max: Upper clamp, or None.
        decimals: Digits kept when rounding each value.
    """

    base: float
    trend: float = 0.0
    noise: float = 0.0
    season: float = 0.0
    min: float | None = None
    max: float | None = None
    decimals: int = 2

    @classmethod
    def from_dict(cls, d: Mapping[str, Any], *, decimals: int | None = None) -> "SeriesModel":
        """Build a model from a fixture ``model`` table.

        Unknown keys (for example a nested ``target`` table) are ignored.

        Args:
            d: Mapping with at least ``base``.
            decimals: Overrides ``d["decimals"]`` when given (the fixture keeps
                ``decimals`` on the KPI, not in its model table).
        """
        names = {f.name for f in fields(cls)}
        kwargs = {k: v for k, v in d.items() if k in names}
        if decimals is not None:
            kwargs["decimals"] = decimals
        return cls(**kwargs)


def stable_seed(*parts: object) -> int:
    """Return a stable 32-bit seed derived from ``parts``.

    The parts are converted with ``str`` and joined with a unit separator, so
    ``stable_seed(4711, "REVENUE", "PLANT_RTM")`` is the same in every process.
    """
    text = "\x1f".join(str(p) for p in parts)
    return zlib.crc32(text.encode("utf-8"))


def unit_scale(unit_code: str) -> float:
    """Deterministic size factor in [0.6, 1.6] for a unit.

    Meant for additive (summed) KPIs such as revenue or energy, so that units
    differ in size; ratios and percentages should not be scaled.
    """
    fraction = (stable_seed("unit_scale", unit_code) % 10_001) / 10_000
    return round(0.6 + fraction, 3)


def unit_offset(kpi_code: str, unit_code: str, spread: float = 0.05) -> float:
    """Deterministic level factor in [1 - spread, 1 + spread] per KPI and unit.

    Optional helper so that non-additive KPIs (percentages, ratios) do not sit
    at exactly the same level in every unit.
    """
    fraction = (stable_seed("unit_offset", kpi_code, unit_code) % 10_001) / 10_000
    return round(1.0 - spread + 2.0 * spread * fraction, 4)


def _clamp(value: float, lo: float | None, hi: float | None) -> float:
    if lo is not None and value < lo:
        return float(lo)
    if hi is not None and value > hi:
        return float(hi)
    return value


def generate(
    model: SeriesModel,
    n_periods: int,
    *,
    seed: int,
    first_month: int = 1,
    shifts: Iterable[tuple[int, float]] = (),
    outliers: Iterable[tuple[int, float]] = (),
) -> list[float]:
    """Generate ``n_periods`` monthly values for ``model``.

    Args:
        model: The series parameters.
        n_periods: Number of consecutive monthly periods.
        seed: Seed for ``random.Random``; use :func:`stable_seed` to derive one
            per KPI and unit.
        first_month: Calendar month (1..12) of index 0, which aligns the
            seasonality.
        shifts: ``(index, relative_delta)`` pairs; each multiplies every value
            from ``index`` onward by ``1 + relative_delta`` (they compound).
        outliers: ``(index, relative_delta)`` pairs applied to that index only.

    Returns:
        The values, clamped to ``[model.min, model.max]`` and rounded to
        ``model.decimals``.
    """
    if n_periods < 0:
        raise ValueError("n_periods must be >= 0")
    if not 1 <= first_month <= 12:
        raise ValueError("first_month must be in 1..12")
    rng = random.Random(seed)
    shift_list = list(shifts)
    outlier_list = list(outliers)
    values: list[float] = []
    for t in range(n_periods):
        # Draw noise for every period, so shifts and outliers never change
        # the underlying noise sequence.
        eps = rng.gauss(0.0, model.noise) if model.noise else 0.0
        month = (first_month - 1 + t) % 12 + 1
        value = model.base * (1.0 + model.trend) ** t
        value *= 1.0 + model.season * math.sin(2.0 * math.pi * (month - 1) / 12.0)
        value *= 1.0 + eps
        for index, delta in shift_list:
            if t >= index:
                value *= 1.0 + delta
        for index, delta in outlier_list:
            if t == index:
                value *= 1.0 + delta
        value = _clamp(value, model.min, model.max)
        value = round(value, model.decimals)
        if model.decimals <= 0:
            value = float(value)
        values.append(value + 0.0)  # normalise -0.0 to 0.0
    return values


def nice_round(value: float, digits: int | None = None) -> float:
    """Round to ``digits`` decimals, or by default to three significant figures
    but never below whole units (4410.3 -> 4410.0, 96.186 -> 96.2, 0.8532 -> 0.853).
    """
    if digits is None:
        if value == 0:
            return 0.0
        magnitude = math.floor(math.log10(abs(value)))
        digits = max(0, 2 - magnitude)
    return round(value, digits) + 0.0


def target_from(
    model_target: Mapping[str, Any],
    baseline: float,
    direction: str,
    *,
    decimals: int | None = None,
    bounds: tuple[float | None, float | None] = (None, None),
) -> dict[str, float | None]:
    """Derive target and amber thresholds from a fixture ``target`` table.

    Kinds:
        ``relative`` (higher/lower): target = baseline * (1 + uplift) for
        ``higher`` and baseline * (1 - uplift) for ``lower``; amber =
        target * (1 - amber_gap) for ``higher`` and target * (1 + amber_gap)
        for ``lower``.
        ``band`` (or any table with ``low``/``high``; direction ``band``):
        target = low, target_high = high, amber = amber_low,
        amber_high = amber_high, all absolute.
        ``absolute`` (higher/lower): target = ``value``, amber = ``amber``.

    Args:
        model_target: The KPI's ``target`` table.
        baseline: Reference level, e.g. the mean of the last 12 actuals.
        direction: ``"higher"``, ``"lower"`` or ``"band"``.
        decimals: Round to this many decimals instead of :func:`nice_round`'s
            three significant figures.
        bounds: Optional ``(min, max)`` clamp (the KPI model's min/max) so a
            target never leaves the feasible range (e.g. 100 %).

    Returns:
        ``{"target", "amber", "target_high", "amber_high"}``; the ``*_high``
        values are None unless the KPI is a band.
    """
    lo, hi = bounds
    kind = model_target.get("kind", "band" if direction == "band" else "relative")

    def fix(x: float | None) -> float | None:
        if x is None:
            return None
        return nice_round(_clamp(float(x), lo, hi), decimals)

    if direction == "band" or kind == "band":
        return {
            "target": fix(model_target["low"]),
            "amber": fix(model_target["amber_low"]),
            "target_high": fix(model_target["high"]),
            "amber_high": fix(model_target["amber_high"]),
        }
    if direction not in ("higher", "lower"):
        raise ValueError(f"unknown direction {direction!r}")
    if kind == "absolute":
        return {
            "target": fix(model_target["value"]),
            "amber": fix(model_target["amber"]),
            "target_high": None,
            "amber_high": None,
        }
    if kind != "relative":
        raise ValueError(f"unknown target kind {kind!r}")
    uplift = float(model_target["uplift"])
    gap = float(model_target["amber_gap"])
    sign = 1.0 if direction == "higher" else -1.0
    # Round (and clamp) the target first, then derive amber from that value so
    # the pair stays consistent when the target hits a bound such as 100 %.
    target = fix(baseline * (1.0 + sign * uplift))
    assert target is not None
    amber = fix(target * (1.0 - sign * gap))
    return {"target": target, "amber": amber, "target_high": None, "amber_high": None}


def month_periods(first_period: str, n: int) -> list[str]:
    """Return ``n`` consecutive ``"YYYY-MM"`` periods starting at ``first_period``."""
    year, month = (int(x) for x in first_period.split("-"))
    out = []
    for i in range(n):
        m = month - 1 + i
        out.append(f"{year + m // 12:04d}-{m % 12 + 1:02d}")
    return out


def period_index(first_period: str, period: str) -> int:
    """Return the 0-based index of ``period`` counted from ``first_period``."""
    y0, m0 = (int(x) for x in first_period.split("-"))
    y1, m1 = (int(x) for x in period.split("-"))
    return (y1 - y0) * 12 + (m1 - m0)
