"""Pareto analysis: concentration of value, unprofitable customers and products, by hand."""
import numpy as np
import pandas as pd

from odoo.tests import BaseCase, tagged

from ..analytics import pareto

# Best first: 40 (id 2), 25 (4), 15 (1), 10 (7), 5 (5), 5 (10), 3 (3), 2 (8), 0 (9), -5 (6); total 100.
MARGINS = pd.Series([15.0, 40, 3, 25, 5, -5, 10, 2, 0, 5], index=pd.Index(range(1, 11), name="partner_id"),
                    name="margin")


@tagged("post_install", "-at_install")
class TestPareto(BaseCase):

    def assertFigures(self, figures, **expected):
        self.assertEqual(set(figures), set(expected))
        for name, value in expected.items():
            self.assertIsInstance(figures[name], float, name)
            self.assertAlmostEqual(figures[name], value, places=12, msg=name)

    def test_top_share_by_hand(self):
        self.assertAlmostEqual(pareto.top_share(MARGINS), 0.65)
        self.assertAlmostEqual(pareto.top_share(MARGINS, 0.25), 0.725)  # 40 + 25 + half of 15
        self.assertAlmostEqual(pareto.top_share(MARGINS, 1.0), 1.0)
        seven = pd.Series([50.0, 20, 10, 10, 5, 3, 2])
        self.assertAlmostEqual(pareto.top_share(seven), 0.58)  # the best one and 40% of the second

    def test_whale_curve_by_hand(self):
        curve = pareto.pareto_curve(MARGINS, points=11)
        np.testing.assert_allclose(curve["entity_share"], np.linspace(0, 1, 11))
        np.testing.assert_allclose(curve["value_share"],
                                   [0, 0.40, 0.65, 0.80, 0.90, 0.95, 1.00, 1.03, 1.05, 1.05, 1.00], atol=1e-12)
        self.assertAlmostEqual(pareto.pareto_curve(MARGINS, points=101)["value_share"].iloc[20], 0.65)

    def test_whale_figures_by_hand(self):
        # Best first 60, 50, 10, -5, -15 (total 100): cumulative 60%, 110%, 120%, 115%, 100%. The
        # three profitable customers (3/5) make 120%; the best one (20%) 60%; two of five lose money.
        profits = pd.Series([-5.0, 60, -15, 10, 50], index=[4, 1, 5, 3, 2])
        self.assertFigures(pareto.whale_figures(profits), peak_share=1.2, peak_customer_share=0.6, top_share=0.6,
                           loss_share=0.4)
        curve = pareto.pareto_curve(profits, points=6)
        self.assertEqual(curve["value_share"].max(), 1.2)
        # MARGINS: the 8 profitable customers make 105%; the one at 0 does not move the peak further.
        self.assertFigures(pareto.whale_figures(MARGINS), peak_share=1.05, peak_customer_share=0.8, top_share=0.65,
                           loss_share=0.1)
        # Without losses the peak is the total, reached with the last customer who brings anything.
        # The best 20% of four customers: 0.8 of the one who brings 70%.
        self.assertFigures(pareto.whale_figures(pd.Series([30.0, 0, 70, 0])), peak_share=1.0,
                           peak_customer_share=0.5, top_share=0.56, loss_share=0.0)

    def test_unprofitable_and_summary(self):
        losses = pd.Series([10.0, -5, -20, -5], index=[1, 6, 9, 3])
        self.assertEqual(pareto.unprofitable(losses).index.tolist(), [9, 3, 6])
        self.assertEqual(pareto.unprofitable(MARGINS).to_dict(), {6: -5.0})
        self.assertEqual(pareto.pareto_summary(MARGINS), {
            "count": 10, "total": 100.0, "top": 0.2, "top_share": 0.65, "gross_profit": 105.0, "losses": -5.0,
            "unprofitable_count": 1, "consumed_share": 5.0 / 105.0})
        # losing money overall: shares of the total mean nothing, the rest is still defined
        summary = pareto.pareto_summary(losses)
        self.assertIsNone(summary["top_share"])
        self.assertEqual((summary["losses"], summary["consumed_share"]), (-30.0, 3.0))
        self.assertIsNone(pareto.pareto_summary(pd.Series([0.0, -1.0]))["consumed_share"])

    def test_product_totals(self):
        lines = pd.DataFrame({"product_id": [7, 7, 8, 8, 9], "amount": [100.0, 50.0, 30.0, 20.0, 10.0],
                              "margin": [30.0, 10.0, -5.0, -10.0, np.nan]})
        totals = pareto.totals(lines, "product_id")
        self.assertEqual(totals["revenue"].tolist(), [150.0, 50.0, 10.0])
        self.assertEqual(totals["margin"].tolist()[:2], [40.0, -15.0])
        self.assertTrue(np.isnan(totals.loc[9, "margin"]), "an unknown line margin leaves the product's unknown")
        known = totals.loc[totals.index != 9]
        self.assertEqual(pareto.unprofitable(known["margin"]).to_dict(), {8: -15.0})

    def test_bad_input_is_a_clear_error(self):
        with self.assertRaisesRegex(ValueError, "at least one"):
            pareto.top_share(pd.Series([], dtype=float))
        with self.assertRaisesRegex(ValueError, "not finite"):
            pareto.pareto_summary(pd.Series([1.0, np.nan]))
        with self.assertRaisesRegex(ValueError, "not positive"):
            pareto.pareto_curve(pd.Series([10.0, -20.0]))
        with self.assertRaisesRegex(ValueError, "not positive"):
            pareto.top_share(pd.Series([0.0, 0.0]))
        for values in ([10.0, -20.0], [0.0, 0.0], []):
            with self.assertRaisesRegex(ValueError, "not positive|at least one"):
                pareto.whale_figures(pd.Series(values, dtype=float))
        for top in (0, 1.5, -0.2):
            with self.assertRaisesRegex(ValueError, "top fraction"):
                pareto.pareto_summary(MARGINS, top)
        for points in (1, 10002, 5.5):
            with self.assertRaisesRegex(ValueError, "between 2 and 10001"):
                pareto.pareto_curve(MARGINS, points)
