"""The mail gateway, for the documents that keep reply clocks (crm.reply.clock.mixin): what the
headers say about automatic answers, and the text of an email in a charset Python cannot decode.
Emails routed to any other document get Odoo's own processing."""
import logging

from odoo import api, models
from odoo.tools import plaintext2html

from ..analytics import auto_reply

_logger = logging.getLogger(__name__)

# message_dict key holding the decoding error until the route is known
UNDECODABLE = "cuv_undecodable_charset"


def _text_parts(message):
    """The text parts of ``message``, decoded as UTF-8 when their charset fails; no attachments."""
    html, plain = [], []
    for part in message.walk():
        if part.get_content_maintype() != "text" or part.is_multipart():
            continue
        payload = part.get_payload(decode=True) or b""
        try:
            text = payload.decode(part.get_content_charset() or "utf-8", errors="replace")
        except (LookupError, UnicodeError):  # the charset that failed the parser (see below)
            text = payload.decode("utf-8", errors="replace")
        (html if part.get_content_subtype() == "html" else plain).append(text)
    body = "".join(html) if html else plaintext2html("\n".join(plain))
    return {"body": body, "attachments": []}


class MailThread(models.AbstractModel):
    _inherit = "mail.thread"

    def _message_parse_extract_payload(self, message, message_dict, save_original=False):
        try:
            return super()._message_parse_extract_payload(message, message_dict, save_original=save_original)
        except (LookupError, UnicodeError) as error:
            # get_content() decodes each text part with the charset it declares (errors="replace"):
            # LookupError when Python knows no such charset or it is no text codec ("base64"),
            # UnicodeError from the codecs that refuse errors="replace" ("idna", "undefined").
            # Odoo rejects such an email; whether we read it instead depends on its route, not known yet.
            _logger.warning("Email %s: %s; reading its text parts only if it goes to a document with reply clocks.",
                            message_dict.get("message_id"), error)
            message_dict[UNDECODABLE] = error
            return _text_parts(message)

    @api.model
    def _message_route_process(self, message, message_dict, routes):
        error = message_dict.pop(UNDECODABLE, None)
        Mixin = self.env["crm.reply.clock.mixin"]
        if error and not all(Mixin._reply_clock_enabled(route[0]) for route in routes or ()):
            raise error
        # only the gateway sees the headers: tell the automatic answer what they say
        refusal = auto_reply.refusal(message, message_dict.get("email_from"), message_dict.get("is_bounce"))
        thread = self.with_context(cuv_auto_reply_refusal=refusal,
                                   cuv_autoresponder=auto_reply.is_autoresponder(message)) if refusal else self
        return super(MailThread, thread)._message_route_process(message, message_dict, routes)
