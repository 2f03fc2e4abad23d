"""Profit of each customer and product: margin per line, cost to serve, and the rates forecasts use.

Margin of a line: its revenue minus its cost where the cost is known; where it is not (a
product without a cost), its revenue times a default margin rate. Credit notes come as lines
with negative revenue, so they reduce both. Cost to serve: what handling the customer costs
beyond the goods sold. Profit = margin - cost to serve. Pure functions, no ORM.
"""
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

COST_PARTS = ("cost_orders", "cost_complaints", "cost_credit_notes", "cost_late_payment")
# Complaint priorities, as counted in the ``complaints_<priority>`` columns of the counts.
COMPLAINT_PRIORITIES = ("0", "1", "2", "3")
COUNT_COLUMNS = ("orders", "credit_notes", *("complaints_" + priority for priority in COMPLAINT_PRIORITIES),
                 "late_amount_days")
DAYS_PER_YEAR = 365.0


@dataclass
class UnitCosts:
    """The cost to serve of a company, in its currency (see the company's Settings)."""
    order: float = 0.0
    credit_note: float = 0.0
    complaint: dict = field(default_factory=dict)  # priority -> cost of one complaint
    late_payment_rate: float = 0.0                 # yearly rate (0.12 for 12%)

    def check(self):
        values = [self.order, self.credit_note, self.late_payment_rate, *self.complaint.values()]
        if not all(np.isfinite(value) and value >= 0 for value in values):
            raise ValueError("Costs to serve and the late-payment rate must be numbers >= 0.")


def line_margin(lines, default_margin_rate):
    """The margin of ``lines``: known margin plus the revenue of unknown cost at the default rate.

    :param lines: DataFrame with amount (revenue, negative for credit notes), and optionally
        known_amount (the part of amount whose cost is known) and known_margin (its margin);
        without them no cost is known.
    :return: array of margins, one per line.
    """
    if not np.isfinite(default_margin_rate):
        raise ValueError("The default margin rate must be a finite number.")
    amount = lines["amount"].to_numpy(dtype=np.float64)
    known_amount = lines["known_amount"].to_numpy(dtype=np.float64) if "known_amount" in lines else 0.0
    known_margin = lines["known_margin"].to_numpy(dtype=np.float64) if "known_margin" in lines else 0.0
    return known_margin + (amount - known_amount) * default_margin_rate


def cost_to_serve(counts, unit_costs):
    """Each customer's cost to serve, by part.

    :param counts: DataFrame indexed by partner_id with any of :data:`COUNT_COLUMNS` (missing
        columns count 0): orders handled, credit notes, complaints per priority and
        late_amount_days, the sum over paid-late or overdue amounts of amount x days late.
    :return: DataFrame on counts' index with :data:`COST_PARTS` and cost_to_serve (their sum).
        Late payment: late_payment_rate x late_amount_days / 365.
    """
    unit_costs.check()

    def column(name):
        return counts[name].to_numpy(dtype=np.float64) if name in counts else np.zeros(len(counts))

    complaints = sum(column("complaints_" + priority) * unit_costs.complaint.get(priority, 0.0)
                     for priority in COMPLAINT_PRIORITIES)
    parts = pd.DataFrame({
        "cost_orders": column("orders") * unit_costs.order,
        "cost_complaints": complaints,
        "cost_credit_notes": column("credit_notes") * unit_costs.credit_note,
        "cost_late_payment": column("late_amount_days") * unit_costs.late_payment_rate / DAYS_PER_YEAR,
    }, index=counts.index)
    parts["cost_to_serve"] = parts[list(COST_PARTS)].sum(axis=1)
    return parts


def customer_profit(lines, costs, customers, default_margin_rate):
    """Revenue, margin, cost to serve and profit of each customer, and the rates forecasts use.

    :param lines: DataFrame with partner_id, amount and margin (:func:`line_margin`), per line
        or per customer and product.
    :param costs: output of :func:`cost_to_serve`, indexed by partner_id.
    :param customers: ids of every customer to report.
    :return: DataFrame indexed by ``customers`` with net_revenue, margin, :data:`COST_PARTS`,
        cost_to_serve, profit, margin_rate and profit_rate (margin and profit per unit of net
        revenue; the default margin rate for a customer without positive net revenue).
    """
    index = pd.Index(np.asarray(customers, dtype=np.int64), name="partner_id")
    sums = lines.groupby("partner_id")[["amount", "margin"]].sum().reindex(index, fill_value=0.0)
    table = pd.DataFrame({"net_revenue": sums["amount"], "margin": sums["margin"]}, index=index)
    table = table.join(costs.reindex(index).fillna(0.0)) if len(costs.columns) else table.assign(
        **dict.fromkeys((*COST_PARTS, "cost_to_serve"), 0.0))
    table["profit"] = table["margin"] - table["cost_to_serve"]
    revenue = table["net_revenue"].to_numpy()
    selling = revenue > 0
    safe = np.where(selling, revenue, 1.0)
    table["margin_rate"] = np.where(selling, table["margin"].to_numpy() / safe, default_margin_rate)
    table["profit_rate"] = np.where(selling, table["profit"].to_numpy() / safe, default_margin_rate)
    return table


def at_risk(profit, probability_alive, high_value_quantile, alive_below):
    """Customers of high past value whom the purchase model thinks likely gone.

    :param profit: Series of past profit per buyer.
    :param probability_alive: Series on the same index (NaN when the model was not fitted).
    :param high_value_quantile: a buyer whose profit reaches this quantile of all buyers' has a high value.
    :param alive_below: ... and is at risk when the probability that they are still active is below this.
    :return: boolean Series on profit's index.
    """
    check_at_risk_rule(high_value_quantile, alive_below)
    if not len(profit):
        return pd.Series(np.zeros(0, dtype=bool), index=profit.index)
    threshold = float(profit.quantile(high_value_quantile))
    return pd.Series(at_risk_flags(profit.to_numpy(), probability_alive.reindex(profit.index).to_numpy(dtype=np.float64),
                                   threshold, alive_below), index=profit.index)


def check_at_risk_rule(high_value_quantile, alive_below):
    """:raise ValueError: the settings of :func:`at_risk` out of their range."""
    if not 0 <= high_value_quantile <= 1 or not 0 <= alive_below <= 1:
        raise ValueError("The high-value quantile and the probability threshold lie between 0 and 1.")


def at_risk_flags(profit, alive, threshold, alive_below):
    """:func:`at_risk` of buyers whose ``profit`` and probability ``alive`` are arrays, given the
    profit ``threshold`` of a high value (the quantile over every buyer): a slice of them at a time."""
    with np.errstate(invalid="ignore"):
        return (profit >= threshold) & (profit > 0) & (alive < alive_below)
