"""Segmentation figures need the rights of the figures they come from: Sales for runs on
orders, Invoicing for runs on invoices; Customer Information rights alone give none."""
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from .common import CustomerViewCommon

PARTNER_FIGURES = ["rfm_monetary", "customer_npv", "rfm_score", "segment_id", "value_tier", "last_purchase_date",
                   "rfm_recency_days", "segment_membership", "segmentation_run_id",
                   # read through the latest result line
                   "segmentation_result_id", "customer_profit", "probability_alive", "at_risk"]


@tagged("post_install", "-at_install")
class TestSegmentationFigureRights(CustomerViewCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_info_manager = new_test_user(
            cls.env, "cuv_info_manager_only", name="Customer info manager without sales",
            groups="base.group_partner_manager,base.group_allow_export,crm_unified_view.group_customer_info_manager")
        cls.figures = {}
        for source in ("orders", "invoices"):
            run = cls.env["crm.segmentation.run"].create({
                "transaction_source": source, "state": "done", "revenue": 1200.0, "npv_total": 900.0})
            segment = cls.env["crm.segment"].create({
                "run_id": run.id, "name": "高价值 %s" % source, "median_monetary": 1200.0})
            result = cls.env["crm.segmentation.result"].create({
                "run_id": run.id, "partner_id": cls.customer.id, "segment_id": segment.id,
                "monetary": 1200.0, "customer_npv": 900.0, "rfm_score": "555", "profit": 400.0,
                "probability_alive": 0.2, "at_risk": True})
            whale_point = cls.env["crm.segmentation.whale.point"].create({
                "run_id": run.id, "customer_percent": 20, "profit_share": 130.0})
            product = cls.env["crm.segmentation.product"].create({
                "run_id": run.id, "product_id": cls.product_tea.id, "revenue": 1200.0, "margin": 300.0})
            suggestion = cls.env["crm.segmentation.suggestion"].create({
                "run_id": run.id, "partner_id": cls.person.id, "product_id": cls.product_tea.id, "rank": 1})
            cls.figures[source] = {
                run: "revenue", segment: "median_monetary", result: "monetary", product: "revenue",
                suggestion: "share", whale_point: "profit_share"}
        cls.customer.write({"rfm_monetary": 1200.0, "customer_npv": 900.0, "rfm_score": "555",
                            "segment_id": segment.id, "value_tier": "high", "segmentation_result_id": result.id})

    # ASSERTS
    def assertReadsFigures(self, user, source):
        for record, fname in self.figures[source].items():
            with self.subTest(model=record._name, source=source):
                Model = self.env[record._name].with_user(user)
                self.assertIn(record, Model.search([]))
                self.assertIn(record, Model.search([(fname, "!=", False)] if fname != "share" else []))
                self.assertEqual(record.with_user(user).read([fname])[0][fname], record[fname])

    def assertNoFigures(self, user, source):
        for record, fname in self.figures[source].items():
            with self.subTest(model=record._name, source=source):
                Model = self.env[record._name].with_user(user)
                self.assertNotIn(record, Model.search([]))
                self.assertNotIn(record, Model.search([(fname, ">", 0)]))
                groups = Model.read_group([("id", "=", record.id)], [fname + ":sum"], [])
                self.assertFalse(groups and groups[0][fname])
                with self.assertRaises(AccessError):
                    record.with_user(user).read([fname])
                # without the right to export, export_data refuses before it reads
                refused = AccessError if user.has_group("base.group_allow_export") else UserError
                with self.assertRaises(refused):
                    record.with_user(user).export_data([fname])

    # customer-information manager without sales or invoicing rights
    @mute_logger("odoo.models", "odoo.addons.base.models.ir_rule")
    def test_info_manager_reads_no_segmentation_figures(self):
        for source in ("orders", "invoices"):
            self.assertNoFigures(self.user_info_manager, source)

    @mute_logger("odoo.models", "odoo.addons.base.models.ir_rule")
    def test_info_manager_reads_no_figures_on_the_customer(self):
        partner = self.customer.with_user(self.user_info_manager)
        for fname in PARTNER_FIGURES:
            with self.subTest(field=fname):
                with self.assertRaises(AccessError):
                    partner.read([fname])
                with self.assertRaises(AccessError):
                    self.env["res.partner"].with_user(self.user_info_manager).search([(fname, "!=", False)])

    @mute_logger("odoo.models", "odoo.addons.base.models.ir_rule")
    def test_info_manager_cannot_run_a_segmentation(self):
        for source in ("orders", "invoices"):
            with self.subTest(source=source), self.assertRaises(AccessError):
                self.env["crm.segmentation.run"].with_user(self.user_info_manager).create({"transaction_source": source})

    # sales: runs on orders; invoicing: runs on invoices
    @mute_logger("odoo.models", "odoo.addons.base.models.ir_rule")
    def test_salesperson_reads_figures_of_runs_on_orders_only(self):
        self.assertReadsFigures(self.user_sales, "orders")
        self.assertNoFigures(self.user_sales, "invoices")

    @mute_logger("odoo.models", "odoo.addons.base.models.ir_rule")
    def test_billing_reads_figures_of_runs_on_invoices_only(self):
        self.assertReadsFigures(self.user_billing, "invoices")
        self.assertNoFigures(self.user_billing, "orders")

    def test_manager_with_both_rights_reads_and_runs_both(self):
        for source in ("orders", "invoices"):
            self.assertReadsFigures(self.user_manager, source)
            run = self.env["crm.segmentation.run"].with_user(self.user_manager).create({"transaction_source": source})
            self.assertTrue(run.has_access("write"))
