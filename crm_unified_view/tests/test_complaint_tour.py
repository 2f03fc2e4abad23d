"""The public complaint form, end to end in a browser, and its spam defences."""
import re

from odoo.tests import HttpCase, tagged

from ..controllers.main import RATE_LIMIT


@tagged("post_install", "-at_install")
class TestComplaintWebForm(HttpCase):

    def test_web_form_tour(self):
        self.start_tour("/complaint", "crm_complaint_web_form", login=None)
        complaint = self.env["crm.complaint"].search([("subject", "=", "网上投诉：茶叶包装破损")])
        self.assertEqual(complaint.channel, "web")
        self.assertEqual(complaint.partner_id.email, "zhaomin@webcustomer.example.com")
        self.assertIn("礼盒外包装破损", str(complaint.description))
        self.start_tour("/odoo", "crm_complaint_back_office", login="admin")

    # TOOLS
    def _submit(self, **values):
        page = self.url_open("/complaint")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        data = {"csrf_token": token, "name": "机器人", "email": "bot@spam.example.com", "subject": "广告",
                "description": "便宜的广告", **values}
        return self.url_open("/complaint/submit", data=data)

    def test_form_page(self):
        page = self.url_open("/complaint")
        self.assertEqual(page.status_code, 200)
        self.assertIn("</textarea>", page.text)
        self.assertIn('name="website_url"', page.text)

    def test_honeypot(self):
        response = self._submit(website_url="http://spam.example.com")
        self.assertEqual(response.status_code, 200)
        self.assertFalse(self.env["crm.complaint"].search([("email_from", "=", "bot@spam.example.com")]))

    def test_csrf_token_required(self):
        response = self.url_open("/complaint/submit", data={"name": "x", "email": "x@example.com",
                                                            "subject": "x", "description": "x"})
        self.assertEqual(response.status_code, 400)
        self.assertFalse(self.env["crm.complaint"].search([("email_from", "=", "x@example.com")]))

    def test_invalid_input_is_refused(self):
        response = self._submit(email="not an email")
        self.assertIn("valid email address", response.text)
        self.assertFalse(self.env["crm.complaint"].search([("subject", "=", "广告")]))

    def test_rate_limit_per_address(self):
        for _i in range(RATE_LIMIT):
            self._submit()
        response = self._submit()
        self.assertIn("Too many complaints", response.text)
        self.assertEqual(self.env["crm.complaint"].search_count([("email_from", "=", "bot@spam.example.com")]),
                         RATE_LIMIT)
