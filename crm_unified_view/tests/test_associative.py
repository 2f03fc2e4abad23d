"""Associative information and business customers on the Customer 360: attitude, competitors,
reasons for leaving (and their analysis), buying roles and the decision process."""
from datetime import date

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from .common import CustomerViewCommon


@tagged("post_install", "-at_install")
class TestAssociative(CustomerViewCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.reason_price = cls.env["crm.lost.reason"].create({"name": "价格太高"})
        cls.reason_quality = cls.env["crm.lost.reason"].create({"name": "质量问题"})
        cls.user_own = new_test_user(cls.env, "cuv_own_sales", groups="sales_team.group_sale_salesman",
                                     name="Own-leads salesperson")
        cls.company_b = cls.env["res.company"].create({"name": "乙公司 Company B"})

    # ---- attitude ----------------------------------------------------------------
    def test_attitude_is_stamped_and_tracked(self):
        customer = self.customer.with_user(self.user_info).with_context(tracking_disable=False, mail_notrack=False)
        self.env.cr.precommit.run()  # the customer was created in this transaction: only later changes are tracked
        customer.write({"attitude": "negative", "attitude_note": "嫌包装不环保"})
        self.env.cr.precommit.run()  # tracking values are written at commit
        self.assertEqual((customer.attitude_date, customer.attitude_user_id), (self.today, self.user_info))
        customer.attitude = "neutral"
        self.env.cr.precommit.run()
        trackings = self.env["mail.tracking.value"].search([
            ("field_id.model", "=", "res.partner"), ("field_id.name", "=", "attitude"),
            ("mail_message_id.res_id", "=", self.customer.id)], order="id")
        self.assertEqual([(t.old_value_char, t.new_value_char) for t in trackings],
                         [("", "Negative"), ("Negative", "Neutral")])
        self.assertEqual(trackings.mail_message_id.author_id, self.user_info.partner_id)

    @mute_logger("odoo.models")
    def test_attitude_is_customer_information(self):
        self.customer.attitude = "positive"
        with self.assertRaises(AccessError):
            self.customer.with_user(self.user_employee).read(["attitude"])

    # ---- competitors -------------------------------------------------------------
    def test_competitors_of_a_customer(self):
        competitor = self.env["crm.competitor"].with_user(self.user_info).create(
            {"name": "云南茶商", "website": "https://yunnan-tea.example.com"})
        category = self.env["product.category"].create({"name": "绿茶"})
        self.customer.with_user(self.user_info).competitor_presence_ids = [(0, 0, {
            "competitor_id": competitor.id, "product_category_id": category.id, "share_estimate": 30})]
        presence = self.customer.competitor_presence_ids
        self.assertEqual((presence.competitor_id, presence.product_category_id, presence.share_estimate),
                         (competitor, category, 30))
        self.assertEqual(competitor.customer_count, 1)
        with self.assertRaises(ValidationError):
            presence.share_estimate = 150

    # ---- buying roles and decision process ---------------------------------------
    def test_buying_roles_shown_on_the_company(self):
        roles = [self.env.ref("crm_unified_view.crm_buying_role_%s" % code)
                 for code in ("decision_maker", "influencer", "user", "purchasing", "finance")]
        self.assertEqual(roles[0].with_context(lang="en_US").name, "Decision Maker")
        other = self.env["res.partner"].create({"name": "赵强", "parent_id": self.customer.id, "type": "invoice"})
        self.contact.with_user(self.user_info).buying_role_ids = roles[0] | roles[4]
        customer = self.customer.with_user(self.user_info)
        customer.write({"decision_process_type": "committee", "decision_approval_steps": 3,
                        "decision_process_note": "<p>采购部提出，总经理批准</p>"})
        self.assertEqual(customer.buying_contact_ids, self.contact)  # an invoice address plays no role
        self.assertNotIn(other, customer.buying_contact_ids)
        self.assertEqual(customer.buying_contact_ids.buying_role_ids, roles[0] | roles[4])
        arch = self.env["res.partner"].with_user(self.user_info).get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertIn('name="buying_contact_ids"', arch)
        self.assertIn('name="decision_process_type"', arch)
        values = customer.web_read({"buying_contact_ids": {"fields": {
            "name": {}, "buying_role_ids": {"fields": {"display_name": {}}}}}})[0]
        self.assertEqual([(c["name"], [r["display_name"] for r in c["buying_role_ids"]])
                          for c in values["buying_contact_ids"]], [("王芳", ["Decision Maker", "Finance"])])

    # ---- reasons for leaving -----------------------------------------------------
    def _lost_lead(self, partner, reason, user, revenue=0.0):
        lead = self.env["crm.lead"].create({
            "name": "Opportunity of %s" % partner.name, "type": "opportunity", "partner_id": partner.id,
            "user_id": user.id, "expected_revenue": revenue})
        lead.action_set_lost(lost_reason_id=reason.id)
        return lead

    def test_lost_reasons_of_the_customers_leads(self):
        self._lost_lead(self.contact, self.reason_price, self.user_sales)
        self._lost_lead(self.person, self.reason_quality, self.user_own)
        self.assertEqual(self.customer.with_user(self.user_sales).lead_lost_reason_ids, self.reason_price)
        self.assertEqual(self.contact.with_user(self.user_sales).lead_lost_reason_ids, self.reason_price)
        # a salesperson of their own leads reads the reasons of those only
        self.assertFalse(self.customer.with_user(self.user_own).lead_lost_reason_ids)
        self.assertEqual(self.person.with_user(self.user_own).lead_lost_reason_ids, self.reason_quality)

    def test_churn_reason_is_dated_per_company(self):
        arch = self.env["res.partner"].with_user(self.user_sales).get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertIn('name="churn_reason_id"', arch)
        arch = self.env["res.partner"].with_user(self.user_info).get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertNotIn('name="churn_reason_id"', arch)  # without Sales rights
        self.customer.with_user(self.user_sales).churn_reason_id = self.reason_price
        self.assertEqual(self.customer.churn_date, self.today)
        self.assertFalse(self.customer.with_company(self.company_b).churn_reason_id)

    def _left(self, partner, reason, revenue, left_on, company=None):
        partner.with_company(company or self.env.company).write(
            {"churn_reason_id": reason.id, "churn_date": left_on, "rfm_monetary": revenue})

    def test_churn_reasons_analysis(self):
        other_seller = new_test_user(self.env, "cuv_other_seller", groups="sales_team.group_sale_salesman")
        (self.customer | self.person).user_id = self.user_own
        third = self.env["res.partner"].create({"name": "苏州茶庄", "is_company": True, "user_id": other_seller.id})
        self._left(self.customer, self.reason_price, 1000.0, date(2026, 1, 10))
        self._left(third, self.reason_price, 500.0, date(2026, 2, 1))
        self._left(self.person, self.reason_quality, 200.0, date(2026, 4, 1))
        self._lost_lead(self.person, self.reason_quality, self.user_own, revenue=300.0)
        # another company's reason and revenue are not ours
        self._left(third, self.reason_quality, 9999.0, date(2026, 3, 1), company=self.company_b)

        def figures(user, domain=()):
            return {reason.name: values for reason, *values in self.env["crm.churn.report"].with_user(user)._read_group(
                list(domain), ["reason_id"],
                ["customer_count:sum", "revenue_lost:sum", "opportunity_count:sum", "opportunity_revenue:sum"])}

        self.assertEqual(figures(self.user_sales), {
            "价格太高": [2, 1500.0, 0, 0.0],
            "质量问题": [1, 200.0, 1, 300.0],
        })
        # by salesperson and period
        self.assertEqual(figures(self.user_sales, [("user_id", "=", other_seller.id)]), {"价格太高": [1, 500.0, 0, 0.0]})
        by_quarter = self.env["crm.churn.report"].with_user(self.user_sales)._read_group(
            [("source", "=", "customer")], ["date:quarter"], ["customer_count:sum", "revenue_lost:sum"])
        self.assertEqual([values for _quarter, *values in by_quarter], [[2, 1500.0], [1, 200.0]])
        # a salesperson of their own customers sees those only
        self.assertEqual(figures(self.user_own), {"价格太高": [1, 1000.0, 0, 0.0], "质量问题": [1, 200.0, 1, 300.0]})

    @mute_logger("odoo.models", "odoo.addons.base.models.ir_model")
    def test_churn_reasons_analysis_needs_sales_rights(self):
        self._left(self.customer, self.reason_price, 1000.0, date(2026, 1, 10))
        for user in (self.user_employee, self.user_info):
            with self.subTest(user=user.name), self.assertRaises(AccessError):
                self.env["crm.churn.report"].with_user(user).search([])
        with self.assertRaises(AccessError):
            self.customer.with_user(self.user_info).read(["churn_reason_id"])
