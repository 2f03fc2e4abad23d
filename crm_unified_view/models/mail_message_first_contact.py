"""Messages keep the customer's first contact and first response up to date as they are written."""
from odoo import api, models

# The documents whose messages answer a customer, with the field that names the customer.
CUSTOMER_THREADS = {"res.partner": "commercial_partner_id", "crm.lead": "partner_id", "crm.complaint": "partner_id"}


class MailMessage(models.Model):
    _inherit = "mail.message"

    @api.model_create_multi
    def create(self, vals_list):
        messages = super().create(vals_list)
        messages._update_first_contacts()
        return messages

    def _update_first_contacts(self):
        """An email from a customer not yet in contact, or an answer (a message or a done activity
        by an internal user) to a customer not yet answered: their figures again, at once."""
        messages = self.sudo().filtered(lambda message: message.author_id and (
            message.message_type == "email" or message.model in CUSTOMER_THREADS))
        if not messages:
            return
        internal = messages.author_id.filtered(lambda author: author.user_ids.filtered(lambda user: not user.share))
        customers = messages.filtered(
            lambda message: message.message_type == "email" and message.author_id not in internal
        ).author_id.commercial_partner_id.filtered(lambda partner: not partner.first_contact_date)
        answers = messages.filtered(lambda message: message.author_id in internal and message.res_id and (
            message.mail_activity_type_id or (message.subtype_id and not message.subtype_id.internal
                                              and message.message_type in ("email", "comment", "email_outgoing"))))
        for model in set(answers.mapped("model")) & set(CUSTOMER_THREADS):
            records = self.env[model].sudo().browse(answers.filtered(lambda m: m.model == model).mapped("res_id"))
            customers |= records.exists()[CUSTOMER_THREADS[model]].commercial_partner_id.filtered(
                lambda partner: partner.first_contact_date and not partner.first_response_hours)
        if customers:
            self.env["res.partner"].sudo()._update_first_contacts(customers.ids)
