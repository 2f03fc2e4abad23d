"""Complaints: one test per role and operation (survey/tests/test_survey_security.py style).

Roles: customer-information user (agent), manager, employee without the group, portal user,
public user, and a user of another company.
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

    # ---- complaints: shared company-wide among customer-information users ----------------
    def test_agent_read(self):
        self.assertEqual(self.complaint.with_user(self.user_rnd).read(["subject"])[0]["subject"], "茶叶受潮")

    def test_agent_create(self):
        complaint = self.env["crm.complaint"].with_user(self.user_agent).create(
            {"subject": "包装破损", "partner_id": self.contact.id, "channel": "letter"})
        self.assertTrue(complaint.name.startswith("CPL/"))

    def test_agent_write(self):
        self.complaint.with_user(self.user_rnd).write({"stage_id": self.stage_resolved.id, "resolution": "<p>已退款</p>"})
        self.assertTrue(self.complaint.is_closed)

    @mute_logger("odoo.models")
    def test_agent_unlink(self):
        with self.assertRaises(AccessError):
            self.complaint.with_user(self.user_agent).unlink()

    def test_manager_unlink(self):
        self.complaint.with_user(self.user_service_manager).unlink()
        self.assertFalse(self.complaint.exists())

    @mute_logger("odoo.models")
    def test_employee_read(self):
        with self.assertRaises(AccessError):
            self.complaint.with_user(self.user_employee).read(["subject"])

    @mute_logger("odoo.models")
    def test_employee_create(self):
        with self.assertRaises(AccessError):
            self.env["crm.complaint"].with_user(self.user_employee).create({"subject": "x", "channel": "phone"})

    @mute_logger("odoo.models")
    def test_portal_read(self):
        with self.assertRaises(AccessError):
            self.complaint.with_user(self.user_portal).read(["subject"])

    @mute_logger("odoo.models")
    def test_portal_search(self):
        with self.assertRaises(AccessError):
            self.env["crm.complaint"].with_user(self.user_portal).search([])

    @mute_logger("odoo.models")
    def test_public_read(self):
        with self.assertRaises(AccessError):
            self.complaint.with_user(self.user_public).read(["subject"])

    @mute_logger("odoo.models")
    def test_other_company_read(self):
        self.assertFalse(self.env["crm.complaint"].with_user(self.user_other_company).search([]))
        with self.assertRaises(AccessError):
            self.complaint.with_user(self.user_other_company).read(["subject"])

    # ---- partner counters ---------------------------------------------------------
    def test_agent_reads_counters(self):
        self.assertEqual(self.contact.with_user(self.user_agent).complaint_count, 1)

    @mute_logger("odoo.models")
    def test_employee_reads_counters(self):
        with self.assertRaises(AccessError):
            self.contact.with_user(self.user_employee).read(["complaint_count"])

    def test_employee_computes_no_counters(self):
        # server paths (exports, templates, computed fields) read without the field's groups: they count nothing
        contact = self.contact.with_user(self.user_employee)
        self.assertEqual((contact.complaint_count, contact.open_complaint_count), (0, 0))

    @mute_logger("odoo.models")
    def test_employee_searches_counters(self):
        for domain in ([("complaint_count", ">", 0)], [("open_complaint_count", "=", 0)]):
            with self.subTest(domain=domain), self.assertRaises(AccessError):
                self.env["res.partner"].with_user(self.user_employee).search(domain)

    def test_other_company_counts_none_of_our_complaints(self):
        contact = self.contact.with_user(self.user_other_company)
        self.assertEqual((contact.complaint_count, contact.open_complaint_count), (0, 0))
        self.assertNotIn(self.contact, self.env["res.partner"].with_user(self.user_other_company).search(
            [("complaint_count", ">", 0)]))

    def test_counters_follow_a_complaint_by_a_user_without_partner_rights(self):
        # the counters are written as superuser: the agent need not be allowed to write partners
        agent = new_test_user(self.env, "cuv_agent_readonly", groups="base.group_user,"
                              "crm_unified_view.group_customer_info_user")
        self.env["crm.complaint"].with_user(agent).create({"subject": "x", "partner_id": self.customer.id})
        self.assertEqual(self.customer.complaint_count, 2)

    # ---- configuration ---------------------------------------------------------------
    @mute_logger("odoo.models")
    def test_agent_write_category(self):
        with self.assertRaises(AccessError):
            self.category_product.with_user(self.user_agent).user_id = self.user_agent

    def test_manager_write_category(self):
        self.category_product.with_user(self.user_service_manager).user_id = self.user_agent
        self.assertEqual(self.category_product.user_id, self.user_agent)

    @mute_logger("odoo.models")
    def test_agent_create_reply_rule(self):
        template = self.env["mail.template"].create({"name": "t", "model_id": self.env["ir.model"]._get_id("crm.complaint")})
        with self.assertRaises(AccessError):
            self.env["crm.reply.rule"].with_user(self.user_agent).create(
                {"name": "r", "keywords": "退款", "template_id": template.id})

    # ---- reply clocks: read-only for everybody, moved by the server ---------------------
    def test_agent_read_clock(self):
        self.complaint.message_post(body="请回复", message_type="email", author_id=self.contact.id)
        clocks = self.env["crm.reply.clock"].with_user(self.user_agent).search([("res_id", "=", self.complaint.id)])
        self.assertEqual(clocks.state, "open")

    @mute_logger("odoo.models")
    def test_agent_write_clock(self):
        self.complaint.message_post(body="请回复", message_type="email", author_id=self.contact.id)
        clock = self.env["crm.reply.clock"].search([("res_id", "=", self.complaint.id)])
        with self.assertRaises(AccessError):
            clock.with_user(self.user_agent).write({"state": "replied"})

    @mute_logger("odoo.models")
    def test_employee_read_clock(self):
        with self.assertRaises(AccessError):
            self.env["crm.reply.clock"].with_user(self.user_employee).search([])

    @mute_logger("odoo.models")
    def test_portal_message_post_does_not_reach_complaint(self):
        with self.assertRaises(AccessError):
            self.complaint.with_user(self.user_portal).message_post(body="hello", message_type="comment")
