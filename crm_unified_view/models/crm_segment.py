"""A customer segment discovered by one segmentation run."""
from odoo import fields, models

from ..analytics.segments import LEVELS


class CrmSegment(models.Model):
    _name = "crm.segment"
    _description = "Customer Segment"
    _inherit = "crm.profit.figures.mixin"
    _order = "run_id desc, sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(help="0 for the most valuable segment of its run.")
    run_id = fields.Many2one("crm.segmentation.run", required=True, ondelete="cascade", index=True)
    date_as_of = fields.Date(related="run_id.date_as_of", store=True)
    company_id = fields.Many2one(related="run_id.company_id", store=True)
    value_level = fields.Selection(LEVELS, "Value")
    frequency_level = fields.Selection(LEVELS, "Frequency")
    recency_level = fields.Selection(LEVELS, "Recency")
    customer_count = fields.Integer("Customers")
    median_recency_days = fields.Float("Median Days Since Last Purchase")
    median_frequency = fields.Float("Median Purchases")
    median_monetary = fields.Float("Median Revenue")
    currency_id = fields.Many2one(related="run_id.currency_id")
    at_risk_count = fields.Integer("Customers at Risk")
    color = fields.Integer(compute="_compute_color")

    def _compute_color(self):
        for segment in self:
            segment.color = segment.sequence % 11 + 1

    def action_create_mailing(self):
        return self.env["crm.mailing.create"]._action_open(self)
