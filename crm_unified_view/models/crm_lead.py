"""Leads keep reply clocks: a customer's email waits for an answer from the salesperson."""
from odoo import api, models


class CrmLead(models.Model):
    _name = "crm.lead"
    _inherit = ["crm.lead", "crm.reply.clock.mixin"]

    @api.model_create_multi
    def create(self, vals_list):
        leads = super().create(vals_list)
        # a lead may be the customer's first contact
        leads.partner_id._update_first_contacts_of_commercial()
        return leads

    def write(self, vals):
        result = super().write(vals)
        if vals.get("partner_id"):
            self.partner_id._update_first_contacts_of_commercial()
        return result
