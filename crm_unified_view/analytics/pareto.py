"""Pareto analysis: how concentrated profit is, and who (or what) loses money.

Works on any entity with a value: the profit of customers, the margin of products. With
losses in the data the curve is a "whale curve": the best customers bring more than 100% of
the total, which the unprofitable ones then consume.
"""
import numpy as np
import pandas as pd


def _check(values):
    numbers = values.to_numpy(dtype=np.float64)
    if not len(numbers):
        raise ValueError("Pareto analysis needs at least one customer or product.")
    if not np.isfinite(numbers).all():
        raise ValueError("%d value(s) are missing or not finite." % (~np.isfinite(numbers)).sum())
    return numbers


def _descending(values):
    # Values only: equal values add up alike in any order, so the curve needs no ids.
    return np.sort(_check(values))[::-1]


def _cumulative_share(numbers):
    total = numbers.sum()
    if not total > 0:
        raise ValueError("The total is %.2f: shares of a total that is not positive mean nothing." % total)
    return np.r_[0.0, np.cumsum(numbers)] / total


def _check_top(top):
    if not 0 < top <= 1:
        raise ValueError("The top fraction must be in (0, 1], not %r." % top)


def totals(transactions, by):
    """Revenue (and margin, NaN if any line's margin is unknown) per ``by`` (e.g. "product_id").

    :param transactions: DataFrame with ``by``, amount and optionally margin.
    :return: DataFrame indexed by ``by`` with revenue[, margin].
    """
    grouped = transactions.groupby(by, sort=True)
    result = pd.DataFrame({"revenue": grouped["amount"].sum()})
    if "margin" in transactions:
        result["margin"] = grouped["margin"].sum(min_count=1).where(grouped["margin"].count() == grouped.size())
    return result


def pareto_curve(values, points=101):
    """Cumulative share of the total against the share of entities, best first.

    :param values: Series of value per entity (negative for losses).
    :param points: number of evenly spaced entity shares from 0 to 1 (2..10001).
    :return: DataFrame with entity_share and value_share; between two entities the share is
        interpolated linearly, so value_share at 0.2 is :func:`top_share` (0.2).
    :raise ValueError: no values, a missing value, or a total that is not positive.
    """
    if not isinstance(points, (int, np.integer)) or not 2 <= points <= 10001:
        raise ValueError("A Pareto curve has between 2 and 10001 points, not %r." % points)
    cumulative = _cumulative_share(_descending(values))
    count = len(cumulative) - 1
    shares = np.linspace(0.0, 1.0, points)
    return pd.DataFrame({"entity_share": shares,
                         "value_share": np.interp(shares * count, np.arange(count + 1), cumulative)})


def _share_at(cumulative, top):
    count = len(cumulative) - 1
    return float(np.interp(top * count, np.arange(count + 1), cumulative))


def top_share(values, top=0.2):
    """Share of the total brought by the best ``top`` fraction of entities (interpolated).

    With 10 customers, top=0.2 is exactly the best two; with 7, the best one plus 40% of the second.
    """
    _check_top(top)
    return _share_at(_cumulative_share(_descending(values)), top)


def whale_figures(values):
    """Headline figures of the whale curve of customer profit (values may be negative).

    :return: dict with peak_share (the highest cumulative share of the total along the
        customers ranked best first: 1.5 when the profitable ones make 150% of the profit),
        peak_customer_share (the share of customers at that peak, the first one reaching it,
        0-1), top_share (:func:`top_share` of the best 20%) and loss_share (the share of
        customers with a negative value, 0-1).
    :raise ValueError: no values, a missing value, or a total that is not positive.
    """
    ordered = _descending(values)
    cumulative = _cumulative_share(ordered)
    peak = int(np.argmax(cumulative))
    return {
        "peak_share": float(cumulative[peak]),
        "peak_customer_share": peak / len(ordered),
        "top_share": _share_at(cumulative, 0.2),
        "loss_share": float((ordered < 0).mean()),
    }


def unprofitable(values):
    """Entities with a negative value, biggest loss first (Series, ties by id)."""
    frame = pd.DataFrame({"id": values.index.to_numpy(), "value": _check(values)})
    losing = frame[frame["value"] < 0].sort_values(["value", "id"], kind="stable")
    return pd.Series(losing["value"].to_numpy(), index=pd.Index(losing["id"].to_numpy(), name=values.index.name),
                     name=values.name)


def pareto_summary(values, top=0.2):
    """Headline figures of the analysis.

    :return: dict with count, total, top (the fraction), top_share (:func:`top_share`; None when
        the total is not positive), gross_profit (sum of positive values), losses (sum of
        negative values, <= 0), unprofitable_count, and consumed_share = -losses / gross_profit,
        the part of what the profitable entities bring that the others consume (None without
        gross profit).
    """
    _check_top(top)
    numbers = _check(values)
    total = float(numbers.sum())
    gains = float(numbers[numbers > 0].sum())
    losses = float(numbers[numbers < 0].sum())
    return {
        "count": len(numbers),
        "total": total,
        "top": float(top),
        "top_share": top_share(values, top) if total > 0 else None,
        "gross_profit": gains,
        "losses": losses,
        "unprofitable_count": int((numbers < 0).sum()),
        "consumed_share": -losses / gains if gains > 0 else None,
    }
