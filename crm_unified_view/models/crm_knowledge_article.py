"""A knowledge-base article: written by anyone, approved and published by editors, versioned."""
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL, html2plaintext

from odoo.addons.web_editor.models.diff_utils import generate_patch

from ..analytics import knowledge

ARTICLE_TYPES = [
    ("feature", "Product Feature"),
    ("faq", "Question and Answer"),
    ("usage", "Correct Usage"),
    ("terms", "Service Terms"),
]
STATES = [("draft", "Draft"), ("review", "Waiting for Approval"), ("approved", "Approved")]
EDITOR_GROUP = "crm_unified_view.group_knowledge_editor"
# What only an editor may change, whatever the record rules let the author write.
EDITOR_FIELDS = {"is_published", "owner_id", "company_id", "start_here_team_ids", "start_here_sequence"}
# Kept by the system (views, uses, votes, the search index): written by nobody, editors included.
SYSTEM_FIELDS = {"view_count", "use_count", "helpful_count", "unhelpful_count", "helpful_rate", "search_text"}
VERSIONED_FIELDS = {"name", "body"}


class CrmKnowledgeArticle(models.Model):
    _name = "crm.knowledge.article"
    _description = "Knowledge Article"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "is_published desc, helpful_count desc, name"
    _check_company_auto = True

    name = fields.Char("Title", required=True, tracking=True)
    body = fields.Html(sanitize=True, sanitize_overridable=False)
    summary = fields.Text(help="One or two sentences shown in lists and search results.")
    article_type = fields.Selection(ARTICLE_TYPES, "Type", required=True, default="faq", tracking=True)
    category_id = fields.Many2one("crm.knowledge.category", index=True, tracking=True, check_company=True)
    tag_ids = fields.Many2many("crm.knowledge.tag", string="Tags", check_company=True)
    product_ids = fields.Many2many("product.template", string="Products")
    keywords = fields.Text(
        help="Words and phrases of customers' questions this article answers, one per line or separated by "
             "commas; with the tags, they decide when the article is suggested to service staff.")
    owner_id = fields.Many2one("res.users", required=True, default=lambda self: self.env.user,
                               tracking=True, index=True)
    state = fields.Selection(STATES, required=True, default="draft", tracking=True, index=True)
    is_published = fields.Boolean("Published on the Website", tracking=True, copy=False, index=True,
                                  help="Approved articles only: anyone can read them on the public help pages.")
    # the author's company; only editors share an article with every company
    company_id = fields.Many2one("res.company", index=True, default=lambda self: self.env.company,
                                 help="Empty: shared by every company.")
    version_ids = fields.One2many("crm.knowledge.version", "article_id", "Versions")
    version_count = fields.Integer(compute="_compute_version_count")
    proposal_ids = fields.One2many("crm.knowledge.proposal", "article_id", "Proposed Improvements")
    view_count = fields.Integer("Views", readonly=True, copy=False)
    use_count = fields.Integer("Used in Replies", readonly=True, copy=False)
    vote_ids = fields.One2many("crm.knowledge.vote", "article_id", "Votes", groups="base.group_user")
    helpful_count = fields.Integer("Helpful", compute="_compute_votes", store=True, compute_sudo=True)
    unhelpful_count = fields.Integer("Not Helpful", compute="_compute_votes", store=True, compute_sudo=True)
    helpful_rate = fields.Float("Helpful (%)", compute="_compute_helpful_rate", store=True, aggregator="avg")
    search_text = fields.Text(compute="_compute_search_text", store=True)
    start_here_team_ids = fields.Many2many(
        "crm.team", string="Start Here for Teams",
        help="New members of these teams read this article in their start-here path.")
    start_here_sequence = fields.Integer("Order in the Path", default=10)
    website_url = fields.Char(compute="_compute_website_url")

    @api.depends("version_ids")
    def _compute_version_count(self):
        counts = dict(self.env["crm.knowledge.version"]._read_group(
            [("article_id", "in", self.ids)], ["article_id"], ["__count"]))
        for article in self:
            article.version_count = counts.get(article, 0)

    @api.depends("vote_ids.helpful")
    def _compute_votes(self):
        counts = {(article, helpful): count for article, helpful, count in self.env["crm.knowledge.vote"]._read_group(
            [("article_id", "in", self.ids)], ["article_id", "helpful"], ["__count"])}
        for article in self:
            article.helpful_count = counts.get((article, True), 0)
            article.unhelpful_count = counts.get((article, False), 0)

    @api.depends("helpful_count", "unhelpful_count")
    def _compute_helpful_rate(self):
        for article in self:
            votes = article.helpful_count + article.unhelpful_count
            article.helpful_rate = 100.0 * article.helpful_count / votes if votes else 0.0

    @api.depends("name", "summary", "body", "keywords", "tag_ids.name")
    def _compute_search_text(self):
        for article in self:
            article.search_text = knowledge.search_text(
                article.name, article.summary, html2plaintext(article.body or ""), article.keywords,
                " ".join(article.tag_ids.mapped("name")))

    def _compute_website_url(self):
        for article in self:
            article.website_url = "/help/article/%s" % article.id if article.id else False

    @api.constrains("is_published", "state")
    def _check_published_is_approved(self):
        if any(article.is_published and article.state != "approved" for article in self):
            raise ValidationError(self.env._("Only an approved article can be published on the website."))

    # ------------------------------------------------------------------
    # Who may change what
    # ------------------------------------------------------------------
    def _is_editor(self):
        return self.env.su or self.env.user.has_group(EDITOR_GROUP)

    def _check_editor_values(self, vals, create=False):
        if SYSTEM_FIELDS & set(vals) and not self.env.su:
            raise AccessError(self.env._("Views, uses, votes and the search text of articles are counted by the "
                                         "system: nobody changes them."))
        if self._is_editor():
            return
        protected = EDITOR_FIELDS & set(vals)
        if create and vals.get("company_id") == self.env.company.id:
            protected.discard("company_id")  # the default, sent back by the form: the author's company
        if protected or vals.get("state") == "approved":
            raise AccessError(self.env._("Only knowledge editors approve, publish or assign articles."))

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_editor_values(vals, create=True)
        return super().create(vals_list)

    def write(self, vals):
        self._check_editor_values(vals)
        if not VERSIONED_FIELDS & set(vals):
            return super().write(vals)
        replaced = {article.id: (article.name, article.body or "") for article in self}
        result = super().write(vals)
        self._save_versions(replaced)
        return result

    def _save_versions(self, replaced):
        """Keep what a save replaced (``{article id: (title, body)}``), so that it can be compared
        and restored: the title, and Odoo's patch from the new body back to the old one, made
        after the write as ``html.field.history.mixin`` does, so on sanitized bodies."""
        # Versions are never written by hand: created here, once the write passed the access checks.
        self.env["crm.knowledge.version"].sudo().create([{
            "article_id": article.id, "name": replaced[article.id][0], "author_id": self.env.user.id,
            "patch": generate_patch(article.body or "", replaced[article.id][1]),
        } for article in self if (article.name, article.body or "") != replaced[article.id]])

    # ------------------------------------------------------------------
    # Approval flow
    # ------------------------------------------------------------------
    def action_submit(self):
        for article in self:
            if article.state != "draft":
                raise UserError(self.env._("Only a draft can be sent for approval."))
        self.write({"state": "review"})
        editors = self.env.ref(EDITOR_GROUP).users.filtered(lambda user: user.active and not user.share)
        for article in self.sudo():
            for editor in editors[:1] or self.env.user:
                article.activity_schedule(
                    "mail.mail_activity_data_todo", user_id=editor.id,
                    summary=self.env._("Approve the article"), note=article.name)
        return True

    def _check_editor(self):
        if not self._is_editor():
            raise AccessError(self.env._("Only knowledge editors approve, publish or assign articles."))

    def action_approve(self):
        self._check_editor()
        self.write({"state": "approved"})
        self.activity_feedback(["mail.mail_activity_data_todo"])
        self.env["crm.complaint"]._recompute_knowledge_gaps()
        return True

    def action_back_to_draft(self):
        self._check_editor()
        self.write({"state": "draft", "is_published": False})
        return True

    def action_publish(self):
        self._check_editor()
        self.write({"is_published": True})
        return True

    def action_unpublish(self):
        self._check_editor()
        self.write({"is_published": False})
        return True

    def action_view_versions(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window", "name": self.env._("Versions"), "res_model": "crm.knowledge.version",
            "view_mode": "list,form", "domain": [("article_id", "=", self.id)],
        }

    def action_propose_improvement(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window", "name": self.env._("Propose an Improvement"),
            "res_model": "crm.knowledge.proposal", "view_mode": "form", "target": "new",
            "context": {"default_article_id": self.id, "default_name": self.name, "default_body": self.body},
        }

    def action_open_website(self):
        self.ensure_one()
        return {"type": "ir.actions.act_url", "url": self.website_url, "target": "new"}

    # ------------------------------------------------------------------
    # Use: replies, votes, views
    # ------------------------------------------------------------------
    def action_reply_with_article(self):
        """One click from a suggestion: the composer of the record being answered, filled with the article."""
        self.ensure_one()
        model, res_id = self.env.context.get("knowledge_reply_model"), self.env.context.get("knowledge_reply_id")
        if not model or not res_id or model not in self.env:
            raise UserError(self.env._("Open the record you are answering to reply with this article."))
        record = self.env[model].browse(res_id)
        record.check_access("read")
        self._increment("use_count")
        return {
            "type": "ir.actions.act_window", "res_model": "mail.compose.message", "view_mode": "form",
            "target": "new", "name": self.env._("Reply with an Article"),
            "context": {
                "default_model": model, "default_res_ids": [res_id], "default_composition_mode": "comment",
                "default_partner_ids": record.partner_id.ids if "partner_id" in record._fields else [],
                "default_knowledge_article_id": self.id,
            },
        }

    def _increment(self, counter):
        """Views and uses are counted under concurrent readers: one SQL increment, no write access needed."""
        assert counter in ("view_count", "use_count")
        self.flush_recordset([counter])
        self.env.cr.execute(SQL("UPDATE crm_knowledge_article SET %s = COALESCE(%s, 0) + 1 WHERE id IN %s",
                                SQL.identifier(counter), SQL.identifier(counter), tuple(self.ids)))
        self.invalidate_recordset([counter])

    def _vote(self, helpful, user=None, visitor=None, address=None):
        """One vote per employee or per website visitor and article; voting again changes the vote.
        Anonymous votes from one network ``address`` are limited: returns whether the vote counted."""
        self.ensure_one()
        return self.env["crm.knowledge.vote"].sudo()._cast(self, helpful, user=user, visitor=visitor, address=address)

    def action_vote_helpful(self):
        self.ensure_one()
        return self._vote(True, user=self.env.user)

    def action_vote_unhelpful(self):
        self.ensure_one()
        return self._vote(False, user=self.env.user)

    # ------------------------------------------------------------------
    # Search and suggestions
    # ------------------------------------------------------------------
    @api.model
    def _public_domain(self):
        return [("is_published", "=", True), ("state", "=", "approved")]

    @api.model
    def _search_terms_domain(self, query):
        return [("search_text", "ilike", term) for term in knowledge.query_terms(query)]

    @api.model
    def _suggest(self, text, subject="", limit=knowledge.MAX_SUGGESTIONS, company=None, domain=None):
        """Approved articles the user can read (of ``company`` or shared, within ``domain``) that answer
        ``text``, best first."""
        domain = [("state", "=", "approved")] + list(domain or [])
        if company:
            domain.append(("company_id", "in", [False, company.id]))
        articles = self.search(domain)
        ranked = knowledge.rank_articles(
            [(article.id, knowledge.match_terms(article.keywords, article.tag_ids.mapped("name"), article.name))
             for article in articles], text, subject, limit=limit)
        return self.browse([article_id for article_id, _score in ranked])

    def _self_service_answer(self, partner):
        """The answer sent to a customer for self-service: this article's public link, in their language."""
        self.ensure_one()
        article = self.with_context(lang=partner.lang or self.env.context.get("lang"))
        return Markup("<p>%s</p><p><a href=\"%s\">%s</a></p>") % (
            article.env._("Hello, this article of our help pages answers your question:"),
            article.get_base_url() + article.website_url, article.name)
