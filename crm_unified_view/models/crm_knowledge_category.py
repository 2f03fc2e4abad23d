"""A category of the knowledge base: a tree, shown on the public help pages."""
from odoo import api, fields, models
from odoo.exceptions import ValidationError


class CrmKnowledgeCategory(models.Model):
    _name = "crm.knowledge.category"
    _description = "Knowledge Category"
    _parent_store = True
    _parent_name = "parent_id"
    _rec_name = "complete_name"
    _order = "complete_name"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    complete_name = fields.Char(compute="_compute_complete_name", store=True, recursive=True)
    parent_id = fields.Many2one("crm.knowledge.category", "Parent Category", index=True, ondelete="cascade",
                                check_company=True)
    parent_path = fields.Char(index=True)
    child_ids = fields.One2many("crm.knowledge.category", "parent_id", "Subcategories")
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one("res.company", index=True, help="Empty: shared by every company.")
    article_ids = fields.One2many("crm.knowledge.article", "category_id", "Articles")
    article_count = fields.Integer(compute="_compute_article_count")

    @api.depends("name", "parent_id.complete_name")
    def _compute_complete_name(self):
        for category in self:
            category.complete_name = (
                "%s / %s" % (category.parent_id.complete_name, category.name) if category.parent_id else category.name)

    def _compute_article_count(self):
        counts = dict(self.env["crm.knowledge.article"]._read_group(
            [("category_id", "child_of", self.ids)], ["category_id"], ["__count"]))
        for category in self:
            category.article_count = sum(
                count for child, count in counts.items() if child.parent_path.startswith(category.parent_path))

    @api.constrains("parent_id")
    def _check_parent_id(self):
        if self._has_cycle():
            raise ValidationError(self.env._("A category cannot be its own parent."))
