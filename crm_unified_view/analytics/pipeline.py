"""One segmentation run end to end on extracted frames: RFM, segments, profit, NPV, forecasts, the
whale curve, cross-selling.

The ORM layer extracts the frames with set-based SQL, hands them over to :func:`run_frames`,
and writes back in bulk each customer's figures, made a slice of customers at a time
(:class:`CustomerFigures`); nothing here touches the database.
"""
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from . import clv, cross_sell, pareto, profit, rfm, segments

# Lifecycle stages, (code, English label): the choices of the partner's and the results' field too.
LIFECYCLE_STAGES = [
    ("prospect", "Prospect"),
    ("first_contact", "First Contact"),
    ("conversion", "Conversion"),
    ("retention", "Retention"),
    ("redevelopment", "Re-development"),
]
(LIFECYCLE_PROSPECT, LIFECYCLE_FIRST_CONTACT, LIFECYCLE_CONVERSION, LIFECYCLE_RETENTION,
 LIFECYCLE_REDEVELOPMENT) = (code for code, _label in LIFECYCLE_STAGES)


@dataclass
class Settings:
    n_segments: int = 5
    random_state: int = 0
    horizon_months: int = 36
    annual_discount_rate: float = 0.10
    margin_rate: float = 0.30          # where no cost is known
    high_value_quantile: float = 0.80
    low_value_quantile: float = 0.50
    new_customer_days: int = 365
    suggestions_per_customer: int = 5
    time_unit: str = "week"
    unit_costs: profit.UnitCosts = field(default_factory=profit.UnitCosts)
    at_risk_probability: float = 0.5
    forecast_days: tuple = (30, 90, 365)


# Customers of a slice whose figures are made at once: each figure of a slice is a few arrays of
# this length, whatever the number of customers.
SLICE_ROWS = 100_000


@dataclass
class Result:
    figures: "CustomerFigures"         # each customer's figures, a slice of customers at a time
    segments: pd.DataFrame             # one row per segment: name, levels, customers, medians, forecasts
    suggestions: object                # function returning an iterator of DataFrames partner_id, rank,
                                       # product_id, share: a partition of customers at a time
    products: pd.DataFrame             # product_id, revenue, margin
    whale: pd.DataFrame                # the whale curve: entity_share, value_share (of profit), best first
    summary: dict = field(default_factory=dict)
    rfm_edges: dict = field(default_factory=dict)
    clv_params: dict = field(default_factory=dict)

    @property
    def customers(self):
        """Every customer's figures in one frame (:meth:`CustomerFigures.frame`): for a few
        customers; a big run is read a slice at a time (:meth:`CustomerFigures.slices`)."""
        return self.figures.frame(0, len(self.figures))[0]

    @property
    def memberships(self):
        """The buyers' degrees in each segment (customers x segments), rows sum to 1."""
        degrees = self.figures.frame(0, len(self.figures))[1]
        return degrees[self.figures.bought]


def lifecycle_stage(frequency, contacted, redeveloping):
    """Lifecycle stage from purchases and contacts (see README, "Lifecycle stages").

    prospect: never bought, never in contact; first contact: in contact (lead, email,
    message) but never bought; re-development: bought, and being sold to again (an open
    opportunity or quotation); conversion: one purchase occasion; retention: repeat buyer.
    Dormant and lost are statuses (the time since the last order), not stages.
    """
    frequency = np.asarray(frequency, dtype=np.int64)
    contacted = np.asarray(contacted, dtype=bool)
    return np.select(
        [frequency == 0, np.asarray(redeveloping, dtype=bool), frequency == 1],
        [np.where(contacted, LIFECYCLE_FIRST_CONTACT, LIFECYCLE_PROSPECT), LIFECYCLE_REDEVELOPMENT,
         LIFECYCLE_CONVERSION],
        default=LIFECYCLE_RETENTION)


