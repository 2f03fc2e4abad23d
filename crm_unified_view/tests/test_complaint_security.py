"""Complaints: every role and operation, table-driven (the cases of survey/tests/test_survey_security.py).

Roles: customer-information users (agent, R&D), manager, employee without the group (reads the
shared service history, changes nothing), portal user, public user, and a user of another company.
"""
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from .service_common import ServiceCommon


@tagged("post_install", "-at_install")
class TestComplaintSecurity(ServiceCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.complaint = cls._complaint(cls)
        cls.other_company = cls.env["res.company"].create({"name": "深圳分公司"})
        cls.user_other_company = new_test_user(
            cls.env, "cuv_other_company", groups="base.group_user,crm_unified_view.group_customer_info_user",
            company_id=cls.other_company.id, company_ids=[(6, 0, cls.other_company.ids)], name="Other company")
        cls.user_public = cls.env.ref("base.public_user")
        # a customer email waiting for an answer: its reply clock is open
        cls.complaint.message_post(body="请回复", message_type="email", author_id=cls.contact.id)
        cls.clock = cls.env["crm.reply.clock"].search([("res_id", "=", cls.complaint.id)])

    # TOOLS: one operation each, run as ``user``; each returns what the user got
    def _read(self, user):
        return self.complaint.with_user(user).read(["subject"])[0]["subject"]

    def _search(self, user):
        return self.env["crm.complaint"].with_user(user).search([])

    def _create(self, user):
        return self.env["crm.complaint"].with_user(user).create(
            {"subject": "包装破损", "partner_id": self.contact.id, "channel": "letter"}).name[:4]

    def _write(self, user):
        self.complaint.with_user(user).write({"stage_id": self.stage_resolved.id, "resolution": "<p>已退款</p>"})
        return self.complaint.is_closed

    def _unlink(self, user):
        self.complaint.with_user(user).unlink()
        return self.complaint.exists()

    def _post_message(self, user):
        return self.complaint.with_user(user).message_post(body="hello", message_type="comment")

    def _read_counters(self, user):
        return self.contact.with_user(user).read(["complaint_count"])[0]["complaint_count"]

    def _search_counters(self, user):
        return self.env["res.partner"].with_user(user).search([("complaint_count", ">", 0)])

    def _search_open_counters(self, user):
        return self.env["res.partner"].with_user(user).search([("open_complaint_count", "=", 0)])

    def _write_category(self, user):
        self.category_product.with_user(user).user_id = self.user_agent
        return self.category_product.user_id

    def _create_reply_rule(self, user):
        template = self.env["mail.template"].create({"name": "t", "model_id": self.env["ir.model"]._get_id("crm.complaint")})
        return self.env["crm.reply.rule"].with_user(user).create({"name": "r", "keywords": "退款", "template_id": template.id})

    def _read_clock(self, user):
        return self.env["crm.reply.clock"].with_user(user).search([("res_id", "=", self.complaint.id)]).state

    def _write_clock(self, user):
        self.clock.with_user(user).write({"state": "replied"})

    # ---- what each role may do, and gets -------------------------------------------------
    def test_allowed(self):
        # in this order: the create adds a complaint, the write closes one, the last case deletes it
        cases = [
            ("user_rnd", self._read, "茶叶受潮"),
            ("user_employee", self._read, "茶叶受潮"),  # service is shared: every employee reads it
            ("user_employee", self._read_counters, 1),
            ("user_employee", self._read_clock, "open"),
            ("user_agent", self._read_counters, 1),
            ("user_agent", self._create, "CPL/"),
            ("user_agent", self._read_clock, "open"),  # reply clocks: read-only for everybody
            ("user_other_company", self._search, self.env["crm.complaint"]),  # another company's: none
            ("user_service_manager", self._write_category, self.user_agent),
            ("user_rnd", self._write, True),
            ("user_service_manager", self._unlink, self.env["crm.complaint"]),
        ]
        for role, operation, expected in cases:
            with self.subTest(role=role, operation=operation.__name__):
                self.assertEqual(operation(getattr(self, role)), expected)

    @mute_logger("odoo.models", "odoo.addons.base.models.ir_model", "odoo.addons.base.models.ir_rule")
    def test_refused(self):
        cases = [
            ("user_agent", self._unlink),
            ("user_employee", self._create),
            ("user_employee", self._write),
            ("user_employee", self._unlink),
            ("user_portal", self._read),
            ("user_portal", self._search),
            ("user_public", self._read),
            ("user_other_company", self._read),
            ("user_agent", self._write_category),
            ("user_agent", self._create_reply_rule),
            ("user_agent", self._write_clock),
            ("user_employee", self._write_clock),
            ("user_employee", self._post_message),
            ("user_portal", self._post_message),  # a portal user's message never reaches a complaint
        ]
        for role, operation in cases:
            with self.subTest(role=role, operation=operation.__name__), self.assertRaises(AccessError):
                operation(getattr(self, role))
        self.env.invalidate_all()
        self.assertEqual((bool(self.complaint.exists()), self.complaint.stage_id), (True, self.stage_new))
        self.assertEqual((self.category_product.user_id, self.clock.state), (self.user_rnd, "open"))
        self.assertFalse(self.env["crm.reply.rule"].search([("name", "=", "r")]))

    # ---- partner counters ---------------------------------------------------------
    def test_portal_computes_no_counters(self):
        # server paths (exports, templates, computed fields) read without the field's groups: they count nothing
        contact = self.contact.with_user(self.user_portal)
        self.assertEqual((contact.complaint_count, contact.open_complaint_count), (0, 0))

    def test_other_company_counts_none_of_our_complaints(self):
        contact = self.contact.with_user(self.user_other_company)
        self.assertEqual((contact.complaint_count, contact.open_complaint_count), (0, 0))
        self.assertNotIn(self.contact, self.env["res.partner"].with_user(self.user_other_company).search(
            [("complaint_count", ">", 0)]))

    def test_counters_follow_a_complaint_by_a_user_without_partner_rights(self):
        # the customer is rescored as superuser: the agent need not be allowed to write partners
        agent = new_test_user(self.env, "cuv_agent_readonly", groups="base.group_user,"
                              "crm_unified_view.group_customer_info_user")
        self.env["crm.complaint"].with_user(agent).create({"subject": "x", "partner_id": self.customer.id})
        self.assertEqual(self.customer.complaint_count, 2)
