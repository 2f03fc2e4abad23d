"""Propose the reply template chosen by keywords, and the articles that answer the customer."""
from odoo import api, fields, models
from odoo.tools import html2plaintext


class MailComposeMessage(models.TransientModel):
    _inherit = "mail.compose.message"

    knowledge_suggestion_ids = fields.Many2many(
        "crm.knowledge.article", string="Suggested Articles", compute="_compute_knowledge_suggestion_ids",
        help="Approved articles matching what the customer wrote, best first.")
    knowledge_article_id = fields.Many2one(
        "crm.knowledge.article", "Insert an Article", domain=[("state", "=", "approved")],
        help="Adds the article's text to the message: the same answer whoever answers.")

    @api.depends("model", "res_ids", "composition_mode")
    def _compute_knowledge_suggestion_ids(self):
        Article = self.env["crm.knowledge.article"]
        for composer in self:
            composer.knowledge_suggestion_ids = Article
            records = composer._evaluate_res_ids() if composer.model and composer.composition_mode == "comment" else []
            if len(records) != 1 or composer.model not in self.env:
                continue
            record = self.env[composer.model].browse(records)
            if hasattr(record, "_knowledge_text"):
                text, subject = record._knowledge_text()
            else:
                # the customer's last email (what the agent answers)
                message = self.env["mail.message"].search([
                    ("model", "=", composer.model), ("res_id", "=", record.id), ("message_type", "=", "email")],
                    limit=1)
                text, subject = html2plaintext(message.body or ""), message.subject or ""
            company = record.company_id if "company_id" in record._fields else None
            composer.knowledge_suggestion_ids = Article._suggest(text, subject, company=company)

    @api.onchange("knowledge_article_id")
    def _onchange_knowledge_article_id(self):
        article = self.knowledge_article_id
        if article:
            self.body = (self.body or "") + (article.body or "")

    @api.model
    def default_get(self, fields_list):
        result = super().default_get(fields_list)
        context = self.env.context
        res_ids = context.get("default_res_ids") or []
        if ("template_id" in fields_list and not result.get("template_id") and not context.get("default_template_id")
                and self.env["crm.reply.clock.mixin"]._reply_clock_enabled(context.get("default_model"))
                and isinstance(res_ids, (list, tuple))
                and len(res_ids) == 1 and context.get("default_composition_mode", "comment") == "comment"):
            clock = self.env["crm.reply.clock"].sudo().search([
                ("res_model", "=", context["default_model"]), ("res_id", "=", res_ids[0]),
                ("state", "in", ("open", "alarmed", "escalated")), ("template_id", "!=", False)], limit=1)
            template = clock.template_id.with_env(self.env)
            if template and template.has_access("read"):
                result["template_id"] = template.id
        return result
