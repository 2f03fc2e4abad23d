"""The public complaint form, end to end in a browser, and its spam and impersonation defences."""
import re
import threading
import uuid
from contextlib import closing
from datetime import timedelta
from unittest.mock import patch

from psycopg2.errors import SerializationFailure

from odoo import SUPERUSER_ID, api, sql_db
from odoo.tests import HttpCase, TransactionCase, new_test_user, tagged
from odoo.tools import config, mute_logger

from ..controllers.main import RATE_LIMIT, RATE_LIMIT_EMAIL


@tagged("post_install", "-at_install")
class TestComplaintWebForm(HttpCase):

    def test_web_form_tour(self):
        self.start_tour("/complaint", "crm_complaint_web_form", login=None)
        complaint = self.env["crm.complaint"].search([("subject", "=", "网上投诉：茶叶包装破损")])
        self.assertEqual(complaint.channel, "web")
        self.assertEqual(complaint.email_from, "zhaomin@webcustomer.example.com")
        self.assertEqual(complaint.contact_name, "赵敏")
        self.assertFalse(complaint.partner_id, "no customer until the address is confirmed")
        self.assertIn("礼盒外包装破损", str(complaint.description))
        self.start_tour("/odoo", "crm_complaint_back_office", login="admin")

    # TOOLS
    @staticmethod
    def _csrf(page):
        return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)

    def _submit(self, headers=None, **values):
        page = self.url_open("/complaint")
        data = {"csrf_token": self._csrf(page), "name": "机器人", "email": "bot@spam.example.com", "subject": "广告",
                "description": "便宜的广告", **values}
        return self.url_open("/complaint/submit", data=data, headers=headers)

    def _confirmation_url(self, email):
        mail = self.env["mail.mail"].sudo().search([("email_to", "ilike", email)], order="id desc", limit=1)
        self.assertTrue(mail, "a confirmation link is sent to %s" % email)
        return re.search(r"/complaint/confirm/\d+/[0-9a-f]+", mail.body_html).group(0)

    def _confirm(self, url):
        page = self.url_open(url)
        self.assertEqual(page.status_code, 200)
        return self.url_open(url, data={"csrf_token": self._csrf(page)})

    @staticmethod
    def _behind_proxy(forwarded_for):
        return {"X-Forwarded-For": forwarded_for, "X-Forwarded-Host": "127.0.0.1:%s" % config["http_port"]}

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
        # the addresses the customer import and the data-quality score refuse too
        for email in ("not an email", "bot@localhost", "机器人 <bot@spam.example.com>"):
            response = self._submit(email=email)
            self.assertIn("valid email address", response.text, email)
        self.assertFalse(self.env["crm.complaint"].search([("subject", "=", "广告")]))

    # ---- impersonation: a public submission proves nothing about who sent it ----------------
    def test_submission_is_not_attached_to_the_customer_of_that_email(self):
        customer = self.env["res.partner"].create({"name": "王芳", "email": "wangfang@xihutea.example.com"})
        self._submit(name="冒充者", email="WangFang@xihutea.example.com", subject="我要投诉")
        complaint = self.env["crm.complaint"].search([("subject", "=", "我要投诉")])
        self.assertEqual(len(complaint), 1)
        self.assertFalse(complaint.partner_id)
        self.assertEqual((complaint.contact_name, complaint.email_from), ("冒充者", "wangfang@xihutea.example.com"))
        self.assertFalse(complaint.email_confirmed)
        self.assertFalse(self.env["crm.complaint"].search([("partner_id", "=", customer.id)]))

    def test_confirmation_link_attaches_the_customer(self):
        customer = self.env["res.partner"].create({"name": "王芳", "email": "wangfang@xihutea.example.com"})
        self._submit(name="王芳", email="wangfang@xihutea.example.com", subject="茶叶受潮")
        complaint = self.env["crm.complaint"].search([("subject", "=", "茶叶受潮")])
        url = self._confirmation_url("wangfang@xihutea.example.com")
        mail = self.env["mail.mail"].sudo().search([("email_to", "ilike", "wangfang@xihutea.example.com")])
        self.assertNotIn("茶叶受潮", mail.body_html + (mail.subject or ""), "no submitted text is mailed to the address")
        # opening the link shows a button; only pressing it confirms (mail scanners open links)
        self.url_open(url)
        self.assertFalse(complaint.partner_id)
        response = self._confirm(url)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(complaint.partner_id, customer)
        self.assertTrue(complaint.email_confirmed)

    def test_confirmation_creates_a_customer_when_none_has_the_email(self):
        self._submit(name="赵敏", email="zhaomin@webcustomer.example.com", subject="包装破损", phone="13800138000")
        complaint = self.env["crm.complaint"].search([("subject", "=", "包装破损")])
        self._confirm(self._confirmation_url("zhaomin@webcustomer.example.com"))
        self.assertEqual(complaint.partner_id.name, "赵敏")
        self.assertEqual(complaint.partner_id.email_normalized, "zhaomin@webcustomer.example.com")

    def test_confirmation_ignores_customers_of_another_company(self):
        other_company = self.env["res.company"].create({"name": "深圳分公司"})
        other = self.env["res.partner"].create({
            "name": "王芳 (深圳)", "email": "wangfang@xihutea.example.com", "company_id": other_company.id})
        self._submit(name="王芳", email="wangfang@xihutea.example.com", subject="茶叶受潮")
        complaint = self.env["crm.complaint"].search([("subject", "=", "茶叶受潮")])
        self._confirm(self._confirmation_url("wangfang@xihutea.example.com"))
        self.assertTrue(complaint.partner_id)
        self.assertNotEqual(complaint.partner_id, other)

    def test_forged_or_stale_links_are_refused(self):
        customer = self.env["res.partner"].create({"name": "王芳", "email": "wangfang@xihutea.example.com"})
        self._submit(name="冒充者", email="attacker@evil.example.com", subject="冒充")
        complaint = self.env["crm.complaint"].search([("subject", "=", "冒充")])
        url = self._confirmation_url("attacker@evil.example.com")
        # the attacker's own link stops working for another address
        complaint.email_from = "wangfang@xihutea.example.com"
        page = self.url_open(url)
        self.assertEqual(page.status_code, 404)
        self.assertEqual(self.url_open("/complaint/confirm/%d/%s" % (complaint.id, "0" * 64)).status_code, 404)
        self.assertFalse(complaint.partner_id)
        self.assertFalse(self.env["crm.complaint"].search([("partner_id", "=", customer.id)]))

    def test_staff_match_by_hand(self):
        customer = self.env["res.partner"].create({"name": "王芳", "email": "wangfang@xihutea.example.com"})
        self._submit(name="王芳", email="wangfang@xihutea.example.com", subject="茶叶受潮")
        complaint = self.env["crm.complaint"].search([("subject", "=", "茶叶受潮")])
        agent = new_test_user(self.env, "cuv_web_agent", groups="base.group_user,crm_unified_view.group_customer_info_user")
        complaint.with_user(agent).action_link_customer_by_email()
        self.assertEqual(complaint.partner_id, customer)

    # ---- floods ----------------------------------------------------------------------------
    def test_rate_limit_per_email_across_addresses(self):
        with patch.dict(config.options, proxy_mode=True):
            for index in range(RATE_LIMIT_EMAIL):
                self._submit(headers=self._behind_proxy("203.0.113.%d" % (index + 1)))
            response = self._submit(headers=self._behind_proxy("198.51.100.7"))
        self.assertIn("Too many complaints", response.text)
        self.assertEqual(self.env["crm.complaint"].search_count([("email_from", "=", "bot@spam.example.com")]),
                         RATE_LIMIT_EMAIL)
        self.assertEqual(self.env["mail.mail"].sudo().search_count([("email_to", "ilike", "bot@spam.example.com")]),
                         RATE_LIMIT_EMAIL, "no more confirmation mails than complaints: no backscatter flood")

    def test_forwarded_for_is_honoured_only_in_proxy_mode(self):
        with patch.dict(config.options, proxy_mode=False):
            self._submit(headers=self._behind_proxy("203.0.113.9"), email="a@spam.example.com")
        with patch.dict(config.options, proxy_mode=True):
            # the proxy appends the real client address after whatever the client claimed
            self._submit(headers=self._behind_proxy("6.6.6.6, 203.0.113.10"), email="b@spam.example.com")
        Complaint = self.env["crm.complaint"].sudo()
        self.assertEqual(Complaint.search([("email_from", "=", "a@spam.example.com")]).submitted_ip, "127.0.0.1")
        self.assertEqual(Complaint.search([("email_from", "=", "b@spam.example.com")]).submitted_ip, "203.0.113.10")

    def test_spoofed_forwarded_for_does_not_escape_the_limit(self):
        for index in range(RATE_LIMIT):
            self._submit(headers=self._behind_proxy("203.0.113.%d" % (index + 1)), email="bot%d@spam.example.com" % index)
        response = self._submit(headers=self._behind_proxy("198.51.100.7"), email="bot-last@spam.example.com")
        self.assertIn("Too many complaints", response.text)

    def test_rate_limit_per_address(self):
        for _i in range(RATE_LIMIT):
            self._submit()
        response = self._submit()
        self.assertIn("Too many complaints", response.text)
        self.assertEqual(self.env["crm.complaint"].search_count([("email_from", "=", "bot@spam.example.com")]),
                         RATE_LIMIT)


