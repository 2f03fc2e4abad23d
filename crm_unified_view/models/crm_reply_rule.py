"""Keyword rules that choose a reply template for an incoming customer email."""
from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import html2plaintext

from ..analytics import keywords as kw

# HTML beyond this size is not converted (the scan reads the first 20,000 characters of text anyway)
MAX_HTML_CHARS = 400000


class CrmReplyRule(models.Model):
    _name = "crm.reply.rule"
    _description = "Reply Template Rule"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10, help="Breaks ties between rules of equal score: lowest first.")
    active = fields.Boolean(default=True)
    keywords = fields.Text(
        required=True,
        help="Words or phrases, one per line or separated by commas. Plain text, not patterns: Chinese text is "
             "split into words, traditional and simplified characters match each other, case is ignored.")
    min_score = fields.Integer(
        "Minimum Score", default=1,
        help="Score: each keyword found counts its number of words, twice when found in the subject.")
    template_id = fields.Many2one(
        "mail.template", "Reply Template", required=True, ondelete="cascade",
        domain=lambda self: [("model", "in", self.env["crm.reply.clock.mixin"]._reply_clock_models())])
    model = fields.Char(related="template_id.model", store=True, string="Applies To")
    auto_send = fields.Boolean(
        "Send Automatically", help="Send the template at once instead of proposing it to the agent.")
    company_id = fields.Many2one("res.company", default=lambda self: self.env.company)
    article_id = fields.Many2one(
        "crm.knowledge.article", "Knowledge Article", domain=[("state", "=", "approved")],
        help="The article this rule's answer comes from: suggested first on the complaints the rule matches.")

    @api.constrains("keywords")
    def _check_keywords(self):
        for rule in self:
            if not kw.parse_keywords(rule.keywords):
                raise ValidationError(self.env._("The rule “%s” needs at least one keyword.", rule.name))

    @api.constrains("min_score")
    def _check_min_score(self):
        if any(rule.min_score < 1 for rule in self):
            raise ValidationError(self.env._("The minimum score of a reply rule is at least 1."))

    # ------------------------------------------------------------------
    # Matching
    # ------------------------------------------------------------------
    @api.model
    def _email_text(self, body, limit=kw.MAX_TEXT_CHARS):
        """Plain text of an email body (HTML or not), capped: safe on any input."""
        if not body:
            return ""
        body = str(body)[:MAX_HTML_CHARS]
        try:
            text = html2plaintext(body) if "<" in body else body
        except (AttributeError, ValueError):
            # markup lxml finds no element in ("<!DOCTYPE html>..."): html2plaintext fails on the missing
            # root (AttributeError); a str with an encoding declaration is refused (ValueError). Scan it raw.
            text = body
        return text[:limit]

    @api.model
    def _match(self, model, body, subject="", company=None):
        """Best active rule for an email to a record of ``model`` (empty recordset if none)."""
        rules = self.sudo().search([
            ("model", "=", model),
            ("company_id", "in", [False, (company or self.env.company).id]),
        ])
        if not rules:
            return self.browse()
        rule_id, _score = kw.best_rule(
            [(rule.id, rule.sequence, rule.keywords, rule.min_score) for rule in rules],
            self._email_text(body), str(subject or "")[:1000])
        return self.browse(rule_id) if rule_id else self.browse()
