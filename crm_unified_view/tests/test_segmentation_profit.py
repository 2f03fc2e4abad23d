"""Profit in a segmentation run, against figures worked out by hand: margin per line at the cost
of the day, credit notes, cost to serve, the whale curve and unprofitable products, on orders and
on invoices, in two currencies."""
import random
from datetime import timedelta

import pandas as pd

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import CustomerViewCommon


@tagged("post_install", "-at_install")
class TestSegmentationProfit(CustomerViewCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.write({
            "cost_to_serve_order": 5.0, "cost_to_serve_credit_note": 7.0,
            "cost_to_serve_complaint_normal": 3.0, "cost_to_serve_complaint_urgent": 11.0,
            "late_payment_rate": 36.5,  # 0.1% of the amount a day
        })
        # Tea costs 60 (known), cups have no cost (30% default margin), the promotion box costs 50.
        cls.product_tea.standard_price = 60.0
        cls.product_promo = cls._create_product(name="Promotion box", lst_price=40.0, standard_price=50.0,
                                                taxes_id=[Command.clear()])
        Partner = cls.env["res.partner"]
        cls.buyer_a, cls.buyer_b, cls.buyer_c, cls.buyer_d, cls.buyer_e = Partner.create([
            {"name": name, "is_company": True, "customer_rank": 1} for name in "ABCDE"])
        # A: 2 x tea (200, margin 80) + 10 cups (100, margin 30 at the default rate); then 1 tea
        # at 180 in the second currency (2 per company unit): 90, cost 60 -> margin 30.
        cls._confirmed_order(cls.buyer_a, [(cls.product_tea, 2, 100.0), (cls.product_cup, 10, 10.0)], days_ago=30)
        cls._confirmed_order(cls.buyer_a, [(cls.product_tea, 1, 180.0)], days_ago=10, pricelist=cls.other_pricelist)
        # B: 3 promotion boxes below cost (120, margin -30) and a tea (100, margin 40), the tea
        # returned on a credit note linked to its order line (-100, margin -40).
        order_b = cls._confirmed_order(cls.buyer_b, [(cls.product_promo, 3, 40.0), (cls.product_tea, 1, 100.0)],
                                       days_ago=20)
        tea_line = order_b.order_line.filtered(lambda line: line.product_id == cls.product_tea)
        cls.refund_b = cls.env["account.move"].create({
            "move_type": "out_refund", "partner_id": cls.buyer_b.id, "invoice_date": cls.today - timedelta(days=5),
            "invoice_line_ids": [Command.create({
                "product_id": cls.product_tea.id, "quantity": 1, "price_unit": 100.0, "tax_ids": [Command.clear()],
                "sale_line_ids": [Command.set(tea_line.ids)]})],
        })
        cls.refund_b.action_post()
        # C: one tea (margin 40), two urgent complaints, an invoice of 100 (no product) due 50 days
        # ago and paid 10 days ago: 40 days late.
        cls._confirmed_order(cls.buyer_c, [(cls.product_tea, 1, 100.0)], days_ago=15)
        cls.env["crm.complaint"].create([{"subject": "破损 %d" % index, "partner_id": cls.buyer_c.id,
                                          "priority": "2"} for index in range(2)])
        cls._pay(cls._invoice(cls.buyer_c, {"name": "Tasting session", "quantity": 1, "price_unit": 100.0},
                              days_ago=50), days_ago=10)
        # D: an invoice of 2 teas at 300 in the second currency (300 in company currency), unpaid,
        # due 10 days ago; E: an invoice of one tea at 100, due today.
        cls._invoice(cls.buyer_d, {"product_id": cls.product_tea.id, "quantity": 2, "price_unit": 300.0},
                     days_ago=10, currency=cls.other_currency)
        cls._invoice(cls.buyer_e, {"product_id": cls.product_tea.id, "quantity": 1, "price_unit": 100.0}, days_ago=0)

    @classmethod
    def _invoice(cls, partner, line, days_ago, currency=None):
        """A posted invoice of one line, dated and due ``days_ago`` days ago."""
        day = cls.today - timedelta(days=days_ago)
        invoice = cls.env["account.move"].create({
            "move_type": "out_invoice", "partner_id": partner.id, "invoice_date": day, "invoice_date_due": day,
            "currency_id": (currency or cls.currency).id,
            "invoice_line_ids": [Command.create(dict(line, tax_ids=[Command.clear()]))],
        })
        invoice.action_post()
        return invoice

    def _run(self, source):
        run = self.env["crm.segmentation.run"].create({"n_segments": 2, "transaction_source": source})
        run.action_run()
        return run

    def _figures(self, run, partner, names=("net_revenue", "margin", "cost_to_serve", "profit")):
        result = run.result_ids.filtered(lambda line: line.partner_id == partner)
        return tuple(round(result[name], 2) for name in names)

    def test_run_on_orders(self):
        run = self._run("orders")
        # (net revenue, margin, cost to serve, profit)
        self.assertEqual(self._figures(run, self.buyer_a), (390.0, 140.0, 10.0, 130.0))  # 2 orders
        self.assertEqual(self._figures(run, self.buyer_b), (120.0, -30.0, 12.0, -42.0))  # 1 order, 1 credit note
        # 1 order, 2 urgent complaints, 100 paid 40 days late at 0.1% a day
        self.assertEqual(self._figures(run, self.buyer_c), (100.0, 40.0, 31.0, 9.0))
        self.assertEqual(self._figures(run, self.buyer_c, ("cost_orders", "cost_complaints", "cost_credit_notes",
                                                           "cost_late_payment")), (5.0, 22.0, 0.0, 4.0))
        # D bought nothing, but its invoice of 300 is 10 days overdue: a cost of 3, a loss of 3.
        self.assertEqual(self._figures(run, self.buyer_d), (0.0, 0.0, 3.0, -3.0))
        self.assertEqual((run.net_revenue, run.margin, run.cost_to_serve, run.profit), (610.0, 150.0, 56.0, 94.0))
        self.assertEqual(run.cost_basis, "order_line")
        # 510 of the 610 were sold with a known cost (all but the cups)
        self.assertAlmostEqual(run.cost_coverage, 100 * 510 / 610, places=6)
        # Whale curve, customers ranked by profit: A 130, C 9, D -3, B -42 of a total of 94.
        self.assertAlmostEqual(run.whale_peak_share, 100 * 139 / 94, places=6)
        self.assertAlmostEqual(run.whale_peak_customer_share, 50.0, places=6)
        self.assertAlmostEqual(run.top20_share, 100 * 0.8 * 130 / 94, places=6)  # 0.8 of the best customer
        self.assertEqual((run.unprofitable_count, run.profit_consumed), (2, 45.0))
        self.assertAlmostEqual(run.consumed_share, 100 * 45 / 139, places=6)
        points = run.whale_point_ids
        self.assertEqual(len(points), 101)
        self.assertEqual(points[0].profit_share, 0.0)
        self.assertAlmostEqual(points[-1].profit_share, 100.0, places=6)
        self.assertAlmostEqual(max(points.mapped("profit_share")), 100 * 139 / 94, places=6)
        # Products after the credit note: tea 390 / 150, cups 100 / 30, the promotion box loses 30.
        products = {line.product_id: (line.revenue, line.margin) for line in run.product_ids}
        self.assertEqual(products, {self.product_tea: (390.0, 150.0), self.product_cup: (100.0, 30.0),
                                    self.product_promo: (120.0, -30.0)})
        self.assertEqual((run.unprofitable_product_count, run.product_losses), (1, -30.0))
        action = run.action_view_unprofitable_products()
        self.assertEqual(self.env[action["res_model"]].search(action["domain"]).product_id, self.product_promo)
        action = run.action_view_unprofitable_customers()
        self.assertEqual(self.env[action["res_model"]].search(action["domain"]).partner_id,
                         self.buyer_b | self.buyer_d)

    def test_run_on_invoices(self):
        run = self._run("invoices")
        self.assertEqual(run.cost_basis, "current")  # no stock valuation installed
        # B: only the credit note: -100, and the tea's cost of 60 comes back; 1 credit note
        self.assertEqual(self._figures(run, self.buyer_b), (-100.0, -40.0, 7.0, -47.0))
        # C: 100 without a product (default margin 30%); 1 invoice, 2 complaints, 40 days late
        self.assertEqual(self._figures(run, self.buyer_c), (100.0, 30.0, 31.0, -1.0))
        # D: 600 in the second currency = 300, cost 2 x 60; 1 invoice, 300 overdue for 10 days
        self.assertEqual(self._figures(run, self.buyer_d), (300.0, 180.0, 8.0, 172.0))
        self.assertEqual(self._figures(run, self.buyer_e), (100.0, 40.0, 5.0, 35.0))
        self.assertEqual(self._figures(run, self.buyer_a), (0.0, 0.0, 0.0, 0.0))  # orders, never invoiced
        self.assertEqual((run.net_revenue, run.margin, run.profit), (400.0, 210.0, 159.0))
        # ranked D 172, E 35, C -1, B -47: the best half make 207 of 159
        self.assertAlmostEqual(run.whale_peak_share, 100 * 207 / 159, places=6)
        self.assertAlmostEqual(run.whale_peak_customer_share, 50.0, places=6)
        self.assertEqual(run.unprofitable_count, 2)
        self.assertAlmostEqual(run.consumed_share, 100 * 48 / 207, places=6)
        self.assertEqual({line.product_id: (line.revenue, line.margin) for line in run.product_ids},
                         {self.product_tea: (300.0, 180.0)})

    def test_customer_360_shows_the_latest_profit(self):
        run = self._run("orders")
        partner = self.buyer_b.with_user(self.user_sales)
        self.assertEqual(partner.segmentation_result_id.run_id, run)
        self.assertEqual((partner.customer_margin, partner.cost_credit_notes, partner.cost_to_serve,
                          partner.customer_profit), (-30.0, 7.0, 12.0, -42.0))
        self.assertIn(self.buyer_b, self.env["res.partner"].with_user(self.user_sales).search(
            [("customer_profit", "<", 0)]))
        self.assertNotIn(self.buyer_a, self.env["res.partner"].with_user(self.user_sales).search(
            [("customer_profit", "<", 0)]))
        # A back-test on an earlier day leaves the customers' latest figures alone.
        back_test = self.env["crm.segmentation.run"].create({
            "n_segments": 2, "date_as_of": self.today - timedelta(days=12)})
        back_test.action_run()
        self.assertEqual(self.buyer_b.segmentation_result_id.run_id, run)
        # Deleting the latest run shows the figures of the run now the latest; deleting that too forgets them.
        run.unlink()
        self.assertEqual(self.buyer_b.segmentation_result_id.run_id, back_test)
        back_test.unlink()
        self.assertFalse(self.buyer_b.segmentation_result_id)
        self.assertEqual(self.buyer_b.customer_profit, 0.0)

    def test_without_costs_profit_is_margin(self):
        self.env.company.write({"cost_to_serve_order": 0, "cost_to_serve_credit_note": 0,
                                "cost_to_serve_complaint_urgent": 0, "late_payment_rate": 0})
        run = self._run("orders")
        self.assertEqual((run.cost_to_serve, run.margin, run.profit), (0.0, 150.0, 150.0))
        self.assertEqual(self._figures(run, self.buyer_b), (120.0, -30.0, 0.0, -30.0))

    def test_only_what_is_charged_is_counted(self):
        """A count the company charges nothing for is neither queried nor held (a column of every customer)."""
        run = self.env["crm.segmentation.run"].create({"n_segments": 2, "transaction_source": "orders"})
        orders = pd.Series([3.0, 1.0], index=pd.Index([self.buyer_a.id, self.buyer_b.id], name="partner_id"))
        columns = set(run._cost_counts(orders).columns)
        self.assertLessEqual({"orders", "credit_notes", "late_amount_days"}, columns)
        self.assertTrue(any(name.startswith("complaints_") for name in columns))
        self.env.company.write({"cost_to_serve_order": 0, "cost_to_serve_credit_note": 0,
                                "cost_to_serve_complaint_normal": 0, "cost_to_serve_complaint_urgent": 0,
                                "late_payment_rate": 0})
        self.assertEqual(list(run._cost_counts(orders).columns), [])
        self.env.company.late_payment_rate = 10
        self.assertEqual(list(run._cost_counts(orders).columns), ["late_amount_days"])

    def test_negative_costs_are_refused(self):
        for name in ("cost_to_serve_order", "late_payment_rate", "cost_to_serve_complaint_critical"):
            with self.subTest(name=name), self.assertRaises(ValidationError):
                self.env.company.write({name: -1})
        with self.assertRaises(ValidationError):
            self.env["crm.segmentation.run"].create({"at_risk_probability": 120})


@tagged("post_install", "-at_install")
class TestSegmentationForecast(CustomerViewCommon):
    """Forecasts of a run whose purchase models fit: stored per customer, read on the customer,
    summed per segment and per company."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        rng = random.Random(20261127)
        cls.buyers = cls.env["res.partner"].create([
            {"name": "回头客 %02d" % index, "is_company": True, "customer_rank": 1} for index in range(24)])
        for buyer in cls.buyers:
            day = rng.randint(200, 400)
            for _visit in range(rng.choice([1, 1, 2, 3, 4, 6])):
                cls._confirmed_order(buyer, [(cls.product_tea, rng.randint(1, 5), 100.0)], days_ago=day)
                day -= rng.randint(10, 120)
                if day < 1:
                    break

    def test_forecasts_are_stored_read_and_summed(self):
        run = self.env["crm.segmentation.run"].create({"n_segments": 2})
        run.action_run()
        self.assertIn("r", run.clv_params, "the purchase models fit on this history")
        results = run.result_ids.filtered("probability_alive")
        self.assertEqual(results.partner_id, self.buyers)
        for result in results:
            partner = result.partner_id.with_user(self.user_sales)
            self.assertEqual(partner.probability_alive, result.probability_alive)
            self.assertAlmostEqual(partner.expected_profit_365, result.expected_profit_365, places=2)
            self.assertTrue(0 < result.probability_alive <= 1)
            self.assertLess(result.expected_purchases_30, result.expected_purchases_90)
            self.assertLess(result.expected_purchases_90, result.expected_purchases_365)
            # expected profit = expected purchases x expected spend x profit rate, whatever the horizon
            self.assertAlmostEqual(result.expected_profit_30 / result.expected_purchases_30,
                                   result.expected_profit_365 / result.expected_purchases_365, places=6)
        for name in ("expected_purchases_30", "expected_purchases_365", "expected_profit_90", "expected_profit_365"):
            self.assertAlmostEqual(run[name], sum(results.mapped(name)), places=2)
        for segment in run.segment_ids:
            members = results.filtered(lambda result: result.segment_id == segment)
            self.assertAlmostEqual(segment.expected_profit_365, sum(members.mapped("expected_profit_365")), places=2)
            self.assertEqual(segment.at_risk_count, len(members.filtered("at_risk")))
        self.assertEqual(run.at_risk_count, len(results.filtered("at_risk")))
        at_risk = self.env["res.partner"].with_user(self.user_sales).search([("at_risk", "=", True)])
        self.assertEqual(at_risk, results.filtered("at_risk").partner_id)
        for result in results.filtered("at_risk"):
            self.assertLess(result.probability_alive, 0.5)
