"""Competitors our customers also buy from (competitor behaviour, an associative information)."""
from odoo import fields, models


class CrmCompetitor(models.Model):
    _name = "crm.competitor"
    _description = "Competitor"
    _order = "name"

    name = fields.Char(required=True)
    website = fields.Char()
    note = fields.Text("Notes")
    active = fields.Boolean(default=True)
    presence_ids = fields.One2many("crm.competitor.presence", "competitor_id", "Customers Buying From Them")
    customer_count = fields.Integer("Customers", compute="_compute_customer_count")

    _sql_constraints = [
        ("name_unique", "UNIQUE(name)", "A competitor with this name already exists."),
    ]

    def _compute_customer_count(self):
        # counted with the user's rights: lines of customers they may not read count for nothing
        Presence = self.env["crm.competitor.presence"]
        if not Presence.has_access("read"):
            self.customer_count = 0
            return
        counts = dict(Presence._read_group(
            [("competitor_id", "in", self.ids)], ["competitor_id"], ["partner_id:count_distinct"]))
        for competitor in self:
            competitor.customer_count = counts.get(competitor, 0)
