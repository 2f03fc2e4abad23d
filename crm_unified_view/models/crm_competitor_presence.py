"""A competitor a customer also buys from: optionally for which product category and which share."""
from odoo import api, fields, models
from odoo.exceptions import ValidationError


class CrmCompetitorPresence(models.Model):
    _name = "crm.competitor.presence"
    _description = "Competitor of a Customer"
    _order = "partner_id, share_estimate desc, id"
    _rec_name = "competitor_id"

    partner_id = fields.Many2one(
        "res.partner", "Customer", required=True, index=True, ondelete="cascade",
        domain="[('parent_id', '=', False)]")
    competitor_id = fields.Many2one("crm.competitor", required=True, index=True, ondelete="restrict")
    product_category_id = fields.Many2one("product.category")
    share_estimate = fields.Float(
        "Estimated Share (%)", aggregator="avg",
        help="Share of the customer's purchases in this category that goes to the competitor, as staff estimate it.")
    note = fields.Char("Notes")
    user_id = fields.Many2one("res.users", "Noted By", default=lambda self: self.env.user, readonly=True)
    date = fields.Date("Noted On", default=fields.Date.context_today, readonly=True)

    _sql_constraints = [
        ("competitor_category_unique", "UNIQUE(partner_id, competitor_id, product_category_id)",
         "This competitor is already noted for this customer and product category."),
    ]

    @api.constrains("share_estimate")
    def _check_share_estimate(self):
        for presence in self:
            if not 0 <= presence.share_estimate <= 100:
                raise ValidationError(self.env._("The estimated share is between 0 and 100%."))
