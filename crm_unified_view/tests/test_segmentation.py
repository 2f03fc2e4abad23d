"""A segmentation run on orders it creates: saved results, partner fields, back-testing, bad input."""
import threading
from datetime import date, timedelta
from unittest.mock import patch

import numpy as np
import pandas as pd
from psycopg2 import IntegrityError

from odoo import Command, fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import new_test_user, tagged
from odoo.tools import SQL, mute_logger

from ..analytics import rfm
from ..models import crm_segmentation_run as run_module
from ..models.crm_segmentation_run import LINE_TYPES, TOTALS_OF_TRANSACTIONS, LinePartitions

from .common import CustomerViewCommon


@tagged("post_install", "-at_install")
class TestSegmentationRun(CustomerViewCommon):
    # Buyer 11 visits 10 + 20 v + 11 days ago (v = 0..11): 100 days ago, visits 4 to 11 had happened.
    BEST_FREQUENCY_100_DAYS_AGO = 8

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.buyers = cls.env["res.partner"].create([
            {"name": "客户 %02d" % index, "is_company": True, "customer_rank": 1} for index in range(12)])
        # customer i buys i + 1 times, every 20 days, more expensive goods for higher i
        for index, buyer in enumerate(cls.buyers):
            for visit in range(index + 1):
                product = cls.product_tea if visit % 2 else cls.product_cup
                cls._confirmed_order(buyer, [(product, 1, 50.0 * (index + 1))], days_ago=10 + 20 * visit + index)
        cls.product_gift = cls._create_product(name="Gift box", lst_price=200.0, standard_price=0.0)
        for index in (3, 5, 8, 10):  # spread over the segments, on a day they already buy
            cls._confirmed_order(cls.buyers[index], [(cls.product_gift, 1, 200.0)], days_ago=10 + index)
        cls.prospect = cls.env["res.partner"].create({"name": "潜在客户", "customer_rank": 1})

    def _run(self, **values):
        run = self.env["crm.segmentation.run"].create(dict({"n_segments": 3}, **values))
        run.action_run()
        return run

    def test_run_saves_results_and_updates_customers(self):
        run = self._run()
        self.assertEqual(run.state, "done")
        self.assertEqual(len(run.segment_ids), 3)
        self.assertEqual(sum(run.segment_ids.mapped("customer_count")), 12)
        # Every buyer buys like clockwork (one order every 20 days): the purchase model has no spread
        # to fit and does not converge, so the margin already earned (30% of revenue) stands in.
        self.assertEqual(run.clv_params, {"not_fitted": "the purchase model did not converge on this history"})
        self.assertEqual(set(run.rfm_edges) - {"bins"}, {"recency", "frequency", "monetary"})
        best, worst = self.buyers[-1], self.buyers[0]
        self.assertEqual((best.rfm_frequency, worst.rfm_frequency), (12, 1))
        self.assertEqual(best.rfm_f_score, 5)
        self.assertEqual(worst.rfm_f_score, 1)
        self.assertEqual(len(best.rfm_score), 3)
        self.assertEqual(best.segmentation_run_id, run)
        self.assertTrue(best.segment_id)
        self.assertAlmostEqual(best.customer_npv, 0.3 * 50 * 12 * 12, places=2)  # 12 orders of 600
        self.assertAlmostEqual(worst.customer_npv, 0.3 * 50, places=2)
        self.assertEqual(best.value_tier, "high")
        self.assertTrue(best.needs_account_manager)  # no salesperson yet
        self.assertEqual(best.suggested_user_id, self.env.user)  # who confirmed its orders
        best.action_assign_suggested_user()
        self.assertEqual(best.user_id, self.env.user)
        self.assertEqual(worst.lifecycle_stage, "conversion")
        self.assertEqual(best.lifecycle_stage, "retention")
        self.assertEqual(self.prospect.lifecycle_stage, "prospect")
        self.assertFalse(self.prospect.segment_id)
        result = run.result_ids.filtered(lambda line: line.partner_id == best)
        self.assertAlmostEqual(sum(result.memberships.values()), 1.0, places=2)
        self.assertEqual(len(result.memberships), 3)
        # Pareto on profit; no product has a cost and no cost to serve is set, so each profit is 30%
        # of revenue and the shares are those of revenue: buyer i spent 50 x (i + 1)^2, plus 200 for
        # the gift boxes of buyers 3, 5, 8 and 10: 33,300 in all. The best 20% of 12 buyers are
        # the best two (7,200 and 6,250) and 40% of the third (5,000).
        self.assertAlmostEqual(run.revenue, 33300.0, places=2)
        self.assertAlmostEqual(run.top20_share, 100 * (7200 + 6250 + 0.4 * 5000) / 33300, places=4)
        self.assertEqual((run.unprofitable_count, run.consumed_share), (0, 0.0))

    def test_too_little_repeat_business_falls_back_to_the_margin_earned(self):
        # As of 150 days ago only buyers 8 to 11 had bought twice: fewer than 10 repeat buyers.
        run = self._run(date_as_of=self.today - timedelta(days=150))
        self.assertEqual(run.clv_params, {"not_fitted": "The purchase model needs at least 10 customers who "
                                                        "bought more than once; there are 4."})
        self.assertEqual(run.buyer_count, 5)
        best = run.result_ids.filtered(lambda line: line.partner_id == self.buyers[-1])
        # buyer 11 had then bought 5 times 600 (161 to 241 days ago): the NPV is 30% of 3,000
        self.assertEqual((best.frequency, best.monetary), (5, 3000.0))
        self.assertAlmostEqual(best.customer_npv, 900.0, places=2)
        for line in run.result_ids:
            self.assertAlmostEqual(line.customer_npv, 0.3 * line.monetary, places=2)

    def test_a_shared_customer_has_figures_per_company(self):
        company_b = self.env["res.company"].create({"name": "乙公司", "currency_id": self.currency.id})
        self.env.user.company_ids |= company_b
        shared, other_a = self.buyers[-1], self.buyers[1]  # shared buys 12 times from company A
        for buyer, days_ago in ((shared, 3), (self.buyers[0], 30), (self.buyers[0], 90), (self.prospect, 60)):
            order = self.env["sale.order"].with_company(company_b).create({
                "partner_id": buyer.id, "company_id": company_b.id,
                "order_line": [Command.create({"product_id": self.product_tea.id, "price_unit": 10.0,
                                               "tax_id": [Command.clear()]})]})
            order.action_confirm()
            order.date_order = fields.Datetime.now() - timedelta(days=days_ago)
        run_a = self._run()
        run_b = self.env["crm.segmentation.run"].with_company(company_b).create(
            {"company_id": company_b.id, "n_segments": 2})
        run_b.action_run()
        self.assertEqual(run_b.buyer_count, 3)

        in_a, in_b = shared.with_company(self.env.company), shared.with_company(company_b)
        self.assertEqual((in_a.segmentation_run_id, in_b.segmentation_run_id), (run_a, run_b))
        self.assertEqual((in_a.rfm_frequency, in_b.rfm_frequency), (12, 1))
        self.assertIn(in_a.segment_id, run_a.segment_ids)
        self.assertIn(in_b.segment_id, run_b.segment_ids)
        # a user of B reads B's figures only, and finds the customer by them
        user_b = new_test_user(self.env, "cuv_seg_b", groups="sales_team.group_sale_salesman_all_leads",
                               company_id=company_b.id, company_ids=[Command.set(company_b.ids)])
        self.env.invalidate_all()
        seen = shared.with_user(user_b).read(["segment_id", "rfm_frequency", "segmentation_run_id"])[0]
        self.assertEqual(seen["segment_id"][0], in_b.segment_id.id)
        self.assertEqual((seen["rfm_frequency"], seen["segmentation_run_id"][0]), (1, run_b.id))
        Partner_b = self.env["res.partner"].with_user(user_b)
        self.assertEqual(Partner_b.search([("rfm_frequency", "=", 12)]), self.env["res.partner"])
        self.assertIn(shared, Partner_b.search([("segmentation_run_id", "=", run_b.id)]))
        groups = Partner_b.read_group([("rfm_frequency", ">", 0)], ["rfm_frequency:sum"], ["segment_id"])
        self.assertEqual(sum(group["segment_id_count"] for group in groups), 3)
        self.assertEqual(sum(group["rfm_frequency"] for group in groups), 4)
        # an order rescoring in B leaves A's figures alone
        order = self.env["sale.order"].with_company(company_b).create({
            "partner_id": shared.id, "company_id": company_b.id,
            "order_line": [Command.create({"product_id": self.product_cup.id, "price_unit": 5.0,
                                           "tax_id": [Command.clear()]})]})
        order.with_company(company_b).action_confirm()
        self.env.invalidate_all()
        self.assertEqual((in_a.rfm_frequency, in_b.rfm_frequency), (12, 2))
        # deleting B's run makes its customers forget B's figures, not A's
        run_b.unlink()
        self.env.invalidate_all()
        self.assertFalse(in_b.segment_id or in_b.segmentation_run_id or in_b.rfm_score)
        self.assertEqual((in_a.segmentation_run_id, in_a.rfm_frequency), (run_a, 12))
        self.assertEqual(other_a.segmentation_run_id, run_a)

    def test_a_run_rewrites_only_the_customers_whose_figures_changed(self):
        first = self._run()
        self.assertEqual(first.customers_updated, first.customer_count, "the first run writes every customer")
        best = self.buyers[-1]
        last_order = self.today - timedelta(days=10 + 11)
        self.assertEqual((best.last_purchase_date, best.rfm_recency_days), (last_order, 21))
        self.assertIn(best, self.env["res.partner"].search([("rfm_recency_days", "<=", 21), ("rfm_frequency", ">", 0)]))
        self.assertNotIn(best, self.env["res.partner"].search([("rfm_recency_days", ">", 21)]))
        self.assertEqual(self._run().customers_updated, 0, "nothing changed")
        # a figure that differs from the run's is written back, and only that customer
        key = str(self.env.company.id)
        self.env.cr.execute("UPDATE res_partner SET rfm_frequency = rfm_frequency || jsonb_build_object(%s, 99) "
                            "WHERE id = %s", [key, best.id])
        self.env.invalidate_all()
        self.assertEqual(self._run().customers_updated, 1)
        self.assertEqual(best.rfm_frequency, 12)
        # what changes with every run is read through the customer's line of the latest run
        latest = self._run()
        self.assertEqual(best.segmentation_result_id.run_id, latest)
        self.assertEqual(best.segment_id, best.segmentation_result_id.segment_id)
        self.assertIn(best, self.env["res.partner"].search([("segment_id", "=", best.segment_id.id)]))
        groups = self.env["res.partner"].read_group([("segment_id", "!=", False)], ["customer_npv:sum"], ["segment_id"])
        self.assertEqual({group["segment_id"][0] for group in groups}, set(latest.segment_ids.ids))
        self.assertEqual(sum(group["segment_id_count"] for group in groups), latest.buyer_count)

    def test_sums_in_sql_equal_the_pure_computation(self):
        buyer = self.buyers[2]
        self._posted_invoice(buyer, 80.0, days_ago=3)
        self._posted_invoice(buyer, 20.0, days_ago=3)    # same day: one occasion
        self._posted_invoice(buyer, 30.0, days_ago=1, move_type="out_refund")  # refund-only day: no occasion
        self._posted_invoice(self.buyers[4], 45.0, days_ago=2, move_type="out_refund")
        for source in ("orders", "invoices"):
            with self.subTest(source=source):
                run = self.env["crm.segmentation.run"].create({"transaction_source": source})
                in_sql = run._frame(SQL(TOTALS_OF_TRANSACTIONS, run._transactions_query()), {}).set_index(
                    "partner_id").drop(columns="orders")
                in_python = rfm.purchase_totals(rfm.purchase_occasions(run._transactions()))
                pd.testing.assert_frame_equal(in_sql.sort_index(), in_python, check_dtype=False)

    def test_redevelopment_is_selling_again_not_dormancy(self):
        dormant = self.env["res.partner"].create({"name": "老客户", "customer_rank": 1})
        self._confirmed_order(dormant, [(self.product_tea, 1, 80.0)], days_ago=300)
        quoted, courted = self.buyers[5], self.buyers[6]
        self.env["sale.order"].create({"partner_id": quoted.id, "order_line": [Command.create({
            "product_id": self.product_gift.id, "price_unit": 200.0, "tax_id": [Command.clear()]})]})
        self.env["crm.lead"].create([{"name": "Second sale", "type": "opportunity", "partner_id": partner.id}
                                     for partner in (courted, self.prospect)])
        # a campaign to the company's customers, its response window (30 days) running for one only
        mailing = self.env["mailing.mailing"].create({
            "subject": "新品", "mailing_model_id": self.env["ir.model"]._get_id("res.partner"),
            "crm_company_id": self.env.company.id, "response_window_days": 30})
        mailed, mailed_long_ago = self.buyers[8], self.buyers[9]
        self.env["mailing.trace"].create([{
            "mass_mailing_id": mailing.id, "model": "res.partner", "res_id": partner.id, "trace_type": "mail",
            "trace_status": "sent", "sent_datetime": fields.Datetime.now() - timedelta(days=days_ago),
        } for partner, days_ago in ((mailed, 3), (mailed_long_ago, 45))])
        self._run()
        self.assertEqual((quoted.lifecycle_stage, courted.lifecycle_stage), ("redevelopment", "redevelopment"))
        self.assertEqual((mailed.lifecycle_stage, mailed_long_ago.lifecycle_stage), ("redevelopment", "retention"))
        self.assertEqual(dormant.lifecycle_stage, "conversion", "dormant is a status, not a stage")
        self.assertEqual(dormant.customer_status, "dormant")
        self.assertEqual(self.prospect.lifecycle_stage, "first_contact", "an opportunity is no purchase")
        self.assertEqual(self.buyers[7].lifecycle_stage, "retention")

    def test_bulk_insert_slice_by_slice(self):
        self.env.cr.execute("CREATE TEMPORARY TABLE cuv_copied (n int, label varchar, run int)")
        numbers = pd.Series(range(5), index=range(100, 105))
        self.env["crm.segmentation.run"]._copy_in("cuv_copied", {
            "n": numbers, "label": lambda start, count: numbers.iloc[start:start + count].map("#{}".format),
            "run": 7}, chunk=2)
        self.env.cr.execute("SELECT n, label, run FROM cuv_copied ORDER BY n")
        self.assertEqual(self.env.cr.fetchall(), [(n, "#%d" % n, 7) for n in range(5)])

    def test_bulk_insert_keeps_missing_values_apart_from_empty_ones(self):
        self.env.cr.execute("CREATE TEMPORARY TABLE cuv_copied (n int, label varchar, amount numeric, day date, "
                            "flag boolean, share float8)")
        self.env["crm.segmentation.run"]._copy_in("cuv_copied", pd.DataFrame({
            "n": pd.array([1, None, 3], dtype="Int64"), "label": ["", None, '引号 "a,b"'],
            "amount": [0.1 + 0.2, np.nan, 1e20], "day": [date(2026, 1, 31), None, date(2026, 2, 1)],
            "flag": [True, False, True], "share": [1 / 3, 0.0, np.nan]}))
        self.env.cr.execute("SELECT n, label, amount, day, flag, share FROM cuv_copied ORDER BY n NULLS LAST")
        self.assertEqual(self.env.cr.fetchall(), [
            (1, "", 0.1 + 0.2, date(2026, 1, 31), True, 1 / 3),
            (3, '引号 "a,b"', 1e20, date(2026, 2, 1), True, None),
            (None, None, None, None, False, 0.0)])

    def test_bulk_insert_stops_at_a_slice_that_fails(self):
        self.env.cr.execute("CREATE TEMPORARY TABLE cuv_copied (n int)")

        def slices():
            yield pd.DataFrame({"n": [1, 2]})
            raise ValueError("a slice that cannot be made")
        with self.assertRaisesRegex(ValueError, "cannot be made"), self.env.cr.savepoint(), mute_logger("odoo.sql_db"):
            self.env["crm.segmentation.run"]._copy_frames("cuv_copied", ["n"], slices())
        self.env.cr.execute("SELECT COUNT(*) FROM cuv_copied")
        self.assertEqual(self.env.cr.fetchone()[0], 0, "nothing half-written")
        self.assertEqual([thread for thread in threading.enumerate() if thread.name == "crm_unified_view.copy"], [],
                         "the thread making the slices has ended")

    def test_lines_of_orders_dated_after_the_run_are_left_out(self):
        customer = self.buyers[0]
        later = self.env["sale.order"].create({
            "partner_id": customer.id, "date_order": fields.Datetime.now() + timedelta(days=2),
            "order_line": [Command.create({"product_id": self.product_tea.id, "product_uom_qty": 1,
                                           "price_unit": 1000.0})]})
        later.action_confirm()
        later.date_order = fields.Datetime.now() + timedelta(days=2)  # confirming dates it today
        run = self.env["crm.segmentation.run"].create({"n_segments": 3})
        lines = LinePartitions(self.env.cr, run._order_lines(), LINE_TYPES)
        try:
            every = pd.concat([frame for _low, _high, frame in lines()])
        finally:
            lines.close()
        bought = self.env["sale.order.line"].search([("order_partner_id", "=", customer.id), ("state", "=", "sale"),
                                                     ("order_id", "!=", later.id)])
        self.assertAlmostEqual(every.loc[every["partner_id"] == customer.id, "amount"].sum(),
                               sum(bought.mapped("price_subtotal")), places=2)

    def test_suggestions_go_in_in_binary_rows_that_need_every_value(self):
        run = self._run()
        self.env.cr.execute("SELECT partner_id, product_id, rank, share FROM crm_segmentation_suggestion "
                            "WHERE run_id = %s ORDER BY partner_id, rank", [run.id])
        written = self.env.cr.fetchall()
        self.assertTrue(written)
        # the same rows again, through COPY's binary format, read back alike
        frame = pd.DataFrame(written, columns=["partner_id", "product_id", "rank", "share"]).assign(run_id=run.id)
        run._copy_frames("crm_segmentation_suggestion", list(run_module.SUGGESTION_TYPES), iter([frame]),
                         run_module.SUGGESTION_TYPES)
        self.env.cr.execute("SELECT partner_id, product_id, rank, share FROM crm_segmentation_suggestion "
                            "WHERE run_id = %s ORDER BY partner_id, rank, id", [run.id])
        rows = self.env.cr.fetchall()
        self.assertEqual((rows[::2], rows[1::2]), (written, written))
        with self.assertRaisesRegex(ValueError, "share"):
            run_module._binary_rows(frame.assign(share=np.nan), run_module.SUGGESTION_TYPES)

    def test_lines_are_read_back_in_partitions_of_whole_customers(self):
        run = self.env["crm.segmentation.run"].create({"n_segments": 3})
        lines = LinePartitions(self.env.cr, run._order_lines(), LINE_TYPES, rows=3)
        try:
            next(lines())  # a reading stopped midway
            partitions = list(lines())
            again = list(lines())
        finally:
            lines.close()
        self.assertGreater(len(partitions), 3)
        self.assertEqual([(low, high) for low, high, _frame in partitions], [(low, high) for low, high, _frame in again])
        for (_low, _high, frame), (_low_again, _high_again, kept) in zip(partitions, again):
            pd.testing.assert_frame_equal(kept, frame)
        for (low, high, frame), following in zip(partitions, partitions[1:] + [None]):
            self.assertTrue(frame["partner_id"].between(low, high - 1).all())
            if following:
                self.assertEqual(high, following[0], "the ranges follow each other")
        every = pd.concat([frame for _low, _high, frame in partitions])
        self.assertEqual(len(every), len(every.drop_duplicates(["partner_id", "product_id"])))
        self.assertEqual(set(every["partner_id"]), set(self.buyers.ids))
        # the gift box buyers bought three products, the others two or one
        self.assertEqual(len(every), sum(min(index + 1, 2) for index in range(12)) + 4)

    def test_lines_in_binary_rows_need_every_value(self):
        missing = SQL("SELECT %s AS partner_id, 1 AS product_id, NULL::float8 AS amount, 0.0 AS known_amount, "
                      "0.0 AS known_margin", self.buyers[0].id)
        lines = LinePartitions(self.env.cr, missing, LINE_TYPES)
        try:
            with self.assertRaisesRegex(ValueError, "missing"):
                list(lines())
        finally:
            lines.close()

    def test_a_run_in_partitions_of_customers_saves_the_same_figures(self):
        def figures(run):
            results = {line.partner_id.id: (line.segment_id.name, line.rfm_score, line.value_tier, line.lifecycle_stage,
                                            round(line.profit, 6), round(line.customer_npv, 6))
                       for line in run.result_ids}
            suggestions = self.env["crm.segmentation.suggestion"].search([("run_id", "=", run.id)])
            return (results, sorted((line.partner_id.id, line.rank, line.product_id.id) for line in suggestions),
                    sorted((line.product_id.id, round(line.margin, 6)) for line in run.product_ids),
                    (run.revenue, round(run.top20_share, 6)))
        whole = figures(self._run())
        with patch.object(run_module, "PARTITION_ROWS", 2):
            partitioned = figures(self._run())
        self.assertTrue(whole[1], "the run suggests products")
        self.assertEqual(partitioned, whole)

    def test_segment_names_in_every_active_language(self):
        for lang in ("zh_CN", "zh_TW"):
            self.env["res.lang"]._activate_lang(lang)
        run = self._run(n_segments=2)
        self.assertTrue(run.segment_ids)
        for segment in run.segment_ids:
            english = segment.with_context(lang="en_US").name
            self.assertRegex(english, "^[A-Z][a-z]")
            for lang in ("zh_CN", "zh_TW"):
                translated = segment.with_context(lang=lang).name
                self.assertNotEqual(translated, english, lang)
                self.assertRegex(translated, "[\u4e00-\u9fff]", lang)

    def test_cross_selling_suggests_what_similar_customers_buy(self):
        run = self._run(n_segments=2)
        suggestions = self.env["crm.segmentation.suggestion"].search([("run_id", "=", run.id)])
        self.assertTrue(suggestions)
        for suggestion in suggestions:
            customer = suggestion.partner_id
            bought = self.env["sale.order"].search([("partner_id", "=", customer.id)]).order_line.product_id
            self.assertNotIn(suggestion.product_id, bought)
            peers = run.result_ids.filtered(lambda line: line.segment_id == customer.segment_id).partner_id
            peer_buyers = self.env["sale.order"].search(
                [("partner_id", "in", peers.ids), ("order_line.product_id", "=", suggestion.product_id.id)]).partner_id
            self.assertGreaterEqual(len(peer_buyers), 2)
        # with three products, every product two peers bought and the customer did not is suggested
        for result in run.result_ids.filtered("segment_id"):
            peers = run.result_ids.filtered(lambda line: line.segment_id == result.segment_id).partner_id
            gift_buyers = self.env["sale.order"].search(
                [("partner_id", "in", peers.ids), ("order_line.product_id", "=", self.product_gift.id)]).partner_id
            if len(gift_buyers - result.partner_id) >= 2 and result.partner_id not in gift_buyers:
                self.assertIn(self.product_gift, suggestions.filtered(
                    lambda line: line.partner_id == result.partner_id).product_id)
        customer = suggestions[0].partner_id
        self.assertEqual(customer.cross_sell_suggestion_ids.run_id, run)
        action = customer.cross_sell_suggestion_ids[:1].action_create_opportunity()
        lead = self.env["crm.lead"].browse(action["res_id"])
        self.assertEqual((lead.partner_id, lead.type), (customer, "opportunity"))

    def test_back_testing_ignores_later_orders_and_keeps_history(self):
        past = self._run(date_as_of=self.today - timedelta(days=100))
        latest = self._run()
        best = self.buyers[-1]
        self.assertEqual(past.result_ids.filtered(lambda line: line.partner_id == best).frequency,
                         self.BEST_FREQUENCY_100_DAYS_AGO)
        self.assertEqual(best.segmentation_result_ids.run_id, past | latest)
        self.assertEqual(best.segmentation_run_id, latest)
        compare = self.env["crm.segmentation.compare"].create({"run_from_id": past.id, "run_to_id": latest.id})
        compare.action_compare()
        self.assertEqual(sum(compare.line_ids.mapped("customer_count")), len(past.result_ids))
        moved_to = compare.line_ids.filtered(lambda line: line.segment_to_id)
        self.assertEqual(moved_to.segment_to_id.run_id, latest)

    def test_confirmed_order_updates_rfm_at_once(self):
        self._run()
        worst = self.buyers[0]
        self.assertEqual((worst.rfm_frequency, worst.rfm_f_score), (1, 1))
        self._confirmed_order(worst, [(self.product_tea, 1, 10.0)])  # a second purchase occasion, today
        self.assertEqual(worst.rfm_frequency, 2)
        self.assertEqual(worst.rfm_recency_days, 0)
        self.assertEqual(worst.rfm_r_score, 5)
        self.assertEqual(worst.rfm_score[0], "5")

    def test_rescoring_in_sql_scores_as_the_run_does(self):
        # the run scores in the process (rfm.rfm_scores), a sale rescores in one SQL statement with
        # the run's edges: on the run's own day, they must agree on every customer, ties at the
        # edges included (the edges are values of customers)
        run = self._run()
        customers = run.result_ids.partner_id
        scored = {partner: partner.rfm_score for partner in customers}
        self.assertTrue(all(scored[buyer] for buyer in self.buyers))
        self.assertEqual(run._rescore_rfm(run.company_id, "orders", customers, run=run, as_of=run.date_as_of), 0)
        self.env.invalidate_all()
        self.assertEqual({partner: partner.rfm_score for partner in customers}, scored)

    def test_an_order_of_a_contact_rescores_its_company(self):
        self._run()
        worst = self.buyers[0]
        buyer = self.env["res.partner"].create({"name": "Buyer at the worst customer", "parent_id": worst.id})
        self._confirmed_order(buyer, [(self.product_tea, 1, 10.0)])
        self.assertEqual((worst.rfm_frequency, worst.rfm_recency_days, worst.rfm_r_score), (2, 0, 5))

    def test_a_cancelled_order_is_rescored_too(self):
        self._run()
        worst = self.buyers[0]
        # by a salesperson, who may not write segmentation runs
        order = self.env["sale.order"].with_user(self.user_sales).create({
            "partner_id": worst.id, "order_line": [Command.create({
                "product_id": self.product_tea.id, "price_unit": 10.0, "tax_id": [Command.clear()]})]})
        self.assertFalse(self.env["crm.segmentation.run"].with_user(self.user_sales).has_access("write"))
        order.action_confirm()
        self.assertEqual((worst.rfm_frequency, worst.rfm_recency_days), (2, 0))
        order.with_context(disable_cancel_warning=True).action_cancel()  # no mail wizard
        self.assertEqual((worst.rfm_frequency, worst.rfm_recency_days, worst.rfm_f_score), (1, 10, 1))
        self.assertEqual(worst.rfm_monetary, 50.0)

    def test_a_run_on_invoices_is_rescored_by_invoices_not_orders(self):
        for index, buyer in enumerate(self.buyers[:6]):
            for visit in range(index + 1):
                self._posted_invoice(buyer, 100.0 * (index + 1), days_ago=5 + index + 30 * visit)
        self._run(transaction_source="invoices")
        buyer = self.buyers[0]
        self.assertEqual((buyer.rfm_frequency, buyer.rfm_recency_days, buyer.rfm_monetary), (1, 5, 100.0))
        self._confirmed_order(buyer, [(self.product_tea, 1, 10.0)])
        self.assertEqual((buyer.rfm_frequency, buyer.rfm_recency_days), (1, 5), "orders do not count in this run")
        invoice = self._posted_invoice(buyer, 50.0)
        self.assertEqual((buyer.rfm_frequency, buyer.rfm_recency_days, buyer.rfm_monetary), (2, 0, 150.0))
        self.assertEqual(buyer.rfm_r_score, 5)
        invoice.button_draft()
        self.assertEqual((buyer.rfm_frequency, buyer.rfm_recency_days, buyer.rfm_monetary), (1, 5, 100.0))
        self._posted_invoice(buyer, 40.0, move_type="out_refund")
        self.assertEqual((buyer.rfm_frequency, buyer.rfm_monetary), (1, 60.0), "a refund is no purchase")

    def test_a_back_test_leaves_the_latest_figures(self):
        latest = self._run()
        past = self._run(date_as_of=self.today - timedelta(days=100))
        best = self.buyers[-1]
        self.assertEqual((best.segmentation_run_id, best.rfm_frequency), (latest, 12))
        self.assertEqual(best.segmentation_result_ids.run_id, past | latest)
        self.assertEqual(past.result_ids.filtered(lambda line: line.partner_id == best).frequency,
                         self.BEST_FREQUENCY_100_DAYS_AGO)

    def test_bad_settings_and_data(self):
        with self.assertRaises(ValidationError):
            self.env["crm.segmentation.run"].create({"horizon_months": 0})
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError), self.env.cr.savepoint():
            self.env["crm.segmentation.run"].create({"n_segments": 5000})
        run = self.env["crm.segmentation.run"].create({"n_segments": 20})
        run.action_run()  # 12 buyers cannot make 20 segments: every other figure, and the reason
        self.assertEqual(run.state, "done")
        self.assertFalse(run.segment_ids)
        self.assertFalse(run.result_ids.filtered("segment_id"))
        self.assertEqual(run.buyer_count, 12)
        self.assertIn("too few for 20 segments", run.message_ids[:1].body)
        done = self._run()
        with self.assertRaises(UserError):
            done.action_run()

    def test_nightly_cron_runs_each_company_once_a_day(self):
        self.env["crm.segmentation.run"].search([]).unlink()
        for _company in self.env["res.company"].search([]):
            self.env["crm.segmentation.run"].sudo()._cron_run_segmentation()
        runs = self.env["crm.segmentation.run"].search([("company_id", "=", self.env.company.id)])
        self.assertEqual(len(runs), 1)
        self.assertEqual(runs.state, "done")
        self.env["crm.segmentation.run"].sudo()._cron_run_segmentation()
        self.assertEqual(self.env["crm.segmentation.run"].search_count(
            [("company_id", "=", self.env.company.id)]), 1)
