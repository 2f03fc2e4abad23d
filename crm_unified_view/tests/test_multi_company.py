"""Two companies on one database: a user of company B never sees what belongs to company A."""
import ast

from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, new_test_user, tagged

from .service_common import ServiceCommon


@tagged("post_install", "-at_install")
class TestMultiCompany(TransactionCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_a = cls.env.company
        cls.company_b = cls.env["res.company"].create({"name": "乙公司 Company B"})
        groups = ("base.group_user,base.group_partner_manager,sales_team.group_sale_salesman_all_leads,"
                  "crm_unified_view.group_customer_info_manager,crm_unified_view.group_customer_privacy_officer,"
                  "crm_unified_view.group_knowledge_editor")
        cls.user_b = new_test_user(cls.env, "cuv_mc_b", groups=groups, company_id=cls.company_b.id,
                                   company_ids=[(6, 0, cls.company_b.ids)])
        cls.user_ab = new_test_user(cls.env, "cuv_mc_ab", groups=groups, company_id=cls.company_b.id,
                                    company_ids=[(6, 0, (cls.company_a | cls.company_b).ids)])
        # a customer shared by both companies, and one of company A only
        cls.shared = cls.env["res.partner"].create({"name": "共享客户", "customer_rank": 1})
        cls.customer_a = cls.env["res.partner"].create({"name": "甲公司客户", "company_id": cls.company_a.id})

        run = cls.env["crm.segmentation.run"].create({"company_id": cls.company_a.id})
        segment = cls.env["crm.segment"].create({"run_id": run.id, "name": "甲公司高价值", "sequence": 0})
        result = cls.env["crm.segmentation.result"].create({
            "run_id": run.id, "partner_id": cls.shared.id, "segment_id": segment.id, "rfm_score": "555"})
        product = cls.env["product.product"].create({"name": "甲产品"})
        suggestion = cls.env["crm.segmentation.suggestion"].create({
            "run_id": run.id, "partner_id": cls.shared.id, "product_id": product.id, "rank": 1})
        complaint = cls.env["crm.complaint"].create({
            "subject": "甲公司的投诉", "partner_id": cls.shared.id, "company_id": cls.company_a.id})
        private = cls.env["crm.customer.private.info"].create({
            "partner_id": cls.customer_a.id, "category_id": cls.env.ref("crm_unified_view.private_category_income").id,
            "income_level": "high"})
        consent = cls.env["crm.customer.consent"].create({"partner_id": cls.customer_a.id, "purpose": "marketing", "channel": "paper"})
        template = cls.env["mail.template"].create({
            "name": "甲模板", "model_id": cls.env["ir.model"]._get_id("crm.complaint")})
        rule = cls.env["crm.reply.rule"].create({
            "name": "甲规则", "keywords": "退货", "template_id": template.id, "company_id": cls.company_a.id})
        article = cls.env["crm.knowledge.article"].create({
            "name": "甲公司内部文章", "state": "approved", "company_id": cls.company_a.id})
        log = cls.env["crm.private.access.log"].create({
            "user_id": cls.env.uid, "partner_id": cls.customer_a.id, "operation": "read",
            "category_id": private.category_id.id})
        cls.records_a = [run, segment, result, suggestion, complaint, private, consent, rule, article, log]

    def test_user_of_b_sees_nothing_of_a(self):
        for record in self.records_a:
            Model = self.env[record._name].with_user(self.user_b)
            with self.subTest(model=record._name):
                self.assertFalse(Model.search([("id", "=", record.id)]))
                self.assertFalse(Model.search_count([]) and Model.search([]) & record)
                with self.assertRaises(AccessError):
                    record.with_user(self.user_b).read(["display_name"])
                groups = Model.read_group([], ["id:count"], [])
                self.assertEqual(groups[0]["id"] if groups else 0, Model.search_count([]))
                if Model._rec_name or Model._rec_names_search:
                    self.assertNotIn(record.id, [found[0] for found in Model.name_search(record.display_name)])

    def test_related_fields_of_a_shared_customer(self):
        self.env.invalidate_all()  # as in a new request: nothing read by the set-up user is cached
        shared = self.shared.with_user(self.user_b)
        self.assertEqual(shared.read(["complaint_ids", "segmentation_result_ids"])[0]["complaint_ids"], [])
        self.assertFalse(shared.complaint_ids)
        self.assertFalse(shared.segmentation_result_ids)
        self.assertEqual((shared.complaint_count, self.shared.complaint_count), (0, 1))
        self.assertFalse(self.env["crm.complaint"].with_user(self.user_b).read_group(
            [("partner_id", "=", self.shared.id)], ["partner_id"], ["partner_id"]))

    def test_complaint_counters_count_the_active_companies(self):
        self.env.invalidate_all()
        shared = self.shared.with_user(self.user_ab)
        self.assertEqual(shared.with_context(allowed_company_ids=self.company_b.ids).complaint_count, 0)
        both = shared.with_context(allowed_company_ids=(self.company_b | self.company_a).ids)
        self.assertEqual((both.complaint_count, both.open_complaint_count), (1, 1))

    def test_complaint_counter_search_is_no_oracle(self):
        for fname in ("complaint_count", "open_complaint_count"):
            with self.subTest(field=fname):
                Partner_b = self.env["res.partner"].with_user(self.user_b)
                self.assertNotIn(self.shared, Partner_b.search([(fname, ">", 0)]))
                self.assertNotIn(self.shared, Partner_b.search([(fname, "=", 1)]))
                self.assertIn(self.shared, Partner_b.search([(fname, "=", 0)]))
                self.assertIn(self.shared, Partner_b.search([(fname, "<", 1)]))
                Partner_ab = self.env["res.partner"].with_user(self.user_ab)
                both = Partner_ab.with_context(allowed_company_ids=(self.company_b | self.company_a).ids)
                self.assertIn(self.shared, both.search([(fname, ">", 0)]))
                self.assertNotIn(self.shared, both.search([(fname, "!=", 1)]))
                only_b = Partner_ab.with_context(allowed_company_ids=self.company_b.ids)
                self.assertNotIn(self.shared, only_b.search([(fname, ">=", 1)]))

    def test_user_of_both_sees_a_only_when_a_is_active(self):
        for record in self.records_a:
            Model = self.env[record._name].with_user(self.user_ab)
            with self.subTest(model=record._name):
                only_b = Model.with_context(allowed_company_ids=self.company_b.ids)
                self.assertFalse(only_b.search([("id", "=", record.id)]))
                both = Model.with_context(allowed_company_ids=(self.company_b | self.company_a).ids)
                self.assertEqual(both.search([("id", "=", record.id)]), record)


@tagged("post_install", "-at_install")
class TestComplaintAliasCompany(ServiceCommon):
    """A complaint emailed to a category's alias belongs to the category's company, whoever runs the gateway."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.env["res.company"].create({"name": "乙公司 Company B"})
        cls.alias_domain_b = cls.env["mail.alias.domain"].create({"name": "b.example.com"})
        cls.company_b.alias_domain_id = cls.alias_domain_b
        cls.user_rnd_b = new_test_user(
            cls.env, "cuv_alias_rnd_b", groups="base.group_user,crm_unified_view.group_customer_info_user",
            company_id=cls.company_b.id, company_ids=[(6, 0, cls.company_b.ids)], name="乙公司研发")
        cls.category_b = cls.env["crm.complaint.category"].create({
            "name": "乙公司产品质量", "feedback_type": "product", "company_id": cls.company_b.id,
            "user_id": cls.user_rnd_b.id, "alias_name": "complaints-b"})
        # the mail gateway runs as OdooBot (the mail server's cron) or as the user of the mailgate
        # script: both work in company A, their current company
        cls.gateway_user = new_test_user(
            cls.env, "cuv_gateway_a", groups="base.group_system,crm_unified_view.group_customer_info_user",
            company_id=cls.company.id, company_ids=[(6, 0, (cls.company | cls.company_b).ids)], name="Gateway A")

    def _receive(self, subject, message_id, user=None, **kwargs):
        raw = self._raw_email(subject, "收到的茶叶受潮了。", to="complaints-b@b.example.com", message_id=message_id, **kwargs)
        MailThread = self.env["mail.thread"].with_user(user) if user else self.env["mail.thread"]
        self.assertEqual(MailThread.env.company, self.company)
        MailThread.message_process(None, raw)
        return self.env["crm.complaint"].search([("subject", "=", subject)])

    def test_alias_carries_the_category_company(self):
        self.assertEqual(self.category_b.alias_domain_id, self.alias_domain_b)
        self.assertEqual(ast.literal_eval(self.category_b.alias_defaults)["company_id"], self.company_b.id)
        self.category_b.company_id = self.company
        self.assertEqual(ast.literal_eval(self.category_b.alias_defaults)["company_id"], self.company.id)
        self.assertEqual(self.category_b.alias_domain_id, self.alias_domain, "the alias follows its company")

    def test_complaint_takes_the_category_company(self):
        complaint = self._receive("乙公司：茶叶受潮", "<mc-1@xihutea.example.com>", user=self.gateway_user)
        self.assertEqual(len(complaint), 1)
        self.assertEqual(complaint.company_id, self.company_b)
        self.assertEqual(complaint.category_id, self.category_b)
        self.assertEqual(complaint.user_id, self.user_rnd_b)
        # company B's staff handle it; company A's do not see it
        self.assertEqual(self.env["crm.complaint"].with_user(self.user_rnd_b).search([("id", "=", complaint.id)]),
                         complaint)
        self.assertFalse(self.env["crm.complaint"].with_user(self.user_rnd).search([("id", "=", complaint.id)]))
        clock = self.env["crm.reply.clock"].search([("res_model", "=", "crm.complaint"), ("res_id", "=", complaint.id)])
        self.assertEqual(clock.company_id, self.company_b)

    def test_complaint_fetched_by_odoobot_takes_the_category_company(self):
        complaint = self._receive("乙公司：发票开错", "<mc-4@xihutea.example.com>")
        self.assertEqual(complaint.company_id, self.company_b)
        self.assertTrue(complaint.name.startswith("CPL/"))

    def test_category_without_company_files_in_the_gateway_company(self):
        self.category_b.company_id = False
        complaint = self._receive("无公司类别的投诉", "<mc-2@xihutea.example.com>", user=self.gateway_user)
        self.assertEqual(complaint.company_id, self.company)

    def test_complaint_created_with_a_category_takes_its_company(self):
        complaint = self.env["crm.complaint"].create({"subject": "电话投诉", "category_id": self.category_b.id})
        self.assertEqual(complaint.company_id, self.company_b)

    def test_customer_of_another_company_is_not_linked(self):
        partner_a = self.env["res.partner"].create({
            "name": "甲公司的陈先生", "email": "chen@newcustomer.example.com", "company_id": self.company.id})
        complaint = self._receive("乙公司：茶杯裂了", "<mc-3@newcustomer.example.com>", user=self.gateway_user,
                                  email_from="chen@newcustomer.example.com", name="陳先生")
        self.assertEqual(complaint.company_id, self.company_b)
        self.assertTrue(complaint.partner_id)
        self.assertNotEqual(complaint.partner_id, partner_a)
        self.assertIn(complaint.partner_id.company_id, (self.company_b, self.env["res.company"]))
        # company B's staff can read the complaint's customer, who is also the email's author
        self.assertEqual(complaint.with_user(self.user_rnd_b).partner_id.email_normalized, "chen@newcustomer.example.com")
        email = complaint.message_ids.filtered(lambda m: m.message_type == "email")
        self.assertEqual(email.author_id, complaint.partner_id)
