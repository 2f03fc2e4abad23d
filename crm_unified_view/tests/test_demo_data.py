"""The demo data: nothing of it in the registry or on the admin user; when it is loaded, the demo
customers have their sales history and complaints (otherwise none of it exists), and the demo shows
profit: product costs, a product sold below cost, the cost to serve, loss-making customers."""
from datetime import timedelta
from unittest import SkipTest

from odoo import fields
from odoo.tests import TransactionCase, tagged

from odoo.addons.crm_unified_view.demo import sales_history, touchpoints
from odoo.addons.crm_unified_view.models.res_company import COMPLAINT_COST_FIELDS

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
        self.assertEqual(len(complaints), 18)
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


@tagged("post_install", "-at_install")
class TestDemoProfit(TransactionCase):
    """What the demo shows of profit, not revenue; skipped on a database without demo data.

    A customer's profit here: the margin of its confirmed order lines, less the margin of the goods
    its credit notes take back, less its cost to serve (per order, credit note and complaint, and
    the financing of each payment made after the due date)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if not cls.env.ref("base.module_%s" % MODULE).demo:
            raise SkipTest("installed without demo data")
        cls.company = cls.env.ref("%s.demo_company" % MODULE)
        cls.env = cls.env(context=dict(cls.env.context, allowed_company_ids=[cls.company.id]))
        cls.promo = cls.env.ref("%s.%s" % (MODULE, sales_history.PROMO_PRODUCT), raise_if_not_found=False) \
            or cls.env["product.product"]

    # ------------------------------------------------------------------
    # TOOLS
    # ------------------------------------------------------------------
    def _customer(self, key):
        return self.env.ref("%s.res_partner_%s" % (MODULE, key))

    def _order_lines(self, customer=None):
        return self.env["sale.order.line"].search([
            ("company_id", "=", self.company.id), ("state", "=", "sale"), ("display_type", "=", False),
            *([("order_partner_id", "child_of", customer.id)] if customer else []),
        ])

    def _moves(self, customer, move_type):
        return self.env["account.move"].search([
            ("company_id", "=", self.company.id), ("move_type", "=", move_type), ("state", "=", "posted"),
            ("commercial_partner_id", "=", customer.id),
        ])

    def _days_late(self, invoice):
        return [(payment, (payment.date - invoice.invoice_date_due).days)
                for payment in invoice._get_reconciled_payments()]

    def _profit(self, customer):
        company = self.company
        lines = self._order_lines(customer)
        margin = sum(line.margin / line.order_id.currency_rate for line in lines)
        refunds = self._moves(customer, "out_refund")
        returned = sum(line.balance - line.quantity * line.sale_line_ids[:1].purchase_price
                       / (line.sale_line_ids[:1].order_id.currency_rate or 1.0) for line in refunds.invoice_line_ids)
        complaints = self.env["crm.complaint"].search([("partner_id", "child_of", customer.id)])
        financing = sum(
            company.late_payment_rate / 100 * days * payment.amount_company_currency_signed / 365
            for invoice in self._moves(customer, "out_invoice") for payment, days in self._days_late(invoice)
            if days > 0)
        cost_to_serve = (len(lines.order_id) * company.cost_to_serve_order
                         + len(refunds) * company.cost_to_serve_credit_note
                         + sum(company[COMPLAINT_COST_FIELDS[complaint.priority]] for complaint in complaints)
                         + financing)
        return margin - returned - cost_to_serve

    # ------------------------------------------------------------------
    # TESTS
    # ------------------------------------------------------------------
    def test_cost_to_serve_settings(self):
        company = self.company
        self.assertEqual(
            [company.cost_to_serve_order, company.cost_to_serve_credit_note]
            + [company[field] for field in COMPLAINT_COST_FIELDS.values()] + [company.late_payment_rate],
            [50, 30, 80, 150, 300, 600, 12])
        self.assertEqual(company.currency_id, self.env.ref("base.CNY"))

    def test_products_have_costs(self):
        products = self.env["product.product"].browse(self.env["ir.model.data"].search(
            [("module", "=", MODULE), ("model", "=", "product.product")]).mapped("res_id"))
        self.assertEqual(len(products), 22)
        for product in products - self.promo:
            self.assertTrue(0.15 <= 1 - product.standard_price / product.list_price <= 0.65,
                            "%s: a realistic margin" % product.default_code)
        self.assertGreater(self.promo.standard_price, self.promo.list_price, "sold below cost")
        # Each order line keeps the cost of its product (sale_margin), set before the history.
        lines = self._order_lines().filtered(lambda line: line.currency_id == self.company.currency_id)
        self.assertTrue(lines)
        self.assertFalse(lines.filtered(lambda line: line.purchase_price != line.product_id.standard_price))

    def test_loss_making_product(self):
        lines = self._order_lines().filtered(lambda line: line.product_id == self.promo)
        self.assertGreater(len(lines.order_id), 10)
        self.assertLess(sum(lines.mapped("margin")), 0)
        self.assertGreater(sum(self._order_lines().mapped("margin")), 0, "the company as a whole makes money")

    def test_discount_customer(self):
        customer = self._customer(sales_history.DISCOUNT_CUSTOMER)
        lines = self._order_lines(customer)
        self.assertGreater(len(lines.order_id), 3)
        self.assertEqual(set((lines - lines.filtered(lambda line: line.product_id == self.promo)).mapped("discount")),
                         {sales_history.CONTRACT_DISCOUNT})
        self.assertLess(sum(lines.mapped("margin")), 0, "sold below cost")
        self.assertLess(self._profit(customer), 0)

    def test_complaints_customer(self):
        customer = self._customer("guo_jing")
        complaints = self.env["crm.complaint"].search([("partner_id", "child_of", customer.id)])
        self.assertEqual(len(complaints), 6)
        self.assertEqual(len(complaints.filtered(lambda complaint: complaint.priority >= "2")), 5)
        lines = self._order_lines(customer)
        self.assertGreater(sum(lines.mapped("margin")), 0, "her orders alone make money")
        self.assertLess(self._profit(customer), 0, "her complaints cost more")

    def test_late_payer(self):
        customer = self._customer(sales_history.LATE_PAYER)
        invoices = self._moves(customer, "out_invoice")
        delays = [days for invoice in invoices for _payment, days in self._days_late(invoice)]
        self.assertGreaterEqual(len(delays), 2)
        self.assertGreaterEqual(min(delays), sales_history.LATE_PAYER_DAYS[0], "paid months after the due date")
        overdue = invoices.filtered(lambda invoice: invoice.payment_state in ("not_paid", "partial")
                                    and invoice.invoice_date_due < fields.Date.today())
        self.assertEqual(len(overdue), 1, "its last invoice is overdue")
        # Returned goods: credit notes whose lines keep the order lines they take back.
        refunds = self._moves(customer, "out_refund")
        self.assertGreaterEqual(len(refunds), 2)
        self.assertFalse(refunds.invoice_line_ids.filtered(lambda line: not line.sale_line_ids))
        self.assertEqual(refunds.invoice_line_ids.sale_line_ids.order_id.partner_id.commercial_partner_id, customer)
        self.assertGreater(sum(self._order_lines(customer).mapped("margin")), 0, "a thin margin, but a margin")
        self.assertLess(self._profit(customer), 0)


@tagged("post_install", "-at_install")
class TestDemoTouchpoints(TransactionCase):
    """What the demo shows of every touchpoint, in Chinese: first contacts of new partners, the
    timeline, satisfaction surveys and NPS, attitudes, competitors, buying roles, churn and the
    lifecycle funnel; skipped on a database without demo data."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if not cls.env.ref("base.module_%s" % MODULE).demo:
            raise SkipTest("installed without demo data")
        cls.company = cls.env.ref("%s.demo_company" % MODULE)
        cls.env = cls.env(context=dict(cls.env.context, allowed_company_ids=[cls.company.id]))

    def _ref(self, key):
        return self.env.ref("%s.%s" % (MODULE, key))

    def test_first_contacts_of_new_partners(self):
        # (partner, channel of the first contact, its record)
        for key, channel, source in (("res_partner_hemu_studio", "lead", "crm_lead_hemu_studio"),
                                     ("res_partner_songhe_clinic", "lead", "crm_lead_songhe_clinic"),
                                     ("res_partner_xu_xiaomei", "website", "crm_complaint_web_tea_damp")):
            partner = self._ref(key)
            self.assertFalse(partner.customer_rank, "%s: not a customer yet" % partner.name)
            self.assertEqual((partner.first_contact_channel, partner.first_contact_ref), (channel, self._ref(source)))
            self.assertEqual(partner.lifecycle_stage, "first_contact", partner.name)
        self.assertEqual(self._ref("crm_complaint_web_tea_damp").channel, "web")
        # the salesperson answered the new lead's enquiry a day later
        self.assertTrue(0 < self._ref("res_partner_hemu_studio").first_response_hours < 48)

    def test_timeline_has_every_kind_of_touch(self):
        touches = self.env["crm.touchpoint"].search([("commercial_partner_id", "=", self._ref("res_partner_huachen_tech").id)])
        self.assertTrue({("email", "inbound"), ("email", "outbound"), ("call", "outbound"), ("meeting", "outbound"),
                         ("order", "inbound"), ("invoice", "outbound"), ("survey", "inbound")}
                        <= set(zip(touches.mapped("channel"), touches.mapped("direction"))))
        # and every customer's complaints
        self.assertTrue(self.env["crm.touchpoint"].search_count([("channel", "=", "complaint")]))

    def test_satisfaction_surveys_and_nps(self):
        answers = self.env["crm.satisfaction.analysis"].search([("company_id", "=", self.company.id)])
        self.assertEqual({"promoter", "passive", "detractor"}, set(answers.filtered("nps_class").mapped("nps_class")))
        self.assertEqual({"periodic", "post_purchase", "complaint"}, set(answers.mapped("trigger")))
        self.assertTrue(answers.filtered(lambda answer: answer.trigger == "post_purchase").order_id)
        self.assertTrue(answers.segment_id, "the analysis by segment shows the latest run's segments")
        for key, nps_class in (("huachen_tech", "promoter"), ("zjhotel", "passive"), ("haiyun_trade", "detractor")):
            customer = self._ref("res_partner_%s" % key)
            self.assertEqual(customer.nps_class, nps_class, customer.name)
            self.assertTrue(customer.satisfaction_score)
        self.assertEqual(len(touchpoints.SURVEYS), len(answers.filtered(lambda answer: answer.trigger != "complaint")))

    def test_attitudes_competitors_and_buying_roles(self):
        self.assertEqual(self._ref("res_partner_huachen_tech").attitude, "positive")
        self.assertEqual(self._ref("res_partner_zjhotel").attitude, "neutral")
        self.assertEqual(self._ref("res_partner_haiyun_trade").attitude, "negative")
        self.assertTrue(self._ref("res_partner_huachen_tech").attitude_note)
        jd = self._ref("crm_competitor_jd_enterprise")
        self.assertEqual(jd.name, "京东企业购")
        self.assertEqual(jd.customer_count, 2)
        self.assertEqual(len(self._ref("res_partner_huachen_tech").competitor_presence_ids), 2)
        # a business customer's organisation: every buying role on its contacts, and how it decides
        huachen = self._ref("res_partner_huachen_tech")
        roles = self.env["crm.buying.role"].search([])
        self.assertEqual(huachen.buying_contact_ids.buying_role_ids, roles)
        self.assertEqual((huachen.decision_process_type, huachen.decision_approval_steps), ("committee", 2))
        self.assertIn("刘洋", huachen.decision_process_note)

    def test_churn_reasons(self):
        rows = self.env["crm.churn.report"].search([("company_id", "=", self.company.id)])
        left = rows.filtered(lambda row: row.source == "customer")
        self.assertEqual(left.partner_id, self._ref("res_partner_gangcheng_hw") | self._ref("res_partner_cy_travel")
                         | self._ref("res_partner_wu_hao"))
        self.assertEqual(self._ref("res_partner_gangcheng_hw").churn_reason_id, self._ref("crm_lost_reason_online_platform"))
        self.assertEqual(rows.filtered(lambda row: row.source == "opportunity").lead_id, self._ref("crm_lead_lantian_school"))
        self.assertGreater(sum(left.mapped("revenue_lost")), 0)

    def test_lifecycle_funnel(self):
        Funnel = self.env["crm.lifecycle.funnel"]
        groups = {stage: (entered, converted) for stage, entered, converted in Funnel._read_group(
            [("company_id", "=", self.company.id)], ["stage"], ["entered:sum", "converted:sum"])}
        self.assertTrue({"prospect", "first_contact", "conversion", "retention"} <= set(groups))
        self.assertTrue(any(converted for _entered, converted in groups.values()), "customers moved on: conversion rates")
        runs = self.env["crm.segmentation.run"].search([("company_id", "=", self.company.id), ("state", "=", "done")])
        self.assertEqual(len(runs), len(touchpoints.PAST_RUNS) + 1)