def forecast_columns(days):
    return ["expected_purchases_%d" % day for day in days] + ["expected_profit_%d" % day for day in days]


def _forecast(summary, params, rates, settings):
    """probability_alive, expected purchases and expected profit over each forecast horizon:
    expected purchases x expected spend per purchase (Gamma-Gamma) x the customer's profit rate."""
    predicted = clv.predict(summary, params, horizons_days=settings.forecast_days)
    spend = predicted["expected_spend"] * rates.reindex(summary.index)
    for day in settings.forecast_days:
        predicted["expected_profit_%d" % day] = predicted["expected_purchases_%d" % day] * spend
    return predicted[["probability_alive"] + forecast_columns(settings.forecast_days)]


def _partitions(purchases):
    """``purchases`` as a function of partitions of customers (see
    :func:`cross_sell.suggestions_by_partition`): a frame is one partition of every customer."""
    if callable(purchases):
        return purchases
    if "amount" not in purchases:
        purchases = pd.DataFrame({"partner_id": pd.Series(dtype=np.int64), "product_id": pd.Series(dtype=np.int64),
                                  "amount": pd.Series(dtype=np.float64)})
    return lambda: iter([(np.iinfo(np.int64).min, np.iinfo(np.int64).max, purchases)])


def _product_totals(parts):
    """The totals of each product (:func:`pareto.totals`) from those of each partition."""
    if len(parts) == 1:
        return parts[0]
    table = pd.concat(parts)
    grouped = table.groupby(level=0, sort=True)
    result = pd.DataFrame({"revenue": grouped["revenue"].sum()})
    if "margin" in table:
        result["margin"] = grouped["margin"].sum(min_count=1).where(grouped["margin"].count() == grouped.size())
    return result


def aligned(frame, ids, fill=np.nan):
    """The rows of ``frame`` (indexed by sorted, distinct ids) of the sorted ``ids``, ``fill``
    where it has none: by binary search, without the hash table of a whole index that
    ``reindex`` builds and keeps (tens of bytes per row)."""
    keys = frame.index.to_numpy()
    at = np.searchsorted(keys, ids)
    found = at < len(keys)
    found[found] = keys[at[found]] == ids[found]
    columns = {}
    for name in frame.columns:
        values = frame[name].to_numpy()
        column = np.full(len(ids), fill, dtype=np.result_type(values.dtype, np.asarray(fill).dtype))
        column[found] = values[at[found]]
        columns[name] = column
    return pd.DataFrame(columns, index=pd.Index(ids, name=frame.index.name))


def _buyers_rfm(totals, bought, as_of, columns):
    """The ``columns`` of the RFM table (:func:`rfm.rfm_table_from_totals`) of the customers of
    ``totals`` who ``bought``: a slice of them at a time, keeping only those columns."""
    rows = np.flatnonzero(bought)
    # Filled in place, a column at a time: concatenating the slices (or a dict of the columns,
    # consolidated into one block) would copy them all.
    arrays = None
    for start in range(0, max(len(rows), 1), SLICE_ROWS):
        part = rfm.rfm_table_from_totals(totals.iloc[rows[start:start + SLICE_ROWS]], as_of)
        if arrays is None:  # sized once, from the first slice's types
            arrays = {name: np.empty(len(rows), dtype=part[name].dtype) for name in columns}
        for name in columns:
            arrays[name][start:start + len(part)] = part[name]
    table = pd.DataFrame(index=totals.index[rows])
    for name in columns:
        table[name] = arrays.pop(name)
    return table


def _sorted(frame):
    return frame if frame.index.is_monotonic_increasing else frame.sort_index()


