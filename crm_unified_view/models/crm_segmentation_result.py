"""One customer in one segmentation run: the history of segments, scores and value."""
from odoo import fields, models

from ..analytics.pipeline import LIFECYCLE_STAGES
from ..analytics.segments import AGE_TYPES, VALUE_TIERS
from .unkeyed_many2one import UnkeyedMany2one


class CrmSegmentationResult(models.Model):
    _name = "crm.segmentation.result"
    _description = "Customer Segmentation Result"
    _inherit = "crm.profit.figures.mixin"
    _order = "date_as_of desc, run_id desc, partner_id"
    # A run inserts one row per customer, a million at a time: each foreign key costs a
    # lookup per row, so who and when live on the run, and the company is read through it.
    _log_access = False
    # Also the index of a run's lines, and of a customer's line in the latest run.
    _sql_constraints = [
        ("run_partner_unique", "UNIQUE(run_id, partner_id)", "A customer has one line per segmentation run."),
    ]

    run_id = UnkeyedMany2one("crm.segmentation.run", required=True, ondelete="cascade")
    date_as_of = fields.Date(related="run_id.date_as_of", store=True)
    company_id = fields.Many2one(related="run_id.company_id")
    currency_id = fields.Many2one(related="run_id.currency_id")
    partner_id = UnkeyedMany2one("res.partner", "Customer", required=True, ondelete="cascade", index=True)
    segment_id = UnkeyedMany2one("crm.segment", ondelete="set null")
    membership = fields.Float(help="Degree of membership in its main segment (0-1).")
    memberships = fields.Json(help="Degree of membership in every segment of the run, by segment id.")
    recency_days = fields.Integer("Days Since Last Purchase", aggregator="avg")
    first_purchase_date = fields.Date("First Purchase")
    frequency = fields.Integer("Purchases", aggregator="avg")
    monetary = fields.Monetary("Revenue")
    # With frequency, first_purchase_date, recency_days and monetary, the sums of the customer's
    # transactions RFM starts from: the next run takes them over for the customers whose
    # transactions did not change.
    repeat_total = fields.Float("Revenue of Repeat Purchases",
                                help="Net amount of the purchase occasions after the first one.")
    transaction_count = fields.Integer("Transactions", help="Orders (or invoices and credit notes) counted.")
    r_score = fields.Integer(aggregator="avg")
    f_score = fields.Integer(aggregator="avg")
    m_score = fields.Integer(aggregator="avg")
    rfm_score = fields.Char("RFM")
    value_tier = fields.Selection(VALUE_TIERS)
    age_type = fields.Selection(AGE_TYPES, "New or Old")
    customer_npv = fields.Monetary("Customer NPV")
    lifecycle_stage = fields.Selection(LIFECYCLE_STAGES)
    value_decile = fields.Integer(help="1 for the 10% of buyers with the most profit, 10 for the last.")
    probability_alive = fields.Float("Probability Active", aggregator="avg",
                                     help="Probability that the customer is still buying (0-1).")
    at_risk = fields.Boolean(
        help="High past profit, and a probability of being still active below the run's threshold.")
