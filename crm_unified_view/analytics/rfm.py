"""Purchase occasions and RFM (recency, frequency, monetary) per customer: pure functions, no ORM.

Transactions arrive already rolled up to the commercial partner (``partner_id``); refunds are
negative amounts. A day on which a customer ordered anything (a line with amount >= 0, free
items included) is one purchase occasion, however many orders it holds; refund-only days are not.
"""
import numpy as np
import pandas as pd

MAX_BINS = 9  # the string score keeps one digit per dimension
DIMENSIONS = ("recency", "frequency", "monetary")
COLUMNS = {"recency": "recency_days", "frequency": "frequency", "monetary": "monetary"}


def _as_day(value):
    day = pd.Timestamp(value)
    if day is pd.NaT:
        raise ValueError("The analysis date (as_of) is missing.")
    return day.tz_localize(None).normalize() if day.tzinfo else day.normalize()


def _day_numbers(dates):
    """Days since 1970-01-01 as int64; time zones are dropped keeping the local wall time."""
    if not pd.api.types.is_datetime64_any_dtype(dates):
        dates = pd.to_datetime(dates)
    if getattr(dates.dt, "tz", None) is not None:
        dates = dates.dt.tz_localize(None)
    if dates.isna().any():
        raise ValueError("%d transaction(s) have no date." % dates.isna().sum())
    return dates.to_numpy().astype("datetime64[D]").view(np.int64)


def _empty_occasions(with_margin):
    frame = pd.DataFrame({"partner_id": pd.Series(dtype=np.int64),
                          "date": pd.Series(dtype="datetime64[ns]"),
                          "amount": pd.Series(dtype=np.float64)})
    if with_margin:
        frame["margin"] = pd.Series(dtype=np.float64)
    frame["is_purchase"] = pd.Series(dtype=bool)
    return frame


