"""Who sees which part of the Customer 360: one test per role and operation."""
from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import CustomerViewCommon

SALES_FIELDS = ["confirmed_order_count", "sales_revenue", "last_order_date", "customer_since",
                "customer_status", "top_product_ids", "top_category_ids"]
INVOICE_FIELDS = ["overdue_amount", "net_invoiced_amount", "credit_usage", "average_payment_delay"]
QUALITY_FIELDS = ["data_accuracy", "data_completeness", "is_possible_duplicate", "lifecycle_stage"]


@tagged("post_install", "-at_install")
class TestCustomer360Security(CustomerViewCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._confirmed_order(cls.customer, [(cls.product_tea, 3, 100.0)], days_ago=3)
        cls._posted_invoice(cls.customer, 300.0, days_ago=10)

    # ASSERTS
    def assertCannotRead(self, user, fnames):
        partner = self.customer.with_user(user)
        for fname in fnames:
            with self.subTest(field=fname), self.assertRaises(AccessError):
                partner.invalidate_recordset()
                partner.read([fname])

    def assertCannotSearch(self, user, domain):
        with self.assertRaises(AccessError):
            self.env["res.partner"].with_user(user).search(domain)

    def form_fields(self, user):
        views = self.env["res.partner"].with_user(user).get_views([(False, "form")])
        return set(views["models"]["res.partner"]["fields"])

    # employee without the customer-information group
    @mute_logger("odoo.models")
    def test_employee_cannot_read_scores(self):
        self.assertCannotRead(self.user_employee, QUALITY_FIELDS + SALES_FIELDS + INVOICE_FIELDS)

    @mute_logger("odoo.models")
    def test_employee_cannot_search_scores(self):
        self.assertCannotSearch(self.user_employee, [("data_accuracy", ">", 50)])

    @mute_logger("odoo.models")
    def test_employee_cannot_group_by_scores(self):
        with self.assertRaises(AccessError):
            self.env["res.partner"].with_user(self.user_employee).read_group(
                [], ["data_accuracy:avg"], ["lifecycle_stage"])

    def test_employee_form_has_no_customer_360(self):
        self.assertFalse(self.form_fields(self.user_employee) & set(QUALITY_FIELDS + SALES_FIELDS + INVOICE_FIELDS))

    @mute_logger("odoo.models", "odoo.addons.base.models.ir_model")
    def test_employee_cannot_read_information_items(self):
        with self.assertRaises(AccessError):
            self.env["crm.customer.info.item"].with_user(self.user_employee).search([])

    # customer-information user without sales or invoicing rights
    def test_info_user_reads_scores(self):
        values = self.customer.with_user(self.user_info).read(QUALITY_FIELDS)[0]
        self.assertGreater(values["data_accuracy"], 0)

    @mute_logger("odoo.models")
    def test_info_user_cannot_read_sales_or_invoices(self):
        self.assertCannotRead(self.user_info, SALES_FIELDS + INVOICE_FIELDS)

    @mute_logger("odoo.models")
    def test_info_user_cannot_search_purchase_history(self):
        self.assertCannotSearch(self.user_info, [("customer_status", "=", "active")])

    def test_info_user_exports_no_sales(self):
        # export_data does not check field groups in Odoo 18: the computation must not leak
        rows = self.customer.with_user(self.user_info).export_data(
            ["name", "sales_revenue", "confirmed_order_count", "overdue_amount", "top_product_ids"])["datas"]
        self.assertEqual(rows, [[self.customer.name, 0.0, 0, 0.0, ""]])
        rows = self.customer.with_user(self.user_sales).export_data(["sales_revenue"])["datas"]
        self.assertEqual(rows, [[300.0]])

    def test_info_user_form_hides_sales_and_invoices(self):
        fields_in_form = self.form_fields(self.user_info)
        self.assertIn("data_accuracy", fields_in_form)
        self.assertFalse(fields_in_form & set(SALES_FIELDS + INVOICE_FIELDS))

    def test_info_user_web_read_of_the_form(self):
        user_partner = self.customer.with_user(self.user_info)
        customer_360 = set(QUALITY_FIELDS + SALES_FIELDS + INVOICE_FIELDS + ["name", "email"])
        spec = {fname: {} for fname in self.form_fields(self.user_info) & customer_360}
        values = user_partner.web_read(spec)[0]
        self.assertNotIn("sales_revenue", values)
        self.assertIn("data_completeness", values)

    @mute_logger("odoo.models", "odoo.addons.base.models.ir_model")
    def test_info_user_cannot_change_information_items(self):
        item = self.env.ref("crm_unified_view.crm_customer_info_item_email").with_user(self.user_info)
        self.assertTrue(item.name)
        with self.assertRaises(AccessError):
            item.weight = 5

    # salesperson
    def test_salesperson_reads_behaviour(self):
        values = self.customer.with_user(self.user_sales).read(SALES_FIELDS)[0]
        self.assertEqual(values["confirmed_order_count"], 1)
        self.assertEqual(values["customer_status"], "active")

    def test_salesperson_searches_purchase_history(self):
        found = self.env["res.partner"].with_user(self.user_sales).search([("customer_status", "=", "active")])
        self.assertIn(self.customer, found)

    @mute_logger("odoo.models")
    def test_salesperson_cannot_read_invoices(self):
        self.assertCannotRead(self.user_sales, INVOICE_FIELDS)

    # billing clerk
    def test_billing_reads_account(self):
        values = self.customer.with_user(self.user_billing).read(INVOICE_FIELDS)[0]
        self.assertAlmostEqual(values["overdue_amount"], 300.0)

    @mute_logger("odoo.models")
    def test_billing_cannot_read_sales(self):
        self.assertCannotRead(self.user_billing, SALES_FIELDS)

    # manager
    def test_manager_configures_information_items(self):
        item = self.env.ref("crm_unified_view.crm_customer_info_item_email").with_user(self.user_manager)
        item.weight = 3
        self.assertEqual(item.weight, 3)
