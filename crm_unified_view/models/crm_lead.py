"""Leads keep reply clocks: a customer's email waits for an answer from the salesperson."""
from odoo import models


class CrmLead(models.Model):
    _name = "crm.lead"
    _inherit = ["crm.lead", "crm.reply.clock.mixin"]