class CustomerFigures:
    """Each customer's figures of a run (RFM, scores, segment and memberships, profit and its
    parts, NPV, forecasts, tiers, stage), made a slice of customers at a time from what the run
    holds for every customer: their sums, and the few figures ranked or summed over all of
    them (segment, profit, NPV, decile). A run of millions of customers never holds the forty
    columns of every customer at once."""

    def __init__(self, totals, as_of, settings, edges, model, segment_of, indicators, line_sums, costs, params,
                 contacted, redeveloping):
        self.totals, self.as_of, self.settings, self.edges, self.model = totals, as_of, settings, edges, model
        self.index = totals.index
        self.bought = totals["frequency"].to_numpy() > 0
        self.segment_of = segment_of            # int16, -1 for a customer without a segment
        self.indicators, self.line_sums, self.costs, self.params = indicators, line_sums, costs, params
        self.contacted = np.array(sorted(contacted), dtype=np.int64)
        self.redeveloping = np.array(sorted(redeveloping), dtype=np.int64)
        # set by run() once every customer's profit and NPV are known
        self.npv = self.decile = None
        self.thresholds = {}

    def __len__(self):
        return len(self.index)

    def money(self, start, stop):
        """Revenue, margin, cost to serve, profit and rates (:func:`profit.customer_profit`) of
        the customers of rows ``start`` to ``stop``."""
        ids = self.index.to_numpy()[start:stop]
        lines = aligned(self.line_sums, ids, 0.0).reset_index()
        return profit.customer_profit(lines, aligned(self.costs, ids), ids, self.settings.margin_rate)

    def degrees(self, table):
        """Memberships of the customers of ``table`` (its RFM) in each segment (NaN for those
        without a purchase, or without segments)."""
        if not self.model:
            return pd.DataFrame(index=table.index)
        buyers = table[table["frequency"].to_numpy() > 0]
        features = buyers[list(segments.RFM_FEATURES)]
        if self.indicators is not None:
            features = features.join(aligned(self.indicators, buyers.index.to_numpy()))
        return segments.memberships_from_model(features, self.model).reindex(table.index)

    def frame(self, start, stop, complete=True):
        """The figures of the customers of rows ``start`` to ``stop`` (one row each), and their
        memberships in each segment. Not ``complete``: only the figures a run sums (RFM, segment,
        profit and its parts, NPV, forecasts, at risk), and no memberships."""
        settings = self.settings
        result = rfm.rfm_table_from_totals(self.totals.iloc[start:stop], self.as_of)
        if complete:
            scores = rfm.scores_from_edges(result, self.edges)
            for name in scores.columns:
                result[name] = scores[name].to_numpy()
        segment = self.segment_of[start:stop].astype(np.float64)
        segment[segment < 0] = np.nan
        result["segment"] = segment
        degrees = self.degrees(result) if complete else None
        if complete:
            result["membership"] = degrees.max(axis=1).to_numpy() if len(degrees.columns) else np.nan
        money = self.money(start, stop)
        for name in money.columns:
            result[name] = money[name].to_numpy()
        result["customer_npv"] = self.npv[start:stop]
        bought = self.bought[start:stop]
        forecasts = ["probability_alive"] + forecast_columns(settings.forecast_days)
        predicted = pd.DataFrame(np.nan, index=result.index, columns=forecasts)
        if "not_fitted" not in self.params and bought.any():
            buyers = result[bought]
            predicted.loc[bought] = _forecast(clv.summary_from_rfm(buyers, settings.time_unit), self.params,
                                              buyers["profit_rate"], settings).to_numpy()
        for name in forecasts:
            result[name] = predicted[name].to_numpy()
        if complete:
            self._add_types(result, bought)
        result["at_risk"] = bought & profit.at_risk_flags(
            result["profit"].to_numpy(), result["probability_alive"].to_numpy(),
            self.thresholds.get("at_risk", np.inf), settings.at_risk_probability)
        if complete:
            decile = self.decile[start:stop].astype(np.float64)
            decile[decile == 0] = np.nan
            result["value_decile"] = decile
        return result, degrees

    def _add_types(self, result, bought):
        """The value tier, age type and lifecycle stage of the customers of ``result``."""
        if "high" in self.thresholds:
            result["value_tier"] = segments.value_tier(
                result["customer_npv"].where(bought), self.thresholds["high"], self.thresholds["low"])
        else:  # nobody to rank: no tier
            result["value_tier"] = None
        result["age_type"] = segments.new_or_old(result["first_date"], self.as_of, self.settings.new_customer_days)
        ids = result.index.to_numpy()
        result["lifecycle_stage"] = lifecycle_stage(result["frequency"], np.isin(ids, self.contacted),
                                                    np.isin(ids, self.redeveloping))

    def slices(self, size=None, complete=True):
        """Every customer's figures (:meth:`frame`), ``size`` (:data:`SLICE_ROWS`) customers at a time."""
        size = size or SLICE_ROWS
        for start in range(0, len(self), size):
            yield self.frame(start, start + size, complete)


