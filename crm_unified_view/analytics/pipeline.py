"""One segmentation run end to end on extracted frames: RFM, segments, profit, NPV, forecasts, the
whale curve, cross-selling.

The ORM layer extracts the frames with set-based SQL, calls :func:`run`, and writes the
returned frames back in bulk; nothing here touches the database.
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


@dataclass
class Result:
    customers: pd.DataFrame            # one row per customer: rfm, scores, segment, memberships, tiers, npv,
                                       # lifecycle, profit and its parts, forecasts, at_risk
    segments: pd.DataFrame             # one row per segment: name, levels, customers, medians, forecasts
    memberships: pd.DataFrame          # customers x segments degrees (buyers only), rows sum to 1
    suggestions: object                # function returning an iterator of DataFrames partner_id, rank,
                                       # product_id, share: a partition of customers at a time
    products: pd.DataFrame             # product_id, revenue, margin
    whale: pd.DataFrame                # the whale curve: entity_share, value_share (of profit), best first
    summary: dict = field(default_factory=dict)
    rfm_edges: dict = field(default_factory=dict)
    clv_params: dict = field(default_factory=dict)


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


def _add_columns(frame, columns):
    """Add the columns of ``columns`` (on ``frame``'s index) to ``frame`` in place: a join would copy it."""
    for name in columns:
        frame[name] = columns[name].to_numpy()


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
    if totals is None:
        # The transactions and their occasions are the biggest frames of a run: once summed up,
        # free them (a caller that hands the transactions over frees them with this reference).
        occasions = rfm.purchase_occasions(transactions)
        del transactions
        table = rfm.rfm_table(occasions, as_of, customers=customers)
        del occasions
    else:
        table = rfm.rfm_table_from_totals(totals, as_of, customers=customers)
        del totals
    scores, edges = rfm.rfm_scores(table)
    result = table.join(scores)
    del table, scores  # result holds them: one copy of a million rows is enough
    buyers = result.index[result["frequency"].to_numpy() > 0]
    if len(buyers) < settings.n_segments:
        # A company starting out, with fewer buyers than segments: no segment and no suggestion,
        # but every other figure, the lifecycle stages of its leads and contacts first.
        segmentation = segments.Segmentation(
            segments=pd.DataFrame(columns=["name", "base_name", "variant", "value_level", "frequency_level",
                                           "recency_level", "customers"]),
            memberships=pd.DataFrame(index=pd.Index([], dtype=np.int64, name="partner_id")),
            labels=pd.Series(dtype=np.float64), model={})
    else:
        features = result.loc[buyers, list(segments.RFM_FEATURES)]
        if indicators is not None and len(indicators.columns):
            features = features.join(indicators, how="left")
        segmentation = segments.segment_customers(
            features, n_segments=settings.n_segments, random_state=settings.random_state)
        del features
    result["segment"] = segmentation.labels.reindex(result.index)
    result["membership"] = segmentation.memberships.max(axis=1).reindex(result.index)

    # Cross-selling: the popularity in each segment is counted now, over every partition; each
    # partition's suggestions are made when they are written.
    partitions = _partitions(purchases)
    del purchases

    def sold():
        for low, high, part in partitions():
            with_product = part["product_id"].to_numpy() > 0
            yield low, high, (part if with_product.all() else part[with_product])
    suggestions = cross_sell.suggestions_by_partition(sold, segmentation.labels,
                                                      top_n=settings.suggestions_per_customer)
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
    costs = profit.cost_to_serve(
        counts if counts is not None else pd.DataFrame(index=pd.Index([], dtype=np.int64, name="partner_id")),
        settings.unit_costs)
    money = profit.customer_profit(pd.concat(sums).reset_index(), costs, result.index, settings.margin_rate)
    del sums
    _add_columns(result, money)
    del money  # result holds its columns now
    products = _product_totals(product_parts)
    losing_products = pareto.unprofitable(products["margin"]) if len(products) else pd.Series(dtype=float)

    summary_input = clv.summary_from_rfm(result, settings.time_unit)
    forecasts = forecast_columns(settings.forecast_days)
    try:
        npv, params = clv.customer_npv(
            summary_input, time_unit=settings.time_unit, horizon_months=settings.horizon_months,
            annual_discount_rate=settings.annual_discount_rate,
            margin_rate=result["margin_rate"].reindex(summary_input.index).to_numpy())
        if not np.isfinite(npv.to_numpy()).all():
            raise ValueError("the purchase model did not converge on this history")
        predicted = _forecast(summary_input, params, result["profit_rate"], settings)
    except ValueError as error:
        # Too little repeat business to fit the models (a young or small company): fall back to
        # the margin already earned, forecast nothing, and say why in the saved parameters.
        npv, params = result["margin"], {"not_fitted": str(error)}
        predicted = pd.DataFrame(np.nan, index=summary_input.index, columns=["probability_alive"] + forecasts)
    result["customer_npv"] = npv.reindex(result.index).fillna(0.0)
    _add_columns(result, predicted.reindex(result.index))
    buyer_npv = result.loc[buyers, "customer_npv"]
    if len(buyers):
        high, low = (float(buyer_npv.quantile(settings.high_value_quantile)),
                     float(buyer_npv.quantile(settings.low_value_quantile)))
        result["value_tier"] = segments.value_tier(buyer_npv, high, low).reindex(result.index)
    else:  # nobody to rank: no tier
        high = low = 0.0
        result["value_tier"] = None
    result["age_type"] = segments.new_or_old(result["first_date"], as_of, settings.new_customer_days)
    result["lifecycle_stage"] = lifecycle_stage(
        result["frequency"], result.index.isin(list(contacted)), result.index.isin(list(redeveloping)))

    buyer_profit = result.loc[buyers, "profit"]
    result["at_risk"] = profit.at_risk(buyer_profit, result["probability_alive"], settings.high_value_quantile,
                                       settings.at_risk_probability).reindex(result.index, fill_value=False)
    ranks = buyer_profit.rank(ascending=False, method="first")
    result["value_decile"] = np.ceil(10 * ranks / len(buyer_profit)).reindex(result.index)
    # Pareto and the whale curve rank every customer with a sale, a credit note or a cost.
    ranked = result.loc[(result["frequency"] > 0) | (result["profit"] != 0), "profit"]
    summary = pareto.pareto_summary(ranked) if len(ranked) else {
        "count": 0, "total": 0.0, "top_share": None, "gross_profit": 0.0, "losses": 0.0, "unprofitable_count": 0,
        "consumed_share": None}  # nobody sold to yet
    whale = pd.DataFrame({"entity_share": pd.Series(dtype=float), "value_share": pd.Series(dtype=float)})
    if summary["total"] > 0:
        summary.update(pareto.whale_figures(ranked))
        whale = pareto.pareto_curve(ranked)
    summary.update(
        basis="profit", customer_count=len(result), buyer_count=len(buyers),
        revenue=float(result["monetary"].sum()), npv_total=float(result["customer_npv"].sum()),
        high_threshold=high, low_threshold=low, at_risk_count=int(result["at_risk"].sum()),
        cost_coverage=float(known / revenue_sold) if revenue_sold > 0 else None,
        unprofitable_product_count=len(losing_products), product_losses=float(losing_products.sum()),
        **{name: float(result[name].sum()) for name in (
            "net_revenue", "margin", *profit.COST_PARTS, "cost_to_serve", "profit", *forecasts)})

    # A column of the segmented rows at a time: a copy of many columns would add to the run's peak.
    labelled = result["segment"].notna().to_numpy()
    summed = ["net_revenue", "margin", *profit.COST_PARTS, "cost_to_serve", "profit", *forecasts]
    segment_of = result["segment"].to_numpy()[labelled].astype(np.int64)
    forecast_by_segment = pd.DataFrame({
        name: pd.Series(result[name].to_numpy()[labelled]).groupby(segment_of).sum(min_count=1) for name in summed})
    forecast_by_segment["at_risk_count"] = pd.Series(result["at_risk"].to_numpy()[labelled]).groupby(segment_of).sum()
    return Result(customers=result, segments=segmentation.segments.join(forecast_by_segment),
                  memberships=segmentation.memberships, suggestions=suggestions, products=products, whale=whale,
                  summary=summary, rfm_edges=edges, clv_params=params)
