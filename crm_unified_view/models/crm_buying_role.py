"""Roles a contact of a business customer plays in its buying decisions."""
from odoo import fields, models


class CrmBuyingRole(models.Model):
    _name = "crm.buying.role"
    _description = "Buying Role"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    description = fields.Text(translate=True)
    color = fields.Integer()
    active = fields.Boolean(default=True)
