"""Public complaint form: no login, CSRF token, honeypot field, rate limits per address and per
email; a complaint reaches a customer record only once the sender proves the email address."""
from datetime import timedelta

from odoo import http
from odoo.http import request
from odoo.tools import email_normalize, plaintext2html

from ..analytics import data_quality

RATE_LIMIT = 5  # complaints per network address and hour
RATE_LIMIT_EMAIL = 5  # complaints per email address and day (each one mails a confirmation link)
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
        if not errors and self._rate_limited(email_normalize(values["email"])):
            errors.append(request.env._("Too many complaints were sent from your address. Please try again later."))
        if errors:
            return request.render("crm_unified_view.complaint_web_form", {"values": values, "errors": errors})
        complaint = self._create_complaint(values)
        complaint._send_web_confirmation()
        return request.render("crm_unified_view.complaint_web_form_thanks", {"complaint": complaint})

    @http.route("/complaint/confirm/<int:complaint_id>/<string:token>", type="http", auth="public",
                methods=["GET", "POST"], website=True, sitemap=False)
    def complaint_confirm(self, complaint_id, token, **post):
        """The link mailed to the sender: a page with a button, since mail scanners open links too."""
        complaint = request.env["crm.complaint"].sudo().browse(complaint_id).exists()
        if not complaint or not complaint._check_web_confirm_token(token):
            raise request.not_found()
        if request.httprequest.method == "POST":
            complaint._confirm_web_email()
            return request.render("crm_unified_view.complaint_email_confirmed", {"complaint": complaint})
        return request.render("crm_unified_view.complaint_email_confirm", {"complaint": complaint, "token": token})

    # ------------------------------------------------------------------
    def _validate(self, values):
        errors = []
        if not values["name"]:
            errors.append(request.env._("Please enter your name."))
        if not data_quality.is_valid_email(values["email"]):
            errors.append(request.env._("Please enter a valid email address."))
        if not values["subject"]:
            errors.append(request.env._("Please say in a few words what the complaint is about."))
        if not values["description"]:
            errors.append(request.env._("Please describe what happened."))
        return errors

    def _remote_address(self):
        # the client's address; behind a reverse proxy, Odoo's --proxy-mode makes it the address the
        # proxy saw (the last X-Forwarded-For hop), and only then: a client cannot choose its own
        return request.httprequest.remote_addr or "unknown"

    def _rate_limited(self, email):
        """Count this submission per address and per email (both, atomically); True past a limit."""
        Counter = request.env["crm.complaint.rate.counter"].sudo()
        per_address = Counter._hit("ip:%s" % self._remote_address(), timedelta(hours=1))
        per_email = Counter._hit("email:%s" % email, timedelta(days=1))
        return per_address > RATE_LIMIT or per_email > RATE_LIMIT_EMAIL

    def _create_complaint(self, values):
        # never attached to the customer who has this email: anybody can type an address
        return request.env["crm.complaint"].sudo().with_context(mail_create_nosubscribe=True).create({
            "subject": values["subject"],
            "description": plaintext2html(values["description"]),
            "contact_name": values["name"],
            "email_from": email_normalize(values["email"]),
            "phone": values["phone"] or False,
            "channel": "web",
            "submitted_ip": self._remote_address(),
        })