def run(transactions, purchases, customers, as_of, settings, indicators=None, contacted=(), counts=None,
        totals=None, redeveloping=()):
    """Compute everything a run saves.

    :param transactions: partner_id, date, amount[, margin] (commercial partners, company currency);
        or None with ``totals``, each customer's sums of them (:func:`rfm.purchase_totals`).
    :param purchases: partner_id, product_id (0 for lines without a product), amount, and
        optionally known_amount and known_margin (the revenue of known cost, and its margin), per
        customer and product, credit notes deducted (profit, cross-selling, products); gets a
        margin column. Or, so that a run never holds every customer's lines at once, a function
        returning an iterator of ``(low, high, frame)``: such frames of the customers of ids from
        low (included) to high (excluded), ranges that follow each other and cover every customer
        (it is called three times).
    :param customers: ids of every customer to report, buyers or not.
    :param indicators: optional DataFrame indexed by partner_id with more segmentation features
        (payment delay, country, product breadth...).
    :param contacted: ids of customers with a lead or a message (lifecycle).
    :param redeveloping: ids of customers with an open opportunity or quotation (lifecycle).
    :param counts: optional DataFrame indexed by partner_id with the counts of the cost to
        serve (:data:`profit.COUNT_COLUMNS`).
    :raise ValueError: bad settings or data, with a message fit for the user.
    """
    return run_frames({"transactions": transactions, "purchases": purchases, "customers": customers,
                       "indicators": indicators, "contacted": contacted, "counts": counts,
                       "totals": None if totals is None else totals.copy(deep=False),  # the caller's stays whole
                       "redeveloping": redeveloping}, as_of, settings)


