"""The next night's run sums again only the customers whose transactions changed, and finds
exactly what a run summing every customer finds."""
from datetime import timedelta
from unittest.mock import patch

import pandas as pd

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools import SQL

from ..models import crm_segmentation_run
from ..models.crm_segmentation_run import LINE_TYPES

from .common import CustomerViewCommon

# What a run saves of each customer's sums and their RFM, compared between two runs.
COMPARED = ("frequency", "first_purchase_date", "recency_days", "monetary", "repeat_total", "transaction_count",
            "r_score", "f_score", "m_score", "rfm_score", "value_tier", "customer_npv", "cost_to_serve",
            "net_revenue", "margin", "profit")


@tagged("post_install", "-at_install")
class TestSegmentationNightly(CustomerViewCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        cls.buyers = Partner.create([
            {"name": "夜间客户 %02d" % index, "is_company": True, "customer_rank": 1} for index in range(12)])
        for index, buyer in enumerate(cls.buyers):
            for visit in range(index % 4 + 1):
                cls._confirmed_order(buyer, [(cls.product_tea, 1, 40.0 * (index + 1) + visit)],
                                     days_ago=5 + 15 * visit + index)
        cls.quotation = cls.env["sale.order"].create({
            "partner_id": cls.buyers[0].id,
            "order_line": [Command.create({"product_id": cls.product_cup.id, "product_uom_qty": 3,
                                           "price_unit": 12.5, "tax_id": [Command.clear()]})],
        })
        cls.child = Partner.create({"name": "采购员", "parent_id": cls.buyers[1].id})
        # a contact of buyer 2 who orders for it, then moves to buyer 3's company
        cls.mover = Partner.create({"name": "调动的联系人", "parent_id": cls.buyers[2].id})
        cls._confirmed_order(cls.mover, [(cls.product_cup, 2, 30.0)], days_ago=8)
        cls.cancelled = cls._confirmed_order(cls.buyers[3], [(cls.product_cup, 1, 99.0)], days_ago=3)
        cls.moved = cls._confirmed_order(cls.buyers[5], [(cls.product_tea, 1, 77.0)], days_ago=4)

    def _run(self, **values):
        run = self.env["crm.segmentation.run"].create(dict({"n_segments": 3}, **values))
        run.action_run()
        return run

    def _age_everything(self):
        """What the test class made was written days ago, as a real database's history is (in one
        transaction every timestamp is the same)."""
        self.env.cr.flush()  # the tracking of the changes so far, written on commit
        for table in ("sale_order", "res_partner", "account_move"):
            self.env.cr.execute("UPDATE %s SET write_date = write_date - interval '3 days'" % table)
        self.env.cr.execute("UPDATE mail_tracking_value SET create_date = create_date - interval '3 days'")
        self.env.invalidate_all()

    def _sums(self, run):
        return {line.partner_id.id: tuple(line[name] for name in COMPARED) for line in run.result_ids}

    def test_next_run_takes_over_unchanged_sums_and_equals_a_full_run(self):
        self._check_next_run_takes_over_unchanged_sums_and_equals_a_full_run()

    def test_a_night_of_few_changes_looks_their_lines_up_and_equals_a_full_run(self):
        """When few customers changed (here: any share of them), the night looks their lines up by
        customer, with another plan and the same sums."""
        settings = []

        def planner_settings(cr, **values):
            settings.append(values)
            return real_planner_settings(cr, **values)

        real_planner_settings = crm_segmentation_run.planner_settings
        with patch.object(crm_segmentation_run, "FEW_CHANGED_SHARE", 1000), \
                patch.object(crm_segmentation_run, "planner_settings", planner_settings):
            self._check_next_run_takes_over_unchanged_sums_and_equals_a_full_run()
        self.assertIn(crm_segmentation_run.FEW_CHANGED_PLAN, settings)

    def _check_next_run_takes_over_unchanged_sums_and_equals_a_full_run(self):
        self._age_everything()
        first = self._run()
        self.assertFalse(first.sums_run_id, "the first run sums every customer")
        # the day's business, through the ORM
        self.quotation.action_confirm()
        self.cancelled._action_cancel()
        newcomer = self.env["res.partner"].create({"name": "新客户"})
        self._confirmed_order(newcomer, [(self.product_tea, 2, 50.0)])
        self._confirmed_order(self.child, [(self.product_cup, 4, 10.0)])
        self.buyers[4].action_archive()
        # tracked, as outside tests: the tracking tells the customer the order was taken from
        tracked = {"tracking_disable": False, "mail_notrack": False}
        self.moved.with_context(**tracked).partner_id = self.buyers[6]
        self._confirmed_order(self.buyers[7], [(self.product_tea, 1, 300.0)], pricelist=self.other_pricelist)
        self.mover.with_context(**tracked).parent_id = self.buyers[3]
        # a credit note of an order line: the lines' sums change, not the orders'
        returned = self.buyers[8].sale_order_ids[:1].order_line
        refund = self.env["account.move"].create({
            "move_type": "out_refund", "partner_id": self.buyers[8].id, "invoice_date": self.today,
            "invoice_line_ids": [Command.create({
                "product_id": self.product_tea.id, "quantity": 1, "price_unit": 20.0, "tax_ids": [Command.clear()],
                "sale_line_ids": [Command.set(returned.ids)]})],
        })
        refund.action_post()
        self.env.cr.flush()

        nightly = self._run()
        self.assertEqual(nightly.sums_run_id, first)
        self.assertTrue(nightly.purchases_kept)
        self.assertFalse(first.purchases_kept, "the purchases kept are the latest run's")
        # buyers 9 to 11 and the prospects of the common data did not change
        untouched = self.buyers[9:]
        self.assertGreaterEqual(nightly.sums_reused_count, len(untouched))
        self.env.cr.execute(nightly._changed_customers(first))
        totals = nightly._purchase_totals(previous=first, changed=[row[0] for row in self.env.cr.fetchall() if row[0]])
        self.assertFalse(totals.loc[untouched.ids, "summed"].any())
        self.assertTrue(totals.loc[(self.buyers[:4] | self.buyers[5:9] | newcomer).ids, "summed"].all())
        self.assertNotIn(self.buyers[4].id, totals.index)
        pd.testing.assert_frame_equal(totals.drop(columns="summed").sort_index(),
                                      nightly._purchase_totals().sort_index(), check_exact=True)
        # the purchases kept, partly summed again, are every line summed now
        kept, summed = (nightly._frame(SQL("SELECT %s FROM (%s) lines ORDER BY partner_id, product_id",
                                           SQL(", ").join(map(SQL.identifier, LINE_TYPES)), query),
                                       LINE_TYPES)
                        for query in (self.env["crm.segmentation.purchase"]._kept(nightly.company_id),
                                      nightly._order_lines()))
        pd.testing.assert_frame_equal(kept, summed, check_exact=True)
        self.assertEqual(kept.loc[kept["partner_id"] == self.buyers[8].id, "amount"].sum(), 360.0 - 20.0)

        full = self.env["crm.segmentation.run"].with_context(crm_segmentation_full_sums=True).create(
            {"n_segments": 3})
        full.action_run()
        self.assertFalse(full.sums_run_id)
        self.assertEqual(self._sums(nightly), self._sums(full))
        self.assertEqual(*({(line.product_id, line.revenue, line.margin) for line in run.product_ids}
                           for run in (nightly, full)))
        self.assertEqual(*({(line.partner_id, line.product_id, line.rank) for line in self.env[
            "crm.segmentation.suggestion"].search([("run_id", "=", run.id)])} for run in (nightly, full)))
        # what changed is in the sums
        sums = self._sums(nightly)
        frequency, monetary = COMPARED.index("frequency"), COMPARED.index("monetary")
        self.assertEqual(sums[self.buyers[5].id][frequency], 2)  # its moved order went
        self.assertEqual(sums[self.buyers[6].id][frequency], 4)  # to buyer 6, on another day
        self.assertAlmostEqual(sums[self.buyers[2].id][monetary], 40.0 * 3 * 3 + 3)  # without its contact's order
        self.assertAlmostEqual(sums[self.buyers[7].id][monetary], 320.0 + 321 + 322 + 323 + 150.0)
        self.assertEqual(sums[newcomer.id][frequency], 1)
        self.assertNotIn(self.buyers[4].id, sums)

    def test_next_run_writes_a_customer_whose_figures_changed_without_a_write(self):
        """A night compares with their partners only the customers that changed, are new to the
        run, or whose result line differs from the run before's: a customer turning old on the day,
        which nothing wrote, is among them."""
        turning_old = self.env["res.partner"].create({"name": "满一年的客户", "is_company": True, "customer_rank": 1})
        self._confirmed_order(turning_old, [(self.product_tea, 1, 80.0)], days_ago=365)
        self._age_everything()
        first = self._run(date_as_of=self.today - timedelta(days=1))
        self.assertEqual(turning_old.customer_age_type, "new")
        nightly = self._run()
        self.assertEqual(nightly.sums_run_id, first)
        self.env.cr.execute(nightly._changed_customers(first))
        self.assertNotIn(turning_old.id, [row[0] for row in self.env.cr.fetchall()])
        self.assertEqual(turning_old.customer_age_type, "old")
        for line in nightly.result_ids:  # every customer shows the run's figures
            customer = line.partner_id
            self.assertEqual(
                (customer.rfm_score or False, customer.rfm_frequency, customer.value_tier, customer.customer_age_type,
                 customer.lifecycle_stage),
                (line.rfm_score or False, line.frequency, line.value_tier, line.age_type, line.lifecycle_stage))

    def test_run_sums_every_customer_without_a_suitable_run_before(self):
        self._age_everything()
        first = self._run()
        on_invoices = self._run(transaction_source="invoices")
        self.assertFalse(on_invoices.sums_run_id, "the run before counted orders")
        on_orders = self._run()
        self.assertFalse(on_orders.sums_run_id, "the latest run counted invoices")
        self.assertEqual(self._run().sums_run_id, on_orders)
        backtest = self._run(date_as_of=first.date_as_of - timedelta(days=30))
        self.assertFalse(backtest.sums_run_id, "a back-test sums every customer")
        # a run of an earlier version saved no sums
        latest = self._run()
        self.env.cr.execute("UPDATE crm_segmentation_result SET transaction_count = NULL WHERE run_id = %s",
                            [latest.id])
        self.assertFalse(self._run().sums_run_id)

    def test_only_the_latest_run_on_orders_keeps_purchases(self):
        self._age_everything()
        first = self._run()
        Purchase = self.env["crm.segmentation.purchase"]
        self.env.cr.execute(Purchase._kept(first.company_id))
        kept = sorted(self.env.cr.fetchall())
        self.assertTrue(kept)
        for run in (self._run(date_as_of=first.date_as_of - timedelta(days=30)),
                    self._run(transaction_source="invoices")):
            self.assertFalse(run.purchases_kept)
            self.assertTrue(first.purchases_kept)
            self.env.cr.execute(Purchase._kept(first.company_id))
            self.assertEqual(sorted(self.env.cr.fetchall()), kept, "a back-test or a run on invoices keeps none")
        # after a run on invoices, the next run on orders takes over no sums: it keeps every line again
        again = self._run()
        self.assertFalse(again.sums_run_id)
        self.assertTrue(again.purchases_kept)
        self.assertFalse(first.purchases_kept)

    def test_purchases_kept_are_read_by_managers_of_their_company_only(self):
        self._run()
        Purchase = self.env["crm.segmentation.purchase"]
        for user in (self.user_info, self.user_sales, self.user_billing):
            with self.assertRaises(AccessError):
                Purchase.with_user(user).search([])
        mine = Purchase.with_user(self.user_manager).search([])
        self.assertTrue(mine)
        self.assertEqual(mine.company_id, self.env.company)
        other = self.env["res.company"].create({"name": "另一家公司"})
        self.user_manager.company_ids |= other
        self.assertFalse(Purchase.with_user(self.user_manager).with_company(other).with_context(
            allowed_company_ids=[other.id]).search([]))

    def test_orders_dated_after_the_run_before_are_summed_again_however_written(self):
        self._age_everything()
        first = self._run(date_as_of=self.today - timedelta(days=1))
        buyer = self.buyers[9]
        self._confirmed_order(buyer, [(self.product_tea, 1, 55.0)])
        # and a credit note of another customer's order line
        credited = self.buyers[10]
        refund = self.env["account.move"].create({
            "move_type": "out_refund", "partner_id": credited.id, "invoice_date": self.today,
            "invoice_line_ids": [Command.create({
                "product_id": self.product_tea.id, "quantity": 1, "price_unit": 30.0, "tax_ids": [Command.clear()],
                "sale_line_ids": [Command.set(credited.sale_order_ids[:1].order_line.ids)]})],
        })
        refund.action_post()
        self._age_everything()  # as if inserted by SQL with an old write_date: only its date tells
        nightly = self._run()
        self.assertEqual(nightly.sums_run_id, first)
        line = nightly.result_ids.filtered(lambda result: result.partner_id == buyer)
        self.assertEqual((line.frequency, line.recency_days), (3, 0))
        line = nightly.result_ids.filtered(lambda result: result.partner_id == credited)
        self.assertAlmostEqual(line.net_revenue, 440.0 + 441 + 442 - 30)
