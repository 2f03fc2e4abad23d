"""One segmentation run end to end on extracted frames: RFM, segments, value, NPV, Pareto, cross-selling.

The ORM layer extracts the frames with set-based SQL, calls :func:`run`, and writes the
returned frames back in bulk; nothing here touches the database.
"""
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from . import clv, cross_sell, pareto, rfm, segments

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
    margin_rate: float = 0.30
    high_value_quantile: float = 0.80
    low_value_quantile: float = 0.50
    new_customer_days: int = 365
    dormant_after_days: int = 180
    suggestions_per_customer: int = 5
    time_unit: str = "week"


@dataclass
class Result:
    customers: pd.DataFrame            # one row per customer: rfm, scores, segment, memberships, tiers, npv, lifecycle
    segments: pd.DataFrame             # one row per segment: name, levels, customers, medians
    memberships: pd.DataFrame          # customers x segments degrees (buyers only), rows sum to 1
    suggestions: pd.DataFrame          # partner_id, rank, product_id, share
    products: pd.DataFrame             # product_id, revenue[, margin]
    summary: dict = field(default_factory=dict)
    rfm_edges: dict = field(default_factory=dict)
    clv_params: dict = field(default_factory=dict)


def lifecycle_stage(frequency, recency_days, contacted, dormant_after_days):
    """Lifecycle stage from purchases and contacts (see README, "Lifecycle stages").

    prospect: never bought, never in contact; first contact: in contact (lead, email,
    message) but never bought; conversion: one purchase occasion; retention: repeat buyer
    still active; re-development: bought before but dormant or lost.
    """
    frequency = np.asarray(frequency, dtype=np.int64)
    recency = np.nan_to_num(np.asarray(recency_days, dtype=np.float64), nan=np.inf)
    contacted = np.asarray(contacted, dtype=bool)
    return np.select(
        [frequency == 0, recency >= dormant_after_days, frequency == 1],
        [np.where(contacted, LIFECYCLE_FIRST_CONTACT, LIFECYCLE_PROSPECT), LIFECYCLE_REDEVELOPMENT,
         LIFECYCLE_CONVERSION],
        default=LIFECYCLE_RETENTION)


def run(transactions, purchases, customers, as_of, settings, indicators=None, contacted=()):
    """Compute everything a run saves.

    :param transactions: partner_id, date, amount[, margin] (commercial partners, company currency).
    :param purchases: partner_id, product_id, amount[, margin] per order line (cross-selling, products).
    :param customers: ids of every customer to report, buyers or not.
    :param indicators: optional DataFrame indexed by partner_id with more segmentation features
        (payment delay, country, product breadth...).
    :param contacted: ids of customers with a lead or a message (lifecycle).
    :raise ValueError: bad settings or data, with a message fit for the user.
    """
    occasions = rfm.purchase_occasions(transactions)
    table = rfm.rfm_table(occasions, as_of, customers=customers)
    scores, edges = rfm.rfm_scores(table)
    result = table.join(scores)
    buyers = table[table["frequency"] > 0]
    if len(buyers) < settings.n_segments:
        raise ValueError("Only %d customers have purchases: too few for %d segments."
                         % (len(buyers), settings.n_segments))

    features = buyers[list(segments.RFM_FEATURES)]
    if indicators is not None and len(indicators.columns):
        features = features.join(indicators, how="left")
    segmentation = segments.segment_customers(
        features, n_segments=settings.n_segments, random_state=settings.random_state)
    result["segment"] = segmentation.labels.reindex(result.index)
    result["membership"] = segmentation.memberships.max(axis=1).reindex(result.index)

    summary_input = clv.summary_from_rfm(table, settings.time_unit)
    try:
        npv, params = clv.customer_npv(
            summary_input, time_unit=settings.time_unit, horizon_months=settings.horizon_months,
            annual_discount_rate=settings.annual_discount_rate, margin_rate=settings.margin_rate)
        if not np.isfinite(npv.to_numpy()).all():
            raise ValueError("the purchase model did not converge on this history")
    except ValueError as error:
        # Too little repeat business to fit the models (a young or small company): fall back to
        # the margin already earned, and say why in the saved parameters.
        npv, params = table["monetary"] * settings.margin_rate, {"not_fitted": str(error)}
    result["customer_npv"] = npv.reindex(result.index).fillna(0.0)
    buyer_npv = result.loc[buyers.index, "customer_npv"]
    high, low = (float(buyer_npv.quantile(settings.high_value_quantile)),
                 float(buyer_npv.quantile(settings.low_value_quantile)))
    result["value_tier"] = segments.value_tier(buyer_npv, high, low).reindex(result.index)
    result["age_type"] = segments.new_or_old(result["first_date"], as_of, settings.new_customer_days)
    result["lifecycle_stage"] = lifecycle_stage(
        result["frequency"], result["recency_days"], result.index.isin(list(contacted)),
        settings.dormant_after_days)

    values, basis = pareto.value_basis(table["monetary"], table["margin"] if "margin" in table else None)
    buyer_values = values.loc[buyers.index]
    ranks = buyer_values.rank(ascending=False, method="first")
    result["value_decile"] = np.ceil(10 * ranks / len(buyer_values)).reindex(result.index)
    summary = pareto.pareto_summary(buyer_values) if buyer_values.sum() > 0 else {}
    summary.update(basis=basis, customer_count=len(result), buyer_count=len(buyers),
                   revenue=float(table["monetary"].sum()), npv_total=float(result["customer_npv"].sum()),
                   high_threshold=high, low_threshold=low)

    products = pareto.totals(purchases, "product_id") if len(purchases) else pd.DataFrame(
        {"revenue": pd.Series(dtype=float)})
    suggestions = cross_sell.suggestions(
        purchases, segmentation.labels,
        top_n=settings.suggestions_per_customer) if len(purchases) else pd.DataFrame(
        columns=["partner_id", "rank", "product_id", "share"])
    return Result(customers=result, segments=segmentation.segments, memberships=segmentation.memberships,
                  suggestions=suggestions, products=products, summary=summary,
                  rfm_edges=edges, clv_params=params)
