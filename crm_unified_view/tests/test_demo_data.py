"""The demo data: nothing of it in the registry or on the admin user; when it is loaded, the demo
customers have their sales history and complaints (otherwise none of it exists)."""
from datetime import timedelta

from odoo import fields
from odoo.tests import TransactionCase, tagged

from odoo.addons.crm_unified_view.demo import sales_history

MODULE = "crm_unified_view"


@tagged("post_install", "-at_install")
class TestDemoData(TransactionCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.demo_loaded = cls.env.ref("base.module_%s" % MODULE).demo
        cls.demo_company = cls.env.ref("%s.demo_company" % MODULE, raise_if_not_found=False)

    def test_no_demo_model_in_registry(self):
        self.assertNotIn("crm.customer.demo", self.env.registry)
        self.assertFalse(self.env["ir.model"].search([("model", "=", "crm.customer.demo")]))

    def test_no_demo_field_or_method_on_addon_models(self):
        addon_classes = {cls for model_class in self.env.registry.values() for cls in model_class.__mro__
                         if cls.__module__.startswith("odoo.addons.%s." % MODULE)}
        demo_methods = sorted("%s.%s" % (cls.__module__, name) for cls in addon_classes
                              for name in vars(cls) if "demo" in name.lower())
        self.assertFalse(demo_methods)

    def test_admin_keeps_its_company(self):
        admin = self.env.ref("base.user_admin")
        self.assertEqual(admin.company_id, self.env.ref("base.main_company"))
        if self.demo_loaded:
            self.assertIn(self.demo_company, admin.company_ids, "the admin may switch to the demo company")

    def test_demo_data_exists_only_with_demo(self):
        if not self.demo_loaded:
            self.assertFalse(self.demo_company)
            self.assertFalse(self.env["ir.model.data"].search_count([
                ("module", "=", MODULE), ("model", "in", ("res.company", "res.partner", "product.product"))]))
            return
        customers = {self.env.ref("%s.res_partner_%s" % (MODULE, key)): profile
                     for key, profile in sales_history.CUSTOMERS}
        confirmed = self.env["sale.order"].search([("company_id", "=", self.demo_company.id), ("state", "=", "sale")])
        buyers = confirmed.partner_id.commercial_partner_id
        self.assertEqual(
            {partner.name for partner, profile in customers.items() if profile != "prospect"},
            set(buyers.mapped("name")), "every demo customer but the prospects has confirmed orders")
        # Orders are invoiced a few days after the order date, and most invoices are paid.
        invoiced = self.env["account.move"].search([
            ("company_id", "=", self.demo_company.id), ("move_type", "=", "out_invoice"), ("state", "=", "posted"),
        ])
        older = confirmed.filtered(lambda order: order.date_order.date() < fields.Date.today() - timedelta(days=3))
        self.assertEqual(set(older.partner_id.commercial_partner_id.ids),
                         set(invoiced.commercial_partner_id.ids))
        paid = invoiced.filtered(lambda move: move.payment_state in ("paid", "in_payment"))
        self.assertGreater(len(paid), len(invoiced) / 2)
        self.assertLess(len(paid), len(invoiced), "some invoices are still open or overdue")
        usd = self.env.ref("base.USD")
        self.assertEqual(confirmed.filtered(lambda order: order.currency_id == usd).partner_id.commercial_partner_id,
                         self.env.ref("%s.res_partner_qh_global" % MODULE))

    def test_demo_complaints(self):
        complaints = self.env["crm.complaint"].search([("company_id", "=", self.demo_company.id)]) \
            if self.demo_company else self.env["crm.complaint"].search([])
        if not self.demo_loaded:
            self.assertFalse(complaints)
            return
        self.assertEqual(len(complaints), 11)
        self.assertEqual(complaints.sorted("date_received").mapped("name"), sorted(complaints.mapped("name")),
                         "numbered in the order they came in")
        self.assertEqual(
            set(complaints.stage_id.ids),
            {self.env.ref("%s.crm_complaint_stage_%s" % (MODULE, stage)).id
             for stage in ("new", "in_progress", "waiting", "resolved", "closed")})
        self.assertFalse(complaints.filtered(lambda complaint: "{order}" in complaint.description))
        clocks = self.env["crm.reply.clock"].search([("res_model", "=", "crm.complaint"), ("res_id", "in", complaints.ids)])
        self.assertIn("replied", clocks.mapped("state"))
        self.assertTrue({"alarmed", "escalated"} & set(clocks.mapped("state")), "an unanswered email is overdue")
        # The demo knowledge base answers every complaint but one.
        self.assertEqual(len(complaints.filtered("knowledge_gap")), 1)
        self.assertTrue(complaints.filtered("satisfaction_rating"), "resolved complaints rated in the satisfaction survey")
