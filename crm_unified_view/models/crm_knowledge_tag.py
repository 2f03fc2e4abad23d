"""A tag of knowledge articles (also a term articles are suggested for)."""
from odoo import fields, models


class CrmKnowledgeTag(models.Model):
    _name = "crm.knowledge.tag"
    _description = "Knowledge Tag"
    _order = "name"

    name = fields.Char(required=True, translate=True)
    color = fields.Integer()

    _sql_constraints = [("name_unique", "UNIQUE(name)", "This tag already exists.")]
