"""A saved version of an article: what one save replaced, to compare and restore."""
from odoo import api, fields, models
from odoo.tools import html2plaintext

from ..analytics import knowledge


class CrmKnowledgeVersion(models.Model):
    _name = "crm.knowledge.version"
    _description = "Knowledge Article Version"
    _order = "article_id, id desc"

    article_id = fields.Many2one("crm.knowledge.article", required=True, ondelete="cascade", index=True)
    name = fields.Char("Title", required=True)
    body = fields.Html(sanitize=True, sanitize_overridable=False)
    author_id = fields.Many2one("res.users", "Replaced By", required=True)
    company_id = fields.Many2one(related="article_id.company_id", store=True, index=True)
    diff = fields.Html("Changes Since", compute="_compute_diff", sanitize=False,
                       help="What changed from this version to the article as it is now.")

    @api.depends("body", "article_id.body")
    def _compute_diff(self):
        for version in self:
            version.diff = knowledge.text_diff(html2plaintext(version.body or ""),
                                               html2plaintext(version.article_id.body or ""))

    def action_restore(self):
        """Put this version back; the text it replaces is kept as a new version."""
        self.ensure_one()
        self.article_id.write({"name": self.name, "body": self.body})
        return {"type": "ir.actions.act_window", "res_model": "crm.knowledge.article", "res_id": self.article_id.id,
                "view_mode": "form"}
