"""The retention policy of segmentation runs: which runs it keeps, and the nightly pruning."""
from datetime import date, timedelta

from odoo.exceptions import ValidationError
from odoo.tests import TransactionCase, tagged

from ..analytics.retention import StoredRun, runs_to_keep


@tagged("post_install", "-at_install")
class TestRetentionPolicy(TransactionCase):

    def test_every_recent_run_then_one_a_month_then_one_a_year(self):
        today = date(2026, 11, 27)
        days = [today - timedelta(days=back) for back in range(0, 1200)]
        runs = [StoredRun(index, day, day, True) for index, day in enumerate(sorted(days))]
        kept = {run.as_of for run in runs if run.id in runs_to_keep(runs, today, keep_days=35, keep_months=24)}
        recent = {day for day in days if day > today - timedelta(days=35)}
        self.assertEqual(len(recent), 35)
        self.assertLessEqual(recent, kept)
        older = sorted(kept - recent)
        # month ends from 24 months back (2024-11-27 and later), year ends before
        self.assertEqual(older[-1], date(2026, 9, 30))  # October's last run (the 31st) is a recent one
        self.assertIn(date(2026, 9, 30), older)
        self.assertIn(date(2024, 11, 30), older)
        self.assertNotIn(date(2024, 10, 31), older)
        self.assertIn(date(2024, 11, 27), older, "the last run of 2024 before the monthly window: the year's")
        self.assertEqual([day for day in older if day.year == 2023], [date(2023, 12, 31)])
        self.assertEqual(len(kept), 35 + 23 + 2)  # November 2024 to September 2026, then 2024 and 2023

    def test_latest_and_recent_back_tests_are_kept_unfinished_runs_go(self):
        today = date(2026, 11, 27)
        old = today - timedelta(days=400)
        runs = [StoredRun(1, old, old, True), StoredRun(2, old, today, True),  # a back-test made today
                StoredRun(3, old - timedelta(days=1), old, False)]           # a run that failed long ago
        self.assertEqual(runs_to_keep(runs, today, keep_days=35, keep_months=0), {2})
        self.assertEqual(runs_to_keep(runs[:1], today, keep_days=1, keep_months=0), {1}, "the latest stays")
        with self.assertRaises(ValueError):
            runs_to_keep(runs, today, keep_days=-1)


@tagged("post_install", "-at_install")
class TestRunPruning(TransactionCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customers = cls.env["res.partner"].create([{"name": "客户 %d" % index, "customer_rank": 1}
                                                       for index in range(3)])
        cls.today = date.today()
        cls.runs = cls.env["crm.segmentation.run"]
        for back in (0, 1, 40, 41, 800):
            run = cls.env["crm.segmentation.run"].create({
                "date_as_of": cls.today - timedelta(days=back), "state": "done", "customer_count": 3})
            cls.env["crm.segmentation.result"].create([{"run_id": run.id, "partner_id": customer.id,
                                                        "frequency": back} for customer in cls.customers])
            cls.env.cr.execute("UPDATE crm_segmentation_run SET create_date = %s WHERE id = %s",
                               [cls.today - timedelta(days=back), run.id])
            cls.runs |= run
        cls.runs.invalidate_recordset()

    def test_the_nightly_pruning_deletes_batch_by_batch(self):
        Run = self.env["crm.segmentation.run"]
        self.env.company.write({"segmentation_keep_days": 35, "segmentation_keep_months": 24})
        _today, _yesterday, day_40, day_41, _day_800 = self.runs
        # within 24 months: the last run of each month (day 800 is the only run of its year)
        same_month = day_40.date_as_of.month == day_41.date_as_of.month
        self.assertEqual(Run._runs_to_prune(), day_41 if same_month else Run)
        # one day, then one run a year: the last run of each year, and today's
        self.env.company.write({"segmentation_keep_days": 1, "segmentation_keep_months": 0})
        last_of_year = {run.date_as_of.year: run for run in self.runs.sorted("date_as_of")}
        doomed = self.runs[1:] - Run.union(*last_of_year.values())
        self.assertTrue(doomed)
        self.assertEqual(Run._runs_to_prune(), doomed.sorted(lambda run: (run.date_as_of, run.id)))
        calls = 0
        while Run._runs_to_prune():
            Run._cron_prune_runs(batch_size=2)
            calls += 1
        # 3 lines per run, 2 a call: each doomed run takes two calls, and goes with the second
        self.assertEqual(calls, 2 * len(doomed))
        self.assertFalse(doomed.exists())
        for run in self.runs - doomed:
            self.assertEqual(len(run.result_ids), 3, "a kept run keeps every customer's line")

    def test_the_policy_is_validated(self):
        for values in ({"segmentation_keep_days": 0}, {"segmentation_keep_months": -1}):
            with self.subTest(values=values), self.assertRaises(ValidationError):
                self.env.company.write(values)
