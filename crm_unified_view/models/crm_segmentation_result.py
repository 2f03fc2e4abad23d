"""One customer in one segmentation run: the history of segments, scores and value."""
from odoo import fields, models

from ..analytics.pipeline import LIFECYCLE_STAGES
from ..analytics.segments import AGE_TYPES, VALUE_TIERS


class CrmSegmentationResult(models.Model):
    _name = "crm.segmentation.result"
    _description = "Customer Segmentation Result"
    _order = "date_as_of desc, run_id desc, partner_id"
    # A run inserts one row per customer, a million at a time: each foreign key costs a
    # lookup per row, so who and when live on the run, and the company is read through it.
    _log_access = False

    run_id = fields.Many2one("crm.segmentation.run", required=True, ondelete="cascade", index=True)
    date_as_of = fields.Date(related="run_id.date_as_of", store=True)
    company_id = fields.Many2one(related="run_id.company_id")
    currency_id = fields.Many2one(related="run_id.currency_id")
    partner_id = fields.Many2one("res.partner", "Customer", required=True, ondelete="cascade", index=True)
    segment_id = fields.Many2one("crm.segment", ondelete="set null")
    membership = fields.Float(help="Degree of membership in its main segment (0-1).")
    memberships = fields.Json(help="Degree of membership in every segment of the run, by segment id.")
    recency_days = fields.Integer("Days Since Last Purchase", aggregator="avg")
    frequency = fields.Integer("Purchases", aggregator="avg")
    monetary = fields.Monetary("Revenue")
    r_score = fields.Integer(aggregator="avg")
    f_score = fields.Integer(aggregator="avg")
    m_score = fields.Integer(aggregator="avg")
    rfm_score = fields.Char("RFM")
    value_tier = fields.Selection(VALUE_TIERS)
    age_type = fields.Selection(AGE_TYPES, "New or Old")
    customer_npv = fields.Monetary("Customer NPV")
    lifecycle_stage = fields.Selection(LIFECYCLE_STAGES)
    value_decile = fields.Integer(help="1 for the 10% of buyers with the most profit, 10 for the last.")
    # --- profit: margin of the lines sold minus the cost to serve ----------------------
    net_revenue = fields.Monetary(help="Revenue of the lines sold, credit notes deducted.")
    margin = fields.Monetary(help="Net revenue minus the cost of the goods sold (at the default margin where "
                                  "a product has no cost).")
    cost_orders = fields.Monetary("Cost of Orders")
    cost_complaints = fields.Monetary("Cost of Complaints")
    cost_credit_notes = fields.Monetary("Cost of Credit Notes")
    cost_late_payment = fields.Monetary("Cost of Late Payment")
    cost_to_serve = fields.Monetary("Cost to Serve")
    profit = fields.Monetary(help="Margin minus cost to serve.")
    # --- forecasts (BG/NBD and Gamma-Gamma), empty when the models could not be fitted ---
    probability_alive = fields.Float("Probability Active", aggregator="avg",
                                     help="Probability that the customer is still buying (0-1).")
    expected_purchases_30 = fields.Float("Expected Purchases (30 days)")
    expected_purchases_90 = fields.Float("Expected Purchases (90 days)")
    expected_purchases_365 = fields.Float("Expected Purchases (365 days)")
    expected_profit_30 = fields.Monetary("Expected Profit (30 days)")
    expected_profit_90 = fields.Monetary("Expected Profit (90 days)")
    expected_profit_365 = fields.Monetary("Expected Profit (365 days)")
    at_risk = fields.Boolean(
        help="High past profit, and a probability of being still active below the run's threshold.")
