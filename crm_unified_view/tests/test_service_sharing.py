"""Service is shared across the company: every employee reads the complaints and service history
of the customers they may read; only service staff change them."""
from xmlrpc.client import Fault

from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from .service_common import ServiceCommon


@tagged("post_install", "-at_install")
class TestServiceSharing(ServiceCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_salesperson = new_test_user(
            cls.env, "cuv_share_sales", groups="sales_team.group_sale_salesman", name="Salesperson")
        cls.complaint = cls._complaint(cls, category_id=cls.category_product.id)
        cls.complaint.message_post(body="请回复", message_type="email", author_id=cls.contact.id)
        cls.clock = cls.env["crm.reply.clock"].search([("res_id", "=", cls.complaint.id)])
        # a customer of another company, whose complaint was filed in ours
        cls.other_company = cls.env["res.company"].create({"name": "深圳分公司"})
        cls.foreign_customer = cls.env["res.partner"].create({
            "name": "深圳茶行", "is_company": True, "company_id": cls.other_company.id})
        cls.foreign_complaint = cls._complaint(cls, partner_id=cls.foreign_customer.id)
        cls.employees = (cls.user_employee, cls.user_salesperson)

    def test_employees_read_complaints_and_service_history(self):
        for user in self.employees:
            with self.subTest(user=user.name):
                complaint = self.complaint.with_user(user)
                self.assertEqual(complaint.read(["subject"])[0]["subject"], "茶叶受潮")
                rows = self.env["crm.complaint"].with_user(user).search_read(
                    [("partner_id", "child_of", self.customer.id)], ["stage_id", "category_id", "satisfaction_rating"])
                self.assertEqual([row["id"] for row in rows], self.complaint.ids)
                self.assertEqual(rows[0]["stage_id"][0], self.stage_new.id)
                self.assertEqual(complaint.stage_id.read(["name"])[0]["id"], self.stage_new.id)
                self.assertEqual(complaint.category_id.read(["name"])[0]["id"], self.category_product.id)
                clocks = self.env["crm.reply.clock"].with_user(user).search([("partner_id", "!=", False)])
                self.assertEqual(clocks, self.clock)
                # the chatter of the complaint
                messages = self.env["mail.message"].with_user(user).search(
                    [("model", "=", "crm.complaint"), ("res_id", "=", self.complaint.id)])
                self.assertIn("请回复", "".join(messages.mapped("body")))
                self.assertTrue(complaint.message_follower_ids.read(["partner_id"]))

    def test_partner_form_shows_service_history_to_employees(self):
        for user in self.employees:
            with self.subTest(user=user.name):
                Partner = self.env["res.partner"].with_user(user)
                arch = Partner.get_views([(False, "form")])["views"]["form"]["arch"]
                self.assertIn('name="complaint_count"', arch)
                values = self.customer.with_user(user).web_read({
                    "complaint_count": {}, "open_complaint_count": {}, "satisfaction_score": {},
                    "complaint_ids": {"fields": {"subject": {}, "stage_id": {"fields": {"display_name": {}}}}}})[0]
                self.assertEqual((values["complaint_count"], values["open_complaint_count"]), (1, 1))
                self.assertEqual([c["subject"] for c in values["complaint_ids"]], ["茶叶受潮"])
                self.assertEqual(Partner.search([("complaint_count", ">", 0)]), self.customer | self.contact)

    def test_complaint_form_opens_read_only_for_employees(self):
        for user in self.employees:
            with self.subTest(user=user.name):
                Complaint = self.env["crm.complaint"].with_user(user)
                views = Complaint.get_views([(False, "form"), (False, "list")])
                self.assertNotIn("reply_rule_id", views["views"]["form"]["arch"])
                fields = views["models"]["crm.complaint"]["fields"]
                spec = {name: ({"fields": {"display_name": {}}} if field["type"] == "many2one" else {})
                        for name, field in fields.items()}
                self.assertEqual(self.complaint.with_user(user).web_read(spec)[0]["subject"], "茶叶受潮")

    @mute_logger("odoo.models", "odoo.addons.base.models.ir_model", "odoo.addons.base.models.ir_rule")
    def test_employees_change_nothing(self):
        operations = {
            "write": lambda c: c.write({"stage_id": self.stage_resolved.id}),
            "create": lambda c: c.create({"subject": "包装破损", "partner_id": self.contact.id}),
            "unlink": lambda c: c.unlink(),
            "post": lambda c: c.message_post(body="hello", message_type="comment"),
            "stage": lambda c: self.stage_new.with_user(c.env.user).write({"name": "x"}),
            "category": lambda c: self.category_product.with_user(c.env.user).write({"name": "x"}),
            "clock": lambda c: self.clock.with_user(c.env.user).write({"state": "replied"}),
        }
        for user in self.employees:
            for name, operation in operations.items():
                with self.subTest(user=user.name, operation=name), self.assertRaises(AccessError):
                    operation(self.complaint.with_user(user))
        self.env.invalidate_all()
        self.assertEqual((self.complaint.stage_id, self.complaint.exists()), (self.stage_new, self.complaint))
        self.assertEqual(self.clock.state, "open")

    @mute_logger("odoo.models", "odoo.addons.base.models.ir_rule")
    def test_no_complaint_of_a_customer_the_user_cannot_read(self):
        for user in (self.user_employee, self.user_salesperson, self.user_agent):
            with self.subTest(user=user.name):
                with self.assertRaises(AccessError):
                    self.foreign_customer.with_user(user).read(["name"])
                with self.assertRaises(AccessError):
                    self.foreign_complaint.with_user(user).read(["subject"])
                self.assertNotIn(self.foreign_complaint, self.env["crm.complaint"].with_user(user).search([]))
        # a user of both companies reads it
        both = new_test_user(self.env, "cuv_share_both", groups="base.group_user",
                             company_ids=[(6, 0, (self.env.company | self.other_company).ids)])
        self.assertEqual(self.foreign_complaint.with_user(both).read(["subject"])[0]["subject"], "茶叶受潮")

    @mute_logger("odoo.models", "odoo.addons.base.models.ir_model", "odoo.addons.base.models.ir_rule")
    def test_portal_unaffected(self):
        with self.assertRaises(AccessError):
            self.complaint.with_user(self.user_portal).read(["subject"])
        with self.assertRaises(AccessError):
            self.env["crm.reply.clock"].with_user(self.user_portal).search([])
        with self.assertRaises(AccessError):
            self.contact.with_user(self.user_portal).read(["complaint_count"])
        self.assertEqual(self.contact.with_user(self.user_portal).complaint_count, 0)


@tagged("post_install", "-at_install")
class TestServiceSharingRpc(ServiceCommon, HttpCase):

    def _xmlrpc(self, login, method, *args, **kwargs):
        uid = self.xmlrpc_common.authenticate(self.env.cr.dbname, login, login, {})
        return self.xmlrpc_object.execute_kw(self.env.cr.dbname, uid, login, "crm.complaint", method, list(args), kwargs)

    @mute_logger("odoo.http", "odoo.models", "odoo.addons.base.models.ir_model")
    def test_employee_reads_over_rpc_and_writes_nothing(self):
        complaint = self._complaint()
        rows = self._xmlrpc("cuv_plain_employee", "search_read", [("id", "=", complaint.id)], fields=["subject"])
        self.assertEqual(rows, [{"id": complaint.id, "subject": "茶叶受潮"}])
        with self.assertRaises(Fault):
            self._xmlrpc("cuv_plain_employee", "write", [complaint.id], {"subject": "x"})
        self.assertEqual(complaint.subject, "茶叶受潮")
