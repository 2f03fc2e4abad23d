"""The seven categories computed on known orders, invoices, refunds, currencies and contacts."""
from datetime import timedelta

from odoo.exceptions import ValidationError
from odoo.tests import tagged

from ..analytics import pipeline, segments
from .common import CustomerViewCommon


@tagged("post_install", "-at_install")
class TestCustomer360(CustomerViewCommon):

    def test_behaviour_rolls_up_orders_of_contacts_and_converts_currency(self):
        self._confirmed_order(self.customer, [(self.product_tea, 10, 100.0)], days_ago=30)
        self._confirmed_order(self.contact, [(self.product_cup, 50, 10.0)], days_ago=5)
        # 300 in the second currency at 2 per company-currency unit = 150
        self._confirmed_order(self.customer, [(self.product_cup, 30, 10.0)], days_ago=400,
                              pricelist=self.other_pricelist)
        cancelled = self._confirmed_order(self.customer, [(self.product_tea, 99, 100.0)])
        cancelled._action_cancel()
        self.env["sale.order"].create({"partner_id": self.customer.id, "order_line": [
            (0, 0, {"product_id": self.product_tea.id, "product_uom_qty": 5})]})  # a quotation

        for partner in (self.customer, self.contact):
            self.assertEqual(partner.confirmed_order_count, 3)
            self.assertAlmostEqual(partner.sales_revenue, 1000.0 + 500.0 + 150.0)
            self.assertEqual(partner.last_order_date, self.today - timedelta(days=5))
            self.assertEqual(partner.customer_since, self.today - timedelta(days=400))
            self.assertEqual(partner.customer_status, "active")
            self.assertEqual(partner.top_product_ids, self.product_tea + self.product_cup)
        self.assertEqual(self.person.confirmed_order_count, 0)
        self.assertFalse(self.person.customer_status)
        self.assertFalse(self.person.top_product_ids)

    def test_top_categories_sum_their_products(self):
        tea, ware = self.env["product.category"].create([{"name": "Tea"}, {"name": "Teaware"}])
        self.product_tea.categ_id = tea
        self.product_cup.categ_id = ware
        pot = self._create_product(name="Teapot", lst_price=10.0, categ_id=ware.id)
        # tea is the best product, but the two teaware products sell more together
        self._confirmed_order(self.customer, [(self.product_tea, 1, 100.0), (self.product_cup, 1, 60.0),
                                              (pot, 1, 50.0)])
        self.assertEqual(self.customer.top_product_ids.ids, [self.product_tea.id, self.product_cup.id, pot.id])
        self.assertEqual(self.customer.top_category_ids.ids, [ware.id, tea.id])

    def test_top_products_open_on_click(self):
        tea = self.env["product.category"].create({"name": "Tea"})
        self.product_tea.categ_id = tea
        self._confirmed_order(self.customer, [(self.product_tea, 1, 100.0), (self.product_cup, 1, 60.0)])
        self._confirmed_order(self.contact, [(self.product_cup, 1, 10.0)])
        self.env["sale.order"].create({"partner_id": self.customer.id, "order_line": [
            (0, 0, {"product_id": self.product_cup.id, "product_uom_qty": 5})]})  # a quotation
        action = self.contact.with_user(self.user_sales).action_view_top_products()
        self.assertEqual(action["res_model"], "sale.report")
        Report = self.env["sale.report"].with_user(self.user_sales)
        sums = dict(Report._read_group(action["domain"], ["product_id"], ["price_subtotal:sum"]))
        self.assertEqual(sums, {self.product_tea: 100.0, self.product_cup: 70.0})
        self.assertEqual(self.customer.top_product_ids, self.product_tea + self.product_cup)

    def test_customer_status_follows_the_limits_and_is_searchable(self):
        dormant, lost = self.person, self.env["res.partner"].create({"name": "张伟"})
        self._confirmed_order(self.customer, [(self.product_tea, 1, 100.0)], days_ago=10)
        self._confirmed_order(dormant, [(self.product_tea, 1, 100.0)], days_ago=200)
        self._confirmed_order(lost, [(self.product_tea, 1, 100.0)], days_ago=400)
        self.assertEqual((self.customer | dormant | lost).mapped("customer_status"), ["active", "dormant", "lost"])
        Partner = self.env["res.partner"]
        self.assertEqual(Partner.search([("customer_status", "=", "dormant")]), dormant)
        self.assertEqual(Partner.search([("customer_status", "in", ["lost"])]), lost)
        self.assertIn(self.contact, Partner.search([("customer_status", "=", "active")]))
        never = Partner.search([("customer_status", "=", False)])
        self.assertIn(self.env.ref("base.main_partner"), never)
        self.assertNotIn(dormant, never)
        self.env["ir.config_parameter"].set_param("crm_unified_view.dormant_after_days", 250)
        self.env.invalidate_all()
        self.assertEqual(dormant.customer_status, "active")

    def test_settings_reject_a_lost_limit_before_the_dormant_one(self):
        with self.assertRaises(ValidationError):
            self.env["res.config.settings"].create({
                "customer_dormant_after_days": 300, "customer_lost_after_days": 200})

    def test_account_figures_from_invoices_refunds_and_payments(self):
        paid_late = self._posted_invoice(self.customer, 400.0, days_ago=60)
        self._pay(paid_late, days_ago=50)  # paid 10 days after its due date
        paid_on_time = self._posted_invoice(self.contact, 100.0, days_ago=40)
        self._pay(paid_on_time, days_ago=40)
        self._posted_invoice(self.customer, 1000.0, days_ago=20)  # due immediately: overdue
        self._posted_invoice(self.customer, 300.0, days_ago=0)    # due today: not yet overdue
        self._posted_invoice(self.customer, 200.0, move_type="out_refund", days_ago=1)
        self.customer.credit_limit = 2200.0
        self.env.invalidate_all()  # as on the next request: payments do not post invoices

        for partner in (self.customer, self.contact):
            self.assertAlmostEqual(partner.overdue_amount, 1000.0)
            self.assertAlmostEqual(partner.net_invoiced_amount, 400.0 + 100.0 + 1000.0 + 300.0 - 200.0)
            self.assertAlmostEqual(partner.average_payment_delay, 5.0)  # (10 + 0) / 2
        self.assertAlmostEqual(self.customer.credit, 1100.0)
        self.assertAlmostEqual(self.customer.credit_usage, 50.0)
        self.assertFalse(self.person.overdue_amount)
        self.assertFalse(self.person.credit_usage)

    def test_service_and_contact_history(self):
        self.assertFalse(self.customer.last_contact_date)
        self.contact.message_post(body="您好，请问订单什么时候发货？", message_type="comment",
                                  subtype_xmlid="mail.mt_comment")
        self.customer.message_post(body="internal note", subtype_xmlid="mail.mt_note")
        self.env.invalidate_all()
        self.assertTrue(self.customer.last_contact_date)
        self.assertEqual(self.customer.last_contact_date, self.contact.last_contact_date)
        self.assertEqual(self.customer.complaint_count, 0)

    def test_extended_information_defined_without_code(self):
        self.env.company.customer_properties_definition = [
            {"name": "wechat_id", "type": "char", "string": "WeChat ID"}]
        self.customer.customer_properties = {"wechat_id": "xihu_tea"}
        self.assertEqual(self.customer.customer_properties["wechat_id"], "xihu_tea")
        self.assertEqual(self.customer.properties_company_id, self.env.company)
        item = self.env.ref("crm_unified_view.crm_customer_info_item_customer_properties")
        self.assertTrue(item._has_value(self.customer))
        self.assertFalse(item._has_value(self.person))
        self.customer._recompute_data_quality()  # a filled extended field counts in accuracy
        self.assertGreater(self.customer.data_accuracy, 0)

    def test_every_category_and_type_is_classified(self):
        items = self.env["crm.customer.info.item"].search([])
        self.assertEqual(set(items.mapped("category")),
                         {"basic", "contact", "status", "account", "behaviour", "service", "extended"})
        self.assertEqual(set(items.mapped("info_type")), {"descriptive", "behavioural", "associative"})
        for item in items:
            self.assertIn(item.field_name, self.env["res.partner"]._fields, item.name)

    def test_suggested_account_manager_sold_the_most_in_company_currency(self):
        # 300 in the second currency is 150 in company currency: less than 200
        self._confirmed_order(self.customer, [(self.product_cup, 30, 10.0)],
                              pricelist=self.other_pricelist).user_id = self.user_sales
        self._confirmed_order(self.contact, [(self.product_cup, 20, 10.0)]).user_id = self.user_manager
        # orders of another company count for that company only
        company_b = self.env["res.company"].create({"name": "乙公司", "currency_id": self.currency.id})
        order_b = self._confirmed_order(self.customer, [(self.product_tea, 10, 100.0)])
        self.env.cr.execute("UPDATE sale_order SET company_id = %s, user_id = %s WHERE id = %s",
                            [company_b.id, self.user_sales.id, order_b.id])
        self.env.invalidate_all()
        self.customer.needs_account_manager = True
        self.assertEqual(self.customer.suggested_user_id, self.user_manager)

    def test_partner_figures_speak_the_analytics_vocabulary(self):
        """The codes the analytics write are the partner's and the results' choices, from one definition."""
        for model in ("res.partner", "crm.segmentation.result"):
            fields = self.env[model]._fields
            self.assertEqual(fields["lifecycle_stage"].selection, pipeline.LIFECYCLE_STAGES)
            self.assertEqual(fields["value_tier"].selection, segments.VALUE_TIERS)
        self.assertEqual(self.env["res.partner"]._fields["customer_age_type"].selection, segments.AGE_TYPES)
        self.assertEqual(self.env["crm.segment"]._fields["value_level"].selection, segments.LEVELS)
