from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    customer_properties_definition = fields.PropertiesDefinition("Extended Customer Information")
    reply_calendar_id = fields.Many2one(
        "resource.calendar", "Customer Service Hours",
        help="The working hours reply deadlines are counted in; empty: the company's working hours.")
