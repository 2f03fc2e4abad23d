"""Start the reply clock on customer emails, stop it on the first reply from staff;
read malformed emails rather than reject them; never answer a machine automatically."""
import logging

from odoo import models
from odoo.tools import plaintext2html

from ..analytics import auto_reply
from .crm_reply_clock import CLOCK_MODELS

_logger = logging.getLogger(__name__)


class MailThread(models.AbstractModel):
    _inherit = "mail.thread"

    def _message_parse_extract_payload(self, message, message_dict, save_original=False):
        try:
            return super()._message_parse_extract_payload(message, message_dict, save_original=save_original)
        except (LookupError, UnicodeError, ValueError, TypeError, AttributeError, KeyError) as error:
            # unknown charsets, broken transfer encodings...: keep the text, drop the attachments
            _logger.warning("Malformed email %s (%s): reading its text parts only.",
                            message_dict.get("message_id"), error)
            return self._cuv_fallback_payload(message)

    def _cuv_fallback_payload(self, message):
        html, plain = [], []
        for part in message.walk():
            if part.get_content_maintype() != "text" or part.is_multipart():
                continue
            payload = part.get_payload(decode=True) or b""
            try:
                text = payload.decode(part.get_content_charset() or "utf-8", errors="replace")
            except LookupError:
                text = payload.decode("utf-8", errors="replace")
            (html if part.get_content_subtype() == "html" else plain).append(text)
        body = "".join(html) if html else plaintext2html("\n".join(plain))
        return {"body": body, "attachments": []}

    def _message_route_process(self, message, message_dict, routes):
        # only the gateway sees the headers: tell the automatic answer what they say
        refusal = auto_reply.refusal(message, message_dict.get("email_from"), message_dict.get("is_bounce"))
        thread = self.with_context(cuv_auto_reply_refusal=refusal) if refusal else self
        return super(MailThread, thread)._message_route_process(message, message_dict, routes)

    def _message_post_after_hook(self, message, msg_vals):
        result = super()._message_post_after_hook(message, msg_vals)
        if self._name in CLOCK_MODELS and len(self) == 1 and not self.env.context.get("cuv_no_reply_clock"):
            self._cuv_track_reply(message)
        return result

    def _cuv_track_reply(self, message):
        message = message.sudo()
        author = message.author_id
        staff = author.with_context(active_test=False).user_ids.filtered(lambda user: not user.share)[:1]
        if staff:
            if message.subtype_id == self.env.ref("mail.mt_comment") and message.message_type in ("comment", "email"):
                self.env["crm.reply.clock"]._stop(self, staff)
            return
        if message.message_type != "email":
            return
        record = self.sudo()
        partner = author or (record.partner_id if "partner_id" in record._fields else record.browse())
        if record._name == "res.partner":
            partner = author or record
        user = record.user_id if "user_id" in record._fields else self.env["res.users"]
        if not user and record._name == "crm.complaint":
            user = record.category_id.user_id or record.team_id.user_id
        clock = self.env["crm.reply.clock"]._start(record, message, partner, user)
        record._cuv_propose_reply(message, clock, partner)

    def _cuv_propose_reply(self, message, clock, partner):
        """Choose a reply template by keywords; propose it, or send it when its rule says so."""
        company = self.company_id if "company_id" in self._fields and self.company_id else self.env.company
        rule = self.env["crm.reply.rule"]._match(self._name, message.body, message.subject, company=company)
        if not rule:
            return
        clock.write({"rule_id": rule.id, "template_id": rule.template_id.id})
        if self._name == "crm.complaint":
            self.write({"reply_rule_id": rule.id, "suggested_template_id": rule.template_id.id})
        if rule.auto_send and self._cuv_may_auto_answer(message, clock):
            # sent in the name of OdooBot: an internal author, so the clock stops as for any staff reply
            self.message_post_with_source(
                rule.template_id, message_type="comment", subtype_xmlid="mail.mt_comment",
                partner_ids=partner.ids, author_id=self.env.ref("base.partner_root").id,
                parent_id=message.id)

    def _cuv_may_auto_answer(self, message, clock):
        """No automatic answer to a machine, nor more than the limits allow (mail loops)."""
        refusal = self.env.context.get("cuv_auto_reply_refusal") or auto_reply.refusal({}, message.email_from)
        if not refusal and not clock._reserve_auto_reply(message.email_from):
            refusal = "limit reached"
        if refusal:
            _logger.info("No automatic answer to %s on %s,%s: %s", message.email_from, self._name, self.id, refusal)
        return not refusal