def run_frames(frames, as_of, settings):
    """:func:`run` of the arguments of those names in ``frames``, which it empties as it reads
    them (and may change them in place): a caller that hands its frames over this way keeps no
    reference to them, and each is freed as soon as the run has read it."""
    totals = frames.pop("totals", None)
    transactions = frames.pop("transactions", None)
    if totals is None:
        # The transactions and their occasions are the biggest frames of a run: once summed up, free them.
        totals = rfm.occasion_totals(rfm.purchase_occasions(transactions), as_of)
    del transactions
    for name in set(totals.columns) - set(rfm.TOTALS_COLUMNS):
        del totals[name]  # only the sums RFM reads, for every customer (in place: no copy)
    totals = rfm.customer_totals(totals, as_of, frames.pop("customers"))
    # The cost to serve of the customers who cost anything (none while the company counts no cost).
    counts = frames.pop("counts", None)
    costs = profit.cost_to_serve(
        counts if counts is not None else pd.DataFrame(index=pd.Index([], dtype=np.int64, name="partner_id")),
        settings.unit_costs)
    del counts
    costs = _sorted(costs[costs["cost_to_serve"].to_numpy() != 0])
    bought = totals["frequency"].to_numpy() > 0
    buyers = totals.index[bought]
    table = _buyers_rfm(totals, bought, as_of, list(segments.RFM_FEATURES))
    edges = rfm.score_edges(table)
    indicators = frames.pop("indicators", None)
    indicators = _sorted(indicators) if indicators is not None and len(indicators.columns) else None
    if len(buyers) < settings.n_segments:
        # A company starting out, with fewer buyers than segments: no segment and no suggestion,
        # but every other figure, the lifecycle stages of its leads and contacts first.
        segmentation = segments.Segmentation(
            segments=pd.DataFrame(columns=["name", "base_name", "variant", "value_level", "frequency_level",
                                           "recency_level", "customers"]),
            memberships=None, labels=pd.Series(dtype=np.float64), model={})
    else:
        if indicators is not None:
            for name, values in aligned(indicators, buyers.to_numpy()).items():
                table[name] = values.to_numpy()
        # the memberships are made again a slice at a time: never every buyer's at once
        segmentation = segments.segment_customers(
            table, n_segments=settings.n_segments, random_state=settings.random_state, keep_memberships=False)
    segment_of = np.full(len(totals), -1, dtype=np.int16)
    if len(segmentation.labels):  # labelled in the order of the buyers (both sorted)
        segment_of[bought] = segmentation.labels.to_numpy()
    del table

    # Cross-selling: the popularity in each segment is counted now, over every partition; each
    # partition's suggestions are made when they are written.
    partitions = _partitions(frames.pop("purchases"))

    def sold():
        for low, high, part in partitions():
            with_product = part["product_id"].to_numpy() > 0
            yield low, high, (part if with_product.all() else part[with_product])
    suggestions = cross_sell.suggestions_by_partition(sold, segmentation.labels,
                                                      top_n=settings.suggestions_per_customer)
    segmentation.labels = None  # the suggestions and segment_of hold them
    # Each partition of lines summed per customer and per product, then freed.
    sums, product_parts, known, revenue_sold = [], [], 0.0, 0.0
    for _low, _high, lines in partitions():
        lines["margin"] = profit.line_margin(lines, settings.margin_rate)
        sums.append(lines.groupby("partner_id")[["amount", "margin"]].sum())
        with_product = lines["product_id"].to_numpy() > 0
        product_parts.append(pareto.totals(lines if with_product.all() else lines[with_product], "product_id"))
        known += lines["known_amount"].sum() if "known_amount" in lines else 0.0
        revenue_sold += lines["amount"].sum()
        del lines
    line_sums = _sorted(pd.concat(sums)) if sums else pd.DataFrame(
        {"amount": pd.Series(dtype=np.float64), "margin": pd.Series(dtype=np.float64)},
        index=pd.Index([], dtype=np.int64, name="partner_id"))
    del sums
    products = _product_totals(product_parts)
    losing_products = pareto.unprofitable(products["margin"]) if len(products) else pd.Series(dtype=float)

    figures = CustomerFigures(totals, as_of, settings, edges, segmentation.model, segment_of, indicators, line_sums,
                              costs, {}, frames.pop("contacted", ()), frames.pop("redeveloping", ()))
    # Every customer's profit and margin, for the ranks, the tiers and the NPV: a slice at a time.
    money = {name: np.empty(len(totals)) for name in ("profit", "margin", "margin_rate")}
    for start in range(0, len(totals), SLICE_ROWS):
        part = figures.money(start, start + SLICE_ROWS)
        for name, values in money.items():
            values[start:start + len(part)] = part[name].to_numpy()
    summary_input = clv.summary_from_rfm(_buyers_rfm(totals, bought, as_of, ["frequency", "recency_days", "T",
                                                                            "repeat_mean"]), settings.time_unit)
    try:
        npv, params = clv.customer_npv(
            summary_input, time_unit=settings.time_unit, horizon_months=settings.horizon_months,
            annual_discount_rate=settings.annual_discount_rate, margin_rate=money["margin_rate"][bought])
        if not np.isfinite(npv.to_numpy()).all():
            raise ValueError("the purchase model did not converge on this history")
        customer_npv = np.zeros(len(totals))
        customer_npv[bought] = npv.to_numpy()
    except ValueError as error:
        # Too little repeat business to fit the models (a young or small company): fall back to
        # the margin already earned, forecast nothing, and say why in the saved parameters.
        customer_npv, params = money["margin"], {"not_fitted": str(error)}
    del summary_input
    figures.params, figures.npv = params, customer_npv
    profits = money["profit"]
    del money
    profit.check_at_risk_rule(settings.high_value_quantile, settings.at_risk_probability)
    buyer_npv = pd.Series(customer_npv[bought])
    buyer_profit = profits[bought]
    if len(buyers):
        figures.thresholds = {"high": float(buyer_npv.quantile(settings.high_value_quantile)),
                              "low": float(buyer_npv.quantile(settings.low_value_quantile)),
                              "at_risk": float(pd.Series(buyer_profit).quantile(settings.high_value_quantile))}
    # Ranked best first, ties in the order of the customers.
    ranks = np.empty(len(buyer_profit), dtype=np.int64)
    ranks[np.argsort(-buyer_profit, kind="stable")] = np.arange(1, len(buyer_profit) + 1)
    figures.decile = np.zeros(len(totals), dtype=np.int8)
    figures.decile[bought] = np.ceil(10 * ranks / max(len(buyer_profit), 1))
    del ranks
    # Pareto and the whale curve rank every customer with a sale, a credit note or a cost.
    ranked = pd.Series(profits[bought | (profits != 0)])
    summary = pareto.pareto_summary(ranked) if len(ranked) else {
        "count": 0, "total": 0.0, "top_share": None, "gross_profit": 0.0, "losses": 0.0, "unprofitable_count": 0,
        "consumed_share": None}  # nobody sold to yet
    whale = pd.DataFrame({"entity_share": pd.Series(dtype=float), "value_share": pd.Series(dtype=float)})
    if summary["total"] > 0:
        summary.update(pareto.whale_figures(ranked))
        whale = pareto.pareto_curve(ranked)
    del ranked, profits

    # The sums of every customer's figures, and of each segment's, over the slices.
    summed = ["net_revenue", "margin", *profit.COST_PARTS, "cost_to_serve", "profit",
              *forecast_columns(settings.forecast_days)]
    totals_summed = dict.fromkeys(summed, 0.0)
    at_risk_count, by_segment = 0, []
    for part, _degrees in figures.slices(complete=False):
        for name in summed:
            totals_summed[name] += float(part[name].sum())
        at_risk_count += int(part["at_risk"].sum())
        labelled = part[part["segment"].notna()]
        grouped = labelled[summed + ["at_risk"]].groupby(labelled["segment"].to_numpy().astype(np.int64))
        by_segment.append(grouped.sum(min_count=1))
    if by_segment:
        per_segment = pd.concat(by_segment).groupby(level=0)
        forecast_by_segment = per_segment[summed].sum(min_count=1)
        forecast_by_segment["at_risk_count"] = per_segment["at_risk"].sum()
    else:
        forecast_by_segment = pd.DataFrame(columns=summed + ["at_risk_count"])
    summary.update(
        basis="profit", customer_count=len(totals), buyer_count=len(buyers),
        revenue=float(totals["monetary"].sum()), npv_total=float(customer_npv.sum()),
        high_threshold=figures.thresholds.get("high", 0.0), low_threshold=figures.thresholds.get("low", 0.0),
        at_risk_count=at_risk_count,
        cost_coverage=float(known / revenue_sold) if revenue_sold > 0 else None,
        unprofitable_product_count=len(losing_products), product_losses=float(losing_products.sum()),
        **totals_summed)
    return Result(figures=figures, segments=segmentation.segments.join(forecast_by_segment),
                  suggestions=suggestions, products=products, whale=whale, summary=summary, rfm_edges=edges,
                  clv_params=params)
