"""Propose the reply template chosen by keywords when an agent opens the composer."""
from odoo import api, models

from ..models.crm_reply_clock import CLOCK_MODELS


class MailComposeMessage(models.TransientModel):
    _inherit = "mail.compose.message"

    @api.model
    def default_get(self, fields_list):
        result = super().default_get(fields_list)
        context = self.env.context
        res_ids = context.get("default_res_ids") or []
        if ("template_id" in fields_list and not result.get("template_id") and not context.get("default_template_id")
                and context.get("default_model") in CLOCK_MODELS and isinstance(res_ids, (list, tuple))
                and len(res_ids) == 1 and context.get("default_composition_mode", "comment") == "comment"):
            clock = self.env["crm.reply.clock"].sudo().search([
                ("res_model", "=", context["default_model"]), ("res_id", "=", res_ids[0]),
                ("state", "in", ("open", "alarmed", "escalated")), ("template_id", "!=", False)], limit=1)
            template = clock.template_id.with_env(self.env)
            if template and template.has_access("read"):
                result["template_id"] = template.id
        return result
