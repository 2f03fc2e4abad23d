"""A saved version of an article: what one save replaced, kept as Odoo's HTML patch back to it."""
from odoo import api, fields, models

from odoo.addons.web_editor.models.diff_utils import apply_patch, generate_comparison, generate_patch


class CrmKnowledgeVersion(models.Model):
    _name = "crm.knowledge.version"
    _description = "Knowledge Article Version"
    _order = "article_id, id desc"

    article_id = fields.Many2one("crm.knowledge.article", required=True, ondelete="cascade", index=True)
    name = fields.Char("Title", required=True)
    # As in Odoo's html.field.history.mixin: the patch (web_editor's diff utilities) from the body
    # that replaced this version back to the body it had; the text is rebuilt from the article's.
    # Records rather than the mixin's JSON on the article, which every reader of a published article
    # could read and its author rewrite, and which versions no title: records get rules and a company.
    patch = fields.Text(readonly=True)
    body = fields.Html(compute="_compute_body", sanitize=True, sanitize_overridable=False)
    author_id = fields.Many2one("res.users", "Replaced By", required=True)
    company_id = fields.Many2one(related="article_id.company_id", store=True, index=True)
    diff = fields.Html("Changes Since", compute="_compute_diff", sanitize=False,
                       help="What changed from this version to the article as it is now.")

    @api.depends("patch", "article_id.body", "article_id.version_ids.patch")
    def _compute_body(self):
        bodies = self._bodies(self.article_id)
        for version in self:
            version.body = bodies.get(version._origin.id, "")

    @api.depends("body", "article_id.body")
    def _compute_diff(self):
        for version in self:
            version.diff = generate_comparison(version.body or "", version.article_id.body or "")

    @api.model
    def _bodies(self, articles):
        """``{version id: body}`` of every version of ``articles``: each article's body, patched
        back one version at a time from the newest."""
        bodies = {}
        # every version of the chain is needed, whichever of them the user may read
        for article in articles.sudo():
            body = article.body or ""
            for version in article.version_ids.sorted("id", reverse=True):
                body = apply_patch(body, version.patch or "")
                bodies[version.id] = body
        return bodies

    def unlink(self):
        # A version's patch starts from the text of the next one: the versions left get their
        # patch again from the text that now follows them.
        articles = self.article_id
        bodies = self._bodies(articles)
        result = super().unlink()
        for article in articles.sudo():
            newer = article.body or ""
            for version in article.version_ids.sorted("id", reverse=True):
                patch = generate_patch(newer, bodies[version.id])
                if patch != version.patch:
                    version.patch = patch
                newer = bodies[version.id]
        return result

    def action_restore(self):
        """Put this version back; the text it replaces is kept as a new version."""
        self.ensure_one()
        self.article_id.write({"name": self.name, "body": self.body})
        return {"type": "ir.actions.act_window", "res_model": "crm.knowledge.article", "res_id": self.article_id.id,
                "view_mode": "form"}
