"""Two companies on one database: a user of company B never sees what belongs to company A."""
from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, new_test_user, tagged


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

    def test_user_of_both_sees_a_only_when_a_is_active(self):
        for record in self.records_a:
            Model = self.env[record._name].with_user(self.user_ab)
            with self.subTest(model=record._name):
                only_b = Model.with_context(allowed_company_ids=self.company_b.ids)
                self.assertFalse(only_b.search([("id", "=", record.id)]))
                both = Model.with_context(allowed_company_ids=(self.company_b | self.company_a).ids)
                self.assertEqual(both.search([("id", "=", record.id)]), record)
