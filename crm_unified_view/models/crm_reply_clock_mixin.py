"""Reply clocks and keyword reply rules for the documents customers write to: a customer email
starts a clock, the first reply from staff stops it; a matching rule proposes or sends its template.
Opt-in: only the models that inherit this mixin (like ``mail.thread.cc``)."""
import logging

from odoo import api, models

from ..analytics import auto_reply

_logger = logging.getLogger(__name__)


class CrmReplyClockMixin(models.AbstractModel):
    """Inheriting models have ``user_id`` (who answers) and ``company_id``, or override the hooks."""
    _name = "crm.reply.clock.mixin"
    _inherit = "mail.thread"
    _description = "Reply Clocks and Reply Rules"

    def _message_post_after_hook(self, message, msg_vals):
        result = super()._message_post_after_hook(message, msg_vals)
        if len(self) == 1 and not self.env.context.get("cuv_no_reply_clock"):
            self._reply_clock_track(message)
        return result

    # ------------------------------------------------------------------
    # Hooks
    # ------------------------------------------------------------------
    def _reply_clock_customer(self, message):
        """Who waits for the reply: the email's author, else the document's customer."""
        return message.author_id or self._mail_get_partners()[self.id][:1]

    def _reply_clock_responsible(self):
        """Who has to answer: alarmed when the reply is late."""
        return self.user_id

    def _reply_clock_company(self):
        return self.company_id or self.env.company

    def _reply_clock_show_rule(self, rule):
        """Show the rule matched by the customer's last email on the document (nothing by default)."""

    def _reply_clock_show_article(self, article):
        """Show the self-service article proposed for the customer's last email (nothing by default)."""

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------
    @api.model
    def _reply_clock_models(self):
        """Names of the models that keep reply clocks."""
        return [name for name in self.env.registry.descendants([self._name], "_inherit")
                if not self.env[name]._abstract]

    @api.model
    def _reply_clock_enabled(self, model_name):
        return model_name in self.env and isinstance(self.env[model_name], self.env.registry[self._name])

    def _reply_clock_track(self, message):
        message = message.sudo()
        staff = message.author_id.with_context(active_test=False).user_ids.filtered(lambda user: not user.share)[:1]
        if staff:
            if message.subtype_id == self.env.ref("mail.mt_comment") and message.message_type in ("comment", "email"):
                self.env["crm.reply.clock"]._stop(self, staff)
            return
        if message.message_type != "email":
            return
        if message.parent_id and self.env.context.get("cuv_autoresponder"):
            return  # an out-of-office answer to our reply: nobody waits for us
        record = self.sudo()
        partner = record._reply_clock_customer(message)
        clock = self.env["crm.reply.clock"]._start(
            record, message, partner, record._reply_clock_responsible(), record._reply_clock_company())
        record._reply_clock_propose_reply(message, clock, partner)

    def _reply_clock_propose_reply(self, message, clock, partner):
        """Choose a reply template by keywords; propose it, or send it when its rule says so.
        Then the self-service answer, for customers served through automated channels."""
        rule = self.env["crm.reply.rule"]._match(
            self._name, message.body, message.subject, company=self._reply_clock_company())
        if rule:
            clock.write({"rule_id": rule.id, "template_id": rule.template_id.id})
            self._reply_clock_show_rule(rule)
            if rule.auto_send and self._reply_clock_may_auto_answer(message, clock):
                # sent in the name of OdooBot: an internal author, so the clock stops as for any staff reply
                self.message_post_with_source(
                    rule.template_id, message_type="comment", subtype_xmlid="mail.mt_comment",
                    partner_ids=partner.ids, author_id=self.env.ref("base.partner_root").id,
                    parent_id=message.id)
        self._reply_clock_self_service(message, clock, partner)

    def _reply_clock_self_service(self, message, clock, partner):
        """A customer served through automated channels gets the approved public article that answers
        the email: proposed to the agent, or sent when the company says so (within the loop guard)."""
        company = self._reply_clock_company()
        if not partner or not partner.commercial_partner_id.with_company(company).automated_service:
            return
        Article = self.env["crm.knowledge.article"]
        article = Article._suggest(
            self.env["crm.reply.rule"]._email_text(message.body), message.subject or "", limit=1, company=company,
            domain=[("is_published", "=", True)])
        if not article:
            return
        clock.article_id = article
        self._reply_clock_show_article(article)
        if company.self_service_auto_send and self._reply_clock_may_auto_answer(message, clock):
            self.message_post(
                body=article._self_service_answer(partner), message_type="comment", subtype_xmlid="mail.mt_comment",
                partner_ids=partner.ids, author_id=self.env.ref("base.partner_root").id, parent_id=message.id)

    def _reply_clock_may_auto_answer(self, message, clock):
        """No automatic answer to a machine, nor more than the limits allow (mail loops)."""
        # the mail gateway's verdict on the headers (models/mail_thread.py), else what the sender says
        refusal = self.env.context.get("cuv_auto_reply_refusal") or auto_reply.refusal({}, message.email_from)
        if not refusal and not clock._reserve_auto_reply(message.email_from):
            refusal = "limit reached"
        if refusal:
            _logger.info("No automatic answer to %s on %s,%s: %s", message.email_from, self._name, self.id, refusal)
        return not refusal