def purchase_occasions(transactions):
    """One row per customer and day, same-day orders merged into one purchase occasion.

    :param transactions: DataFrame with columns partner_id (int, the commercial partner),
        date (date or datetime, local time), amount (signed: refunds are negative) and
        optionally margin (signed; NaN where unknown, e.g. a product without cost).
    :return: DataFrame partner_id (int64), date (datetime64, midnight), amount and margin
        (net sums of the day; margin NaN if one line's is unknown), is_purchase (the day has
        a line with amount >= 0), sorted by partner_id then date. Refund-only days are kept
        for the totals (is_purchase False).
    :raise ValueError: a required column is missing, or a row lacks a partner, a date or a
        finite amount, or has an infinite margin.
    """
    missing = [name for name in ("partner_id", "date", "amount") if name not in transactions]
    if missing:
        raise ValueError("Transactions lack the column(s): %s." % ", ".join(missing))
    with_margin = "margin" in transactions
    if not len(transactions):
        return _empty_occasions(with_margin)
    partners = transactions["partner_id"]
    if partners.isna().any():
        raise ValueError("%d transaction(s) have no customer." % partners.isna().sum())
    partners = partners.to_numpy().astype(np.int64, copy=False)
    days = _day_numbers(transactions["date"])
    values = {"amount": transactions["amount"].to_numpy(dtype=np.float64)}
    if with_margin:
        values["margin"] = transactions["margin"].to_numpy(dtype=np.float64)
    for name, column in values.items():
        bad = ~np.isfinite(column) if name == "amount" else np.isinf(column)
        if bad.any():
            raise ValueError("%d transaction(s) have no valid %s." % (bad.sum(), name))

    # Sort once on one int64 (customer, day) key, then sum runs: lighter than a hash groupby.
    first_day, span = days.min(), int(days.max() - days.min()) + 1
    low_partner = partners.min()
    if (int(partners.max()) - int(low_partner) + 1) * span < 2 ** 62:
        key = partners - low_partner
        key *= span
        key += days
        key -= first_day
        del days
        order = np.argsort(key)
        key = key[order]
        starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
        key = key[starts]
        result = pd.DataFrame({"partner_id": key // span + low_partner})
        day = key % span + first_day
        del key
    else:
        order = np.lexsort((days, partners))
        ordered_partners, day = partners[order], days[order]
        starts = np.flatnonzero(np.r_[True, (ordered_partners[1:] != ordered_partners[:-1]) | (day[1:] != day[:-1])])
        result = pd.DataFrame({"partner_id": ordered_partners[starts]})
        day = day[starts]
    result["date"] = day.astype("datetime64[D]").astype("datetime64[ns]")
    for name, column in values.items():
        result[name] = np.add.reduceat(column[order], starts)
    result["is_purchase"] = np.logical_or.reduceat((values["amount"] >= 0)[order], starts)
    return result


def _sorted_daily(occasions):
    """Occasions sorted by partner then day; an error if a customer has two rows for one day."""
    partners = occasions["partner_id"].to_numpy().astype(np.int64, copy=False)
    days = occasions["date"].to_numpy().astype("datetime64[D]").view(np.int64)
    if np.all((partners[1:] > partners[:-1]) | ((partners[1:] == partners[:-1]) & (days[1:] > days[:-1]))):
        return occasions, partners, days
    order = np.lexsort((days, partners))
    partners, days = partners[order], days[order]
    if np.any((partners[1:] == partners[:-1]) & (days[1:] == days[:-1])):
        raise ValueError("Occasions must hold one row per customer and day: build them with purchase_occasions().")
    return occasions.iloc[order], partners, days


def rfm_table(occasions, as_of, customers=None):
    """Recency, frequency and monetary value of each customer on the day ``as_of``.

    :param occasions: output of :func:`purchase_occasions` (partner_id, date, amount,
        is_purchase[, margin]).
    :param as_of: the analysis day; occasions after it are an error, not silently dropped.
    :param customers: optional ids of customers to report even without any occasion.
    :return: DataFrame indexed by partner_id (sorted) with
        - frequency: number of purchase occasions, int;
        - first_date, last_date: first and last purchase occasion (NaT without any);
        - recency_days: days from last_date to as_of (NaN without purchases);
        - T: days from first_date to as_of, the customer's age (NaN without purchases);
        - monetary: net amount over all days, refunds included (0 without transactions);
        - repeat_mean: mean net amount of the purchase occasions after the first (0 if
          none), the spend measure of the Gamma-Gamma model;
        - margin: net margin, when the occasions have one (NaN if any of it is unknown).
    :raise ValueError: an occasion is dated after as_of.
    """
    return rfm_table_from_totals(occasion_totals(occasions, as_of), as_of, customers=customers)


def occasion_totals(occasions, as_of):
    """:func:`purchase_totals` of ``occasions`` (see :func:`rfm_table`), checked against ``as_of``.

    :raise ValueError: columns missing, or an occasion dated after as_of.
    """
    missing = [name for name in ("partner_id", "date", "amount", "is_purchase") if name not in occasions]
    if missing:
        raise ValueError("Occasions lack the column(s) %s: build them with purchase_occasions()." % ", ".join(missing))
    as_of = _as_day(as_of)
    as_of_day = np.int64(as_of.to_datetime64().astype("datetime64[D]").astype(np.int64))
    occasions, partners, days = _sorted_daily(occasions)
    future = days > as_of_day
    if future.any():
        raise ValueError("%d purchase day(s) fall after the analysis date %s (first: %s); "
                         "fix their dates or analyse a later date."
                         % (future.sum(), as_of.date(), pd.Timestamp(days[future].min(), unit="D").date()))
    return purchase_totals(occasions, partners, days)


# The columns of :func:`purchase_totals` (margin only when the occasions have one).
TOTALS_COLUMNS = ("frequency", "first_day", "last_day", "monetary", "repeat_total", "margin")


def purchase_totals(occasions, partners=None, days=None):
    """The sums RFM needs, one row per customer with an occasion (what the ORM layer computes in
    SQL for a whole company).

    :param occasions: output of :func:`purchase_occasions`; ``partners`` and ``days``, its sorted
        columns as int64 when the caller has them.
    :return: DataFrame indexed by partner_id (sorted) with frequency (purchase occasions),
        first_day and last_day (day numbers since 1970-01-01 of the first and last purchase
        occasion, NaN without any), monetary (net amount of every day), repeat_total (net amount
        of the purchase occasions after the first) and, when the occasions have one, margin.
    """
    if partners is None:
        occasions, partners, days = _sorted_daily(occasions)
    amounts = occasions["amount"].to_numpy(dtype=np.float64)
    new_customer = np.r_[True, partners[1:] != partners[:-1]] if len(partners) else np.zeros(0, bool)
    index = partners[new_customer]
    rows = np.cumsum(new_customer) - 1
    n = len(index)
    buying = occasions["is_purchase"].to_numpy(dtype=bool)
    b_partners, b_days, b_amounts = partners[buying], days[buying], amounts[buying]
    starts = np.flatnonzero(np.r_[True, b_partners[1:] != b_partners[:-1]]) if len(b_partners) else np.zeros(0, int)
    counts = np.diff(np.r_[starts, len(b_partners)])
    buyer_rows = rows[buying][starts]
    totals = pd.DataFrame(index=pd.Index(index, name="partner_id"))
    frequency, first, last, repeat_total = np.zeros(n, np.int64), np.full(n, np.nan), np.full(n, np.nan), np.zeros(n)
    frequency[buyer_rows] = counts
    first[buyer_rows] = b_days[starts]
    last[buyer_rows] = b_days[starts + counts - 1]
    if len(starts):
        repeat_total[buyer_rows] = np.add.reduceat(b_amounts, starts) - b_amounts[starts]
    totals["frequency"], totals["first_day"], totals["last_day"] = frequency, first, last
    totals["monetary"] = np.bincount(rows, weights=amounts, minlength=n)
    totals["repeat_total"] = repeat_total
    if "margin" in occasions:
        totals["margin"] = np.bincount(rows, weights=occasions["margin"].to_numpy(dtype=np.float64), minlength=n)
    return totals


def customer_totals(totals, as_of, customers=None):
    """``totals`` (:func:`purchase_totals`) checked against ``as_of``, sorted by customer, with a
    row of empty sums for each of ``customers`` without one.

    :raise ValueError: a purchase is dated after ``as_of``.
    """
    as_of = _as_day(as_of)
    as_of_day = np.int64(as_of.to_datetime64().astype("datetime64[D]").astype(np.int64))
    if (totals["last_day"].to_numpy(dtype=np.float64) > as_of_day).any():
        raise ValueError("Purchases fall after the analysis date %s: fix their dates or analyse a later date."
                         % as_of.date())
    index = totals.index.to_numpy(dtype=np.int64)
    if customers is not None:
        customers = np.union1d(index, np.asarray(customers, dtype=np.int64))
    if customers is not None and len(customers) > len(index):
        totals = totals.reindex(pd.Index(customers, name="partner_id"))
        totals = totals.fillna({"frequency": 0, "monetary": 0.0, "repeat_total": 0.0})
    elif not totals.index.is_monotonic_increasing:  # every customer has a row already
        totals = totals.sort_index()
    return totals


def rfm_table_from_totals(totals, as_of, customers=None):
    """:func:`rfm_table` from each customer's sums (:func:`purchase_totals`, or the same computed
    in SQL); ``customers`` without a row get empty figures.

    :raise ValueError: a purchase is dated after ``as_of``.
    """
    totals = customer_totals(totals, as_of, customers)
    as_of_day = np.int64(_as_day(as_of).to_datetime64().astype("datetime64[D]").astype(np.int64))
    frequency = totals["frequency"].to_numpy().astype(np.int64)
    first, last = (totals[name].to_numpy(dtype=np.float64) for name in ("first_day", "last_day"))
    table = pd.DataFrame(index=totals.index.rename("partner_id"))
    table["frequency"] = frequency
    for name, days in (("first_date", first), ("last_date", last)):
        dates = np.full(len(days), np.datetime64("NaT"), dtype="datetime64[ns]")
        known = ~np.isnan(days)
        dates[known] = days[known].astype(np.int64).astype("datetime64[D]")
        table[name] = dates
    table["recency_days"] = as_of_day - last
    table["T"] = as_of_day - first
    table["monetary"] = totals["monetary"].to_numpy(dtype=np.float64)
    table["repeat_mean"] = np.divide(totals["repeat_total"].to_numpy(dtype=np.float64), frequency - 1,
                                     out=np.zeros(len(table)), where=frequency > 1)
    if "margin" in totals:
        table["margin"] = totals["margin"].to_numpy(dtype=np.float64)
    return table


# ---------------------------------------------------------------------------
# Scores
# ---------------------------------------------------------------------------
def quantile_edges(values, bins=5):
    """Rank-based quantile edges of ``values`` (higher is better).

    A value scores 1 + floor(bins x share of values strictly below it): ties always share a
    score and the lowest value scores 1. Edge k-2 (k = 2..bins) is the smallest observed
    value scoring at least k, or None when ties leave no value there.
    """
    ordered = np.sort(np.asarray(values, dtype=np.float64))
    n = len(ordered)
    if not n:
        return [None] * (bins - 1)
    distinct, below = np.unique(ordered, return_index=True)
    # score >= k  <=>  bins * below >= (k - 1) * n  <=>  below >= ceil((k - 1) * n / bins)
    needed = -(-np.arange(1, bins) * n // bins)
    found = np.searchsorted(below, needed, side="left")
    return [float(distinct[i]) if i < len(distinct) else None for i in found]


def _score(values, edges, higher_is_better):
    # Recency edges are "at most" thresholds: negate both sides to reuse the same rule.
    sign = 1.0 if higher_is_better else -1.0
    ascending = np.array([np.inf if edge is None else sign * edge for edge in edges], dtype=np.float64)
    return 1 + np.searchsorted(ascending, sign * values, side="right")


def scores_from_edges(table, edges):
    """Score customers with saved edges (see :func:`rfm_scores`); customers without purchases get 0."""
    scored = table["frequency"].to_numpy() > 0
    result = pd.DataFrame(index=table.index)
    for dimension in DIMENSIONS:
        values = table[COLUMNS[dimension]].to_numpy(dtype=np.float64)
        score = np.zeros(len(table), np.int64)
        score[scored] = _score(values[scored], edges[dimension], dimension != "recency")
        result["%s_score" % dimension[0]] = score
    code = result["r_score"] * 100 + result["f_score"] * 10 + result["m_score"]
    result["rfm_score"] = code.astype(str).where(scored, "")
    return result


def rfm_scores(table, bins=5):
    """Scores 1..bins per dimension and the string score (e.g. "545") of each customer.

    Quantiles are rank-based (see :func:`quantile_edges`) over the customers with at least one
    purchase occasion; recency is reversed (recent = high score). Customers without purchases
    get scores 0 and an empty rfm_score.

    :param table: output of :func:`rfm_table`.
    :return: (scores, edges): scores is a DataFrame on table's index with r_score, f_score,
        m_score (int) and rfm_score (str); edges is a JSON-ready dict
        {"bins": n, "recency": [...], "frequency": [...], "monetary": [...]} of bins-1 values each:
        a customer scores at least k when frequency (monetary) >= edge[k-2], or when
        recency_days <= recency edge[k-2]; None marks a score no customer reaches.
    :raise ValueError: bins outside 2..9.
    """
    edges = score_edges(table, bins)
    return scores_from_edges(table, edges), edges


def score_edges(table, bins=5):
    """The quantile edges of :func:`rfm_scores` over the customers of ``table`` with a purchase."""
    if not isinstance(bins, (int, np.integer)) or not 2 <= bins <= MAX_BINS:
        raise ValueError("RFM scores need between 2 and %d bins, not %r." % (MAX_BINS, bins))
    bought = table["frequency"].to_numpy() > 0
    edges = {"bins": int(bins)}
    for dimension in DIMENSIONS:  # a column at a time: no copy of the table
        values = table[COLUMNS[dimension]].to_numpy(dtype=np.float64)[bought]
        if dimension == "recency":
            edges[dimension] = [None if edge is None else 0.0 - edge for edge in quantile_edges(-values, bins)]
        else:
            edges[dimension] = quantile_edges(values, bins)
    return edges