@tagged("post_install", "-at_install")
class TestComplaintRateCounter(TransactionCase):
    """The form's counters: one row per key and window, counted in one statement under a row lock."""

    def test_counts_per_key_and_window(self):
        Counter = self.env["crm.complaint.rate.counter"]
        key = "test:%s" % uuid.uuid4()
        self.assertEqual([Counter._hit(key, timedelta(hours=1)) for _i in range(3)], [1, 2, 3])
        self.assertEqual(Counter._hit(key, timedelta(days=1)), 1, "another window, another count")
        self.assertEqual(Counter._hit(key + "-other", timedelta(hours=1)), 1)

    @mute_logger("odoo.sql_db")
    def test_concurrent_submissions_cannot_overshoot(self):
        """Two transactions counting the same key: the second waits for the first and counts after it."""
        key = "test-race:%s" % uuid.uuid4()
        dbname = self.env.cr.dbname
        window = timedelta(hours=1)
        result = {}
        with closing(sql_db.db_connect(dbname).cursor()) as cr1, closing(sql_db.db_connect(dbname).cursor()) as cr2:
            # environments made here: the registry is locked for other threads while tests run
            counter1, counter2 = (api.Environment(cr, SUPERUSER_ID, {})["crm.complaint.rate.counter"] for cr in (cr1, cr2))
            try:
                self.assertEqual(counter1._hit(key, window), 1)

                def second():
                    try:
                        result["count"] = counter2._hit(key, window)
                    except SerializationFailure:
                        # what Odoo's request retry does: start again, now seeing the first one
                        cr2.rollback()
                        result["count"] = counter2._hit(key, window)
                    cr2.commit()

                thread = threading.Thread(target=second)
                thread.start()
                thread.join(1.0)
                self.assertTrue(thread.is_alive(), "the second transaction waits for the first")
                with closing(sql_db.db_connect(dbname).cursor()) as observer:
                    observer.execute("""SELECT count(*) FROM pg_stat_activity
                                         WHERE datname = %s AND wait_event_type = 'Lock'
                                           AND query LIKE '%%crm_complaint_rate_counter%%'""", [dbname])
                    self.assertEqual(observer.fetchone()[0], 1, "on the counter's row lock")
                cr1.commit()
                thread.join(10)
                self.assertFalse(thread.is_alive())
                self.assertEqual(result.get("count"), 2, "counted after the first one, never beside it")
            finally:
                cr1.rollback()
                cr1.execute("DELETE FROM crm_complaint_rate_counter WHERE key = %s", [key])
                cr1.commit()
