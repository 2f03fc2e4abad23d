from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    customer_properties_definition = fields.PropertiesDefinition("Extended Customer Information")
