"""Vectorised XmR evaluation of many series at once.

Same rules as :func:`pmtui.core.spc.xmr`, but with no Python loop over series or points:
every segment (a series, or the part of a series between rebase positions) becomes one
row of a 2-D array (a plain reshape when all segments have the same length, otherwise a
NaN-padded array), and each run rule is a sliding-window count computed with cumulative
sums along the rows. Padding never satisfies a rule: NaN compares False and sits at
relative-to-mean 0.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from pmtui.core.spc import DIRECTIONS, LIMIT, MIN_POINTS, SCREEN, TWO_SIGMA, check_options, limits_collapsed

RULES = ("outside_limits", "trend", "two_in_three", "shift")
"""Rule names in precedence order; rule code k (1-based) is ``RULES[k - 1]``."""
CAUSES = ("improvement", "concern", "neutral")
"""Special-cause names; cause code k (1-based) is ``CAUSES[k - 1]``."""
VARIATIONS = ("common_cause",) + tuple(f"special_cause_{c}" for c in CAUSES)
"""Variation icon names, indexed by cause code (0 = common cause)."""
ASSURANCES = ("consistent_pass", "consistent_fail", "inconsistent")
"""Assurance icon names."""


@dataclass
class XmrManyResult:
    """Result of :func:`xmr_many`.

    Attributes:
        series: One row per series (index ``series``, in order of first appearance) with
            columns ``n``, ``mean``, ``amr``, ``upl``, ``lpl`` (of the last segment),
            ``variation``, ``assurance``, ``short_warning`` (some segment's limits come
            from fewer than 12 points) and ``limits_collapsed`` (some segment's limits
            collapsed onto its mean: :func:`pmtui.core.spc.limits_collapsed`).
        points: One row per input row (same index as the input frame) with columns
            ``series``, ``value``, ``mean``, ``upl``, ``lpl``, ``special_cause`` and
            ``rule`` (categoricals, NaN for common cause).
    """

    series: pd.DataFrame
    points: pd.DataFrame


def xmr_many(
    frame: pd.DataFrame,
    *,
    improvement: str = "increase",
    target: float | None = None,
    screen_outliers: bool = True,
    shift_length: int = 7,
    trend_length: int = 7,
    fix_after_n_points: int | None = None,
) -> XmrManyResult:
    """Evaluate many series at once with the Making Data Count XmR rules.

    Args:
        frame: Columns ``series`` and ``value`` (rows in time order within each series;
            series need not be contiguous). Optional per-series columns (the first row of
            each series is used): ``improvement`` ("increase"/"decrease"/"neutral") and
            ``target`` (NaN for none). Optional boolean column ``rebase``: True where a new
            segment with its own limits starts.
        improvement: Direction for every series when there is no ``improvement`` column.
        target: Target for every series when there is no ``target`` column.
        screen_outliers: Screen moving ranges ``>= 3.267 * amr`` (one pass).
        shift_length: Points on one side of the mean that make a shift (6, 7 or 8).
        trend_length: Points strictly rising or falling that make a trend (6, 7 or 8).
        fix_after_n_points: Compute each segment's limits from its first N points only.

    Returns:
        Per-series summary and per-point rules.

    Raises:
        ValueError: On missing columns, non-finite values or invalid options.
    """
    check_options(improvement, shift_length, trend_length, fix_after_n_points)
    if not {"series", "value"} <= set(frame.columns):
        raise ValueError("frame needs 'series' and 'value' columns")
    n = len(frame)
    codes, labels = pd.factorize(frame["series"], sort=False)
    y = frame["value"].to_numpy(dtype=float)
    if n == 0 or not np.isfinite(y).all() or (codes < 0).any():
        raise ValueError("frame must have at least one row, finite values and no missing series")
    order = None if (np.diff(codes) >= 0).all() else np.argsort(codes, kind="stable")
    if order is not None:
        codes, y = codes[order], y[order]
    new_series = np.r_[True, codes[1:] != codes[:-1]]
    series_first = np.flatnonzero(new_series)
    series_last = np.r_[series_first[1:], n] - 1
    unit_break = new_series.copy()
    if "rebase" in frame.columns:
        rebase = frame["rebase"].to_numpy(dtype=bool)
        unit_break |= rebase if order is None else rebase[order]
    unit_start = np.flatnonzero(unit_break)
    unit_len = np.diff(np.r_[unit_start, n])
    unit_of_row = np.cumsum(unit_break) - 1
    series_of_unit = codes[unit_start]

    width = int(unit_len.max())
    if (unit_len == width).all():
        grid, col_of_row = y.reshape(-1, width), None
    else:
        col_of_row = np.arange(n) - unit_start[unit_of_row]
        grid = np.full((len(unit_start), width), np.nan)
        grid[unit_of_row, col_of_row] = y

    baseline_n = np.minimum(unit_len, fix_after_n_points or width)
    mean, amr = _limits(grid, baseline_n, screen_outliers)
    upl, lpl = mean + LIMIT * amr, mean - LIMIT * amr
    rule, side = _rules(grid, mean, amr, upl, lpl, shift_length, trend_length)
    collapsed = limits_collapsed(amr)  # elementwise on the array: no point of such a segment is flagged
    rule[collapsed] = 0

    direction = _per_series(frame, "improvement", improvement, order, series_first)
    dirs = pd.Series(direction).map(DIRECTIONS)
    if dirs.isna().any():
        raise ValueError(f"improvement values must be among {sorted(DIRECTIONS)}")
    dirs = dirs.to_numpy(dtype=np.int8)
    unit_dir = dirs[series_of_unit][:, None]
    cause = np.where(rule == 0, 0, np.where(unit_dir == 0, 3, np.where(side * unit_dir > 0, 1, 2)))

    def unsort(flat: np.ndarray) -> np.ndarray:
        if order is None:
            return flat
        out = np.empty_like(flat)
        out[order] = flat
        return out

    def to_rows(a: np.ndarray) -> np.ndarray:
        return unsort(a.ravel() if col_of_row is None else a[unit_of_row, col_of_row])

    row_unit = unsort(unit_of_row)
    cause_rows, rule_rows = to_rows(cause.astype(np.int8)), to_rows(rule)
    points = pd.DataFrame(
        {
            "series": frame["series"].to_numpy(),
            "value": frame["value"].to_numpy(dtype=float),
            "mean": mean[row_unit],
            "upl": upl[row_unit],
            "lpl": lpl[row_unit],
            "special_cause": pd.Categorical.from_codes(cause_rows.astype(np.int8) - 1, CAUSES),
            "rule": pd.Categorical.from_codes(rule_rows.astype(np.int8) - 1, RULES),
        },
        index=frame.index,
    )

    last_unit = unit_of_row[series_last]
    last_cause = cause.ravel()[last_unit * width + (unit_len[last_unit] - 1)]
    targets = _per_series(frame, "target", target, order, series_first)
    targets = pd.to_numeric(pd.Series(targets, dtype=object), errors="raise").to_numpy(float)
    short = np.bincount(series_of_unit, weights=baseline_n < MIN_POINTS, minlength=len(labels)) > 0
    any_collapsed = np.bincount(series_of_unit, weights=collapsed, minlength=len(labels)) > 0
    assurance = _assurance(targets, lpl[last_unit], upl[last_unit], dirs)
    assurance[collapsed[last_unit]] = np.nan  # no assurance from collapsed limits
    series = pd.DataFrame(
        {
            "n": np.diff(np.r_[series_first, n]),
            "mean": mean[last_unit],
            "amr": amr[last_unit],
            "upl": upl[last_unit],
            "lpl": lpl[last_unit],
            "variation": pd.Categorical.from_codes(last_cause, VARIATIONS),
            "assurance": assurance,
            "short_warning": short,
            "limits_collapsed": any_collapsed,
        },
        index=pd.Index(labels, name="series"),
    )
    return XmrManyResult(series=series, points=points)


def _limits(grid: np.ndarray, baseline_n: np.ndarray, screen: bool) -> tuple[np.ndarray, np.ndarray]:
    """Per-row mean and (screened) average moving range over the first baseline_n cells."""
    in_base = np.arange(grid.shape[1]) < baseline_n[:, None]
    mean = np.where(in_base, grid, 0.0).sum(axis=1) / baseline_n
    mr = np.abs(np.diff(grid, axis=1))
    mr_in = in_base[:, 1:]
    with np.errstate(invalid="ignore", divide="ignore"):
        amr = np.where(mr_in, mr, 0.0).sum(axis=1) / mr_in.sum(axis=1)
        if screen:
            keep = mr_in & (mr < SCREEN * amr[:, None])
            screened = np.where(keep, mr, 0.0).sum(axis=1) / keep.sum(axis=1)
            amr = np.where(amr == 0, 0.0, screened)
    return mean, amr


def _rules(grid, mean, amr, upl, lpl, shift_length, trend_length):
    """Per-cell winning rule code (0 none, 1..4 as RULES) and side (+1 high, -1 low)."""
    m, lo2, hi2 = mean[:, None], (mean - TWO_SIGMA * amr)[:, None], (mean + TWO_SIGMA * amr)[:, None]
    outside = (grid > upl[:, None]) | (grid < lpl[:, None])
    above, below = grid > m, grid < m
    rtm = above.astype(np.int8) - below.astype(np.int8)  # padding -> 0
    close = ~outside & ((grid < lo2) | (grid > hi2))

    ends = (_trailing_sum(above, shift_length) == shift_length) | (
        _trailing_sum(below, shift_length) == shift_length
    )
    shift = _spread_back(ends, shift_length)

    rising, falling = grid[:, 1:] > grid[:, :-1], grid[:, 1:] < grid[:, :-1]
    steps = trend_length - 1
    ends = np.zeros_like(outside)
    ends[:, 1:] = (_trailing_sum(rising, steps) == steps) | (_trailing_sum(falling, steps) == steps)
    trend = _spread_back(ends, trend_length)
    # direction: the step to the next point if it is in a trend too, else the previous step
    use_next = np.zeros_like(trend)
    use_next[:, :-1] = trend[:, :-1] & trend[:, 1:]
    next_up = np.zeros_like(trend)
    next_up[:, :-1] = rising
    prev_up = np.zeros_like(trend)
    prev_up[:, 1:] = rising
    trend_side = np.where(np.where(use_next, next_up, prev_up), 1, -1)

    fires = (_trailing_sum(close, 3) >= 2) & (np.abs(_trailing_sum(rtm, 3)) == 3)
    two = close & _spread_back(fires, 3)

    high = np.where(rtm > 0, 1, -1)
    rule = np.select([outside, trend, two, shift], [1, 2, 3, 4], 0).astype(np.int8)
    side = np.where(rule == 2, trend_side, high).astype(np.int8)
    return rule, side


def _trailing_sum(a: np.ndarray, width: int) -> np.ndarray:
    """Sum of ``a[:, i - width + 1 : i + 1]`` per cell (truncated at the row start)."""
    c = np.cumsum(a, axis=1, dtype=np.int32)
    out = c.copy()
    out[:, width:] -= c[:, :-width]
    return out


def _spread_back(ends: np.ndarray, width: int) -> np.ndarray:
    """True where any of ``ends[:, i : i + width]`` is True (every point of a run)."""
    return _trailing_sum(ends[:, ::-1], width)[:, ::-1] > 0


def _per_series(frame, column, default, order, series_first) -> np.ndarray:
    """First value of ``column`` per series, or ``default`` everywhere."""
    if column not in frame.columns:
        return np.full(len(series_first), default, dtype=object)
    values = frame[column].to_numpy()
    return (values if order is None else values[order])[series_first]


def _assurance(target: np.ndarray, lpl: np.ndarray, upl: np.ndarray, dirs: np.ndarray) -> pd.Categorical:
    """Assurance codes per series as a categorical (NaN where not applicable)."""
    pass_, fail, inconsistent = 0, 1, 2
    code = np.where(
        target > upl,
        np.where(dirs > 0, fail, pass_),
        np.where(target < lpl, np.where(dirs > 0, pass_, fail), inconsistent),
    )
    code = np.where(np.isnan(target) | (dirs == 0), -1, code)
    return pd.Categorical.from_codes(code.astype(np.int8), ASSURANCES)
