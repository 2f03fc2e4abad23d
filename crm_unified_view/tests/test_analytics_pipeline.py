"""A whole run's analytics on the CDNOW calibration period: profit rates reach the NPV and the
forecasts, forecasts add up per segment and per company, customers at risk follow their rule,
and a run made a slice of customers at a time gives the same figures as in one piece."""
from unittest.mock import patch

import numpy as np
import pandas as pd

from odoo.tests import BaseCase, tagged

from ..analytics import clv, pipeline, profit
from .test_analytics_clv import cdnow

AS_OF = pd.Timestamp("1997-09-30")


@tagged("post_install", "-at_install")
class TestPipelineProfit(BaseCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        raw = cdnow()["raw"]
        transactions = raw.loc[raw["date"] <= AS_OF, ["partner_id", "date", "amount"]]
        lines = transactions.groupby("partner_id", as_index=False)["amount"].sum()
        # Customers with an even id buy goods of known cost at a 40% margin; the others goods
        # without a cost (the default 30%). Every tenth customer filed an urgent complaint (20).
        even = (lines["partner_id"] % 2 == 0).to_numpy()
        cls.purchases = lines.assign(product_id=1 + lines["partner_id"] % 3,
                                     known_amount=np.where(even, lines["amount"], 0.0),
                                     known_margin=np.where(even, 0.4 * lines["amount"], 0.0))
        complained = lines.loc[lines["partner_id"] % 10 == 0, "partner_id"]
        cls.counts = pd.DataFrame({"complaints_2": 1.0}, index=pd.Index(complained, name="partner_id"))
        cls.settings = pipeline.Settings(n_segments=4, unit_costs=profit.UnitCosts(complaint={"2": 20.0}))
        cls.transactions = transactions
        cls.result = pipeline.run(transactions, cls.purchases, lines["partner_id"].to_numpy(), AS_OF, cls.settings,
                                  counts=cls.counts)
        cls.customers = cls.result.customers

    def test_profit_rates(self):
        customers = self.customers
        revenue = self.purchases.set_index("partner_id")["amount"]
        margin_rate = np.where(customers.index % 2 == 0, 0.4, 0.3)
        np.testing.assert_allclose(customers["margin"], margin_rate * revenue.reindex(customers.index))
        cost = np.where(customers.index % 10 == 0, 20.0, 0.0)
        np.testing.assert_allclose(customers["cost_to_serve"], cost)
        np.testing.assert_allclose(customers["profit"], customers["margin"] - cost)
        selling = customers["net_revenue"] > 0
        np.testing.assert_allclose(customers.loc[selling, "margin_rate"], margin_rate[selling.to_numpy()])
        np.testing.assert_allclose(customers.loc[selling, "profit_rate"],
                                   (customers["profit"] / customers["net_revenue"])[selling])

    def test_npv_and_forecasts_use_each_customers_rates(self):
        params = self.result.clv_params
        self.assertIn("r", params, "the models fit on CDNOW")
        summary = clv.summary_from_rfm(
            pd.DataFrame(self.customers[["frequency", "recency_days", "T", "repeat_mean"]]), "week")
        rates = self.customers.loc[summary.index]
        npv, _params = clv.customer_npv(summary, params, margin_rate=rates["margin_rate"].to_numpy())
        np.testing.assert_allclose(self.customers.loc[summary.index, "customer_npv"], npv)
        predicted = clv.predict(summary, params)
        for day in (30, 90, 365):
            purchases = predicted["expected_purchases_%d" % day]
            np.testing.assert_allclose(self.customers.loc[summary.index, "expected_purchases_%d" % day], purchases)
            np.testing.assert_allclose(
                self.customers.loc[summary.index, "expected_profit_%d" % day],
                purchases * predicted["expected_spend"] * rates["profit_rate"])
        np.testing.assert_allclose(self.customers.loc[summary.index, "probability_alive"],
                                   predicted["probability_alive"])

    def test_forecasts_add_up_per_segment_and_company(self):
        segments, summary = self.result.segments, self.result.summary
        by_segment = self.customers.groupby("segment")
        for name in ("margin", "cost_to_serve", "profit", "expected_purchases_365", "expected_profit_30",
                     "expected_profit_365"):
            np.testing.assert_allclose(segments[name].sort_index(), by_segment[name].sum().sort_index())
            self.assertAlmostEqual(summary[name], self.customers[name].sum(), places=4)
        self.assertEqual(segments["at_risk_count"].sum(), summary["at_risk_count"])

    def test_at_risk_rule(self):
        buyers = self.customers[self.customers["frequency"] > 0]
        threshold = buyers["profit"].quantile(self.settings.high_value_quantile)
        expected = (buyers["profit"] >= threshold) & (buyers["profit"] > 0) & (buyers["probability_alive"] < 0.5)
        self.assertGreater(expected.sum(), 0)
        self.assertEqual(set(buyers.index[buyers["at_risk"]]), set(buyers.index[expected]))

    def test_without_a_fit_nothing_is_forecast(self):
        raw = cdnow()["raw"]
        calibration = raw[raw["date"] <= AS_OF]
        visits = calibration.groupby("partner_id")["date"].nunique()
        # 27 one-off buyers and 3 who came back: too few repeat buyers to fit the models
        chosen = list(visits.index[visits == 1][:27]) + list(visits.index[visits > 1][:3])
        few = self.purchases[self.purchases["partner_id"].isin(chosen)].copy()
        transactions = calibration[calibration["partner_id"].isin(chosen)]
        result = pipeline.run(transactions[["partner_id", "date", "amount"]], few, few["partner_id"].to_numpy(),
                              AS_OF, pipeline.Settings(n_segments=2))
        self.assertIn("not_fitted", result.clv_params)
        self.assertTrue(result.customers["probability_alive"].isna().all())
        self.assertFalse(result.customers["at_risk"].any())
        # the NPV falls back to the margin already earned
        np.testing.assert_allclose(result.customers["customer_npv"], result.customers["margin"])

    def test_slices_make_the_same_figures(self):
        """Slices of 97 customers (CDNOW has 2,357) sum up, rank and segment as one slice of all."""
        frames = {"transactions": self.transactions, "purchases": self.purchases.copy(),
                  "customers": self.purchases["partner_id"].to_numpy(), "counts": self.counts}
        with patch.object(pipeline, "SLICE_ROWS", 97):
            sliced = pipeline.run_frames(frames, AS_OF, self.settings)
            self.assertEqual(frames, {}, "every frame handed over is let go")
            customers = pd.concat([part for part, _degrees in sliced.figures.slices(97)])
            memberships = sliced.memberships
        self.assertGreater(len(customers), 20 * 97)
        pd.testing.assert_frame_equal(customers, self.customers, check_exact=False, rtol=1e-9)
        pd.testing.assert_frame_equal(memberships, self.result.memberships, check_exact=False, rtol=1e-9)
        pd.testing.assert_frame_equal(sliced.segments, self.result.segments, check_exact=False, rtol=1e-9)
        self.assertEqual(sliced.summary.keys(), self.result.summary.keys())
        for name, value in self.result.summary.items():
            if isinstance(value, float):
                self.assertAlmostEqual(sliced.summary[name], value, delta=1e-9 * max(1.0, abs(value)), msg=name)
            else:
                self.assertEqual(sliced.summary[name], value, name)
        # each customer's figures and memberships come a slice at a time, in the customers' order
        first, degrees = next(sliced.figures.slices(97))
        self.assertEqual(list(first.index), list(self.customers.index[:97]))
        pd.testing.assert_index_equal(degrees.index, first.index)
