"""Public complaint form: no login, CSRF token, honeypot field and a per-address rate limit."""
from datetime import timedelta

from odoo import fields, http
from odoo.http import request
from odoo.tools import email_normalize, plaintext2html

RATE_LIMIT = 5  # complaints per address and hour
MAX_LENGTHS = {"name": 128, "email": 254, "phone": 32, "subject": 250, "description": 10000}
HONEYPOT = "website_url"


class ComplaintWebForm(http.Controller):

    @http.route("/complaint", type="http", auth="public", methods=["GET"], website=True, sitemap=False)
    def complaint_form(self, **kwargs):
        return request.render("crm_unified_view.complaint_web_form", {"values": {}, "errors": []})

    @http.route("/complaint/submit", type="http", auth="public", methods=["POST"], website=True, sitemap=False)
    def complaint_submit(self, **post):
        if post.get(HONEYPOT):
            # a robot filled the hidden field: pretend all went well, record nothing
            return request.render("crm_unified_view.complaint_web_form_thanks", {"complaint": None})
        values = {key: (post.get(key) or "").strip()[:limit] for key, limit in MAX_LENGTHS.items()}
        errors = self._validate(values)
        if not errors and self._rate_limited():
            errors.append(request.env._("Too many complaints were sent from your address. Please try again later."))
        if errors:
            return request.render("crm_unified_view.complaint_web_form", {"values": values, "errors": errors})
        complaint = self._create_complaint(values)
        return request.render("crm_unified_view.complaint_web_form_thanks", {"complaint": complaint})

    # ------------------------------------------------------------------
    def _validate(self, values):
        errors = []
        if not values["name"]:
            errors.append(request.env._("Please enter your name."))
        if not email_normalize(values["email"]):
            errors.append(request.env._("Please enter a valid email address."))
        if not values["subject"]:
            errors.append(request.env._("Please say in a few words what the complaint is about."))
        if not values["description"]:
            errors.append(request.env._("Please describe what happened."))
        return errors

    def _remote_address(self):
        return request.httprequest.remote_addr or "unknown"

    def _rate_limited(self):
        since = fields.Datetime.now() - timedelta(hours=1)
        count = request.env["crm.complaint"].sudo().search_count([
            ("submitted_ip", "=", self._remote_address()), ("create_date", ">=", since)])
        return count >= RATE_LIMIT

    def _find_or_create_partner(self, values):
        Partner = request.env["res.partner"].sudo()
        email = email_normalize(values["email"])
        partner = Partner.search([("email_normalized", "=", email)], limit=1)
        if not partner:
            partner = Partner.create({"name": values["name"], "email": email, "phone": values["phone"] or False})
        return partner

    def _create_complaint(self, values):
        partner = self._find_or_create_partner(values)
        return request.env["crm.complaint"].sudo().with_context(mail_create_nosubscribe=True).create({
            "subject": values["subject"],
            "description": plaintext2html(values["description"]),
            "partner_id": partner.id,
            "email_from": email_normalize(values["email"]),
            "phone": values["phone"] or partner.phone,
            "channel": "web",
            "submitted_ip": self._remote_address(),
        })
