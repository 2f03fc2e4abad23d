"""A tag of knowledge articles (also a term articles are suggested for)."""
from odoo import fields, models


class CrmKnowledgeTag(models.Model):
    _name = "crm.knowledge.tag"
    _description = "Knowledge Tag"
    _order = "name"

    name = fields.Char(required=True, translate=True)
    color = fields.Integer()
    company_id = fields.Many2one("res.company", index=True, help="Empty: shared by every company.")
    # the inverse of the articles' tags: lets record rules show visitors only the tags of published articles
    article_ids = fields.Many2many("crm.knowledge.article", "crm_knowledge_article_crm_knowledge_tag_rel",
                                   "crm_knowledge_tag_id", "crm_knowledge_article_id", string="Articles")

    _sql_constraints = [("name_unique", "UNIQUE(name)", "This tag already exists.")]
