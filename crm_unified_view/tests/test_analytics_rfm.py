"""Purchase occasions, RFM table and rank-based scores: pure functions, checked by hand."""
import numpy as np
import pandas as pd
from pandas.testing import assert_frame_equal

from odoo.tests import BaseCase, tagged

from ..analytics import rfm

AS_OF = "2024-03-31"


def transactions():
    return pd.DataFrame([
        (10, "2024-01-01 09:00", 100.0, 30.0),
        (10, "2024-01-01 17:30", 50.0, 10.0),   # same day: one occasion of 150
        (10, "2024-02-15 00:00", 80.0, 20.0),
        (10, "2024-03-30 00:00", -30.0, -9.0),  # refund only: not an occasion
        (20, "2024-03-01 00:00", 0.0, -5.0),    # free order: an occasion worth 0
        (20, "2024-03-10 00:00", 40.0, 12.0),
        (20, "2024-03-10 00:00", -40.0, -12.0),  # cancelled the same day: still an occasion
        (30, "2024-02-01 00:00", -25.0, -8.0),  # only a refund
        (40, "2023-12-31 00:00", 500.0, 150.0),
    ], columns=["partner_id", "date", "amount", "margin"]).assign(date=lambda frame: pd.to_datetime(frame["date"]))


@tagged("post_install", "-at_install")
class TestRfm(BaseCase):

    def test_same_day_orders_are_one_occasion(self):
        occasions = rfm.purchase_occasions(transactions())
        self.assertEqual(occasions["partner_id"].tolist(), [10, 10, 10, 20, 20, 30, 40])
        self.assertEqual(occasions["amount"].tolist(), [150.0, 80.0, -30.0, 0.0, 0.0, -25.0, 500.0])
        self.assertEqual(occasions["margin"].tolist(), [40.0, 20.0, -9.0, -5.0, 0.0, -8.0, 150.0])
        self.assertEqual(occasions["is_purchase"].tolist(), [True, True, False, True, True, False, True])
        self.assertEqual(occasions["date"].iloc[0], pd.Timestamp("2024-01-01"))

    def test_rfm_table_by_hand(self):
        table = rfm.rfm_table(rfm.purchase_occasions(transactions()), AS_OF, customers=[50])
        self.assertEqual(table.index.tolist(), [10, 20, 30, 40, 50])
        self.assertEqual(table["frequency"].tolist(), [2, 2, 0, 1, 0])
        # 2024 is a leap year: Feb 15 -> Mar 31 = 45 days, Jan 1 -> Mar 31 = 90 days
        self.assertEqual(table.loc[10, ["recency_days", "T", "monetary", "repeat_mean", "margin"]].tolist(),
                         [45.0, 90.0, 200.0, 80.0, 51.0])
        columns = ["recency_days", "T", "monetary", "repeat_mean"]
        self.assertEqual(table.loc[20, columns].tolist(), [21.0, 30.0, 0.0, 0.0])
        self.assertEqual(table.loc[40, columns].tolist(), [91.0, 91.0, 500.0, 0.0])
        self.assertEqual(table.loc[20, "first_date"], pd.Timestamp("2024-03-01"))
        self.assertEqual(table.loc[20, "last_date"], pd.Timestamp("2024-03-10"))
        # only refunds, or no order at all: defined, not an error
        for partner, monetary in ((30, -25.0), (50, 0.0)):
            self.assertTrue(np.isnan(table.loc[partner, "recency_days"]))
            self.assertTrue(pd.isna(table.loc[partner, "first_date"]))
            self.assertEqual(table.loc[partner, "monetary"], monetary)

    def test_scores_by_hand(self):
        table = rfm.rfm_table(rfm.purchase_occasions(transactions()), AS_OF, customers=[50])
        scores, edges = rfm.rfm_scores(table)
        # buyers 10, 20, 40: recency 45/21/91, frequency 2/2/1, monetary 200/0/500;
        # score = 1 + floor(5 x share of buyers strictly worse)
        self.assertEqual(scores["r_score"].tolist(), [2, 4, 0, 1, 0])
        self.assertEqual(scores["f_score"].tolist(), [2, 2, 0, 1, 0])
        self.assertEqual(scores["m_score"].tolist(), [2, 1, 0, 4, 0])
        self.assertEqual(scores["rfm_score"].tolist(), ["222", "421", "", "114", ""])
        self.assertEqual(edges, {"bins": 5, "recency": [45.0, 21.0, 21.0, None], "frequency": [2.0, None, None, None],
                                 "monetary": [200.0, 500.0, 500.0, None]})

    def test_rank_quantiles_and_ties(self):
        ten = pd.DataFrame({"frequency": range(1, 11), "recency_days": range(10, 0, -1), "monetary": range(1, 11)},
                           index=range(1, 11))
        scores, _edges = rfm.rfm_scores(ten)
        self.assertEqual(scores["f_score"].tolist(), [1, 1, 2, 2, 3, 3, 4, 4, 5, 5])
        self.assertEqual(scores["r_score"].tolist(), [1, 1, 2, 2, 3, 3, 4, 4, 5, 5])
        tied = ten.assign(frequency=[1, 1, 1, 1, 1, 1, 2, 2, 3, 4])
        scores, edges = rfm.rfm_scores(tied)
        # six customers bought once: they all score 1; 2 has six below it: 1 + floor(5 x 6/10)
        self.assertEqual(scores["f_score"].tolist(), [1, 1, 1, 1, 1, 1, 4, 4, 5, 5])
        self.assertEqual(edges["frequency"], [2.0, 2.0, 2.0, 3.0])
        single = rfm.rfm_scores(ten.iloc[:1])[0]
        self.assertEqual(single["rfm_score"].tolist(), ["111"])

    def test_saved_edges_score_new_customers(self):
        table = rfm.rfm_table(rfm.purchase_occasions(transactions()), AS_OF, customers=[50])
        scores, edges = rfm.rfm_scores(table, bins=3)
        assert_frame_equal(rfm.scores_from_edges(table, edges), scores)
        newcomer = pd.DataFrame({"frequency": [3], "recency_days": [1.0], "monetary": [300.0]}, index=[99])
        self.assertEqual(rfm.scores_from_edges(newcomer, edges)["rfm_score"].tolist(), ["322"])

    def test_same_result_whatever_the_row_order(self):
        data = transactions()
        shuffled = data.sample(frac=1.0, random_state=7)
        first = rfm.rfm_table(rfm.purchase_occasions(data), AS_OF)
        second = rfm.rfm_table(rfm.purchase_occasions(shuffled), AS_OF)
        assert_frame_equal(first, second)
        occasions = rfm.purchase_occasions(data)
        assert_frame_equal(rfm.rfm_table(occasions.iloc[::-1], AS_OF), first)
        assert_frame_equal(rfm.rfm_scores(first)[0], rfm.rfm_scores(second)[0])

    def test_dates_of_any_kind(self):
        data = transactions()
        data["date"] = data["date"].dt.tz_localize("Asia/Shanghai")
        self.assertEqual(rfm.purchase_occasions(data)["date"].iloc[0], pd.Timestamp("2024-01-01"))
        data["date"] = data["date"].dt.date
        assert_frame_equal(rfm.purchase_occasions(data), rfm.purchase_occasions(transactions()))

    def test_unknown_margin_stays_unknown(self):
        data = transactions()
        data.loc[2, "margin"] = np.nan  # customer 10's Feb 15 line: product without cost
        table = rfm.rfm_table(rfm.purchase_occasions(data), AS_OF)
        self.assertTrue(np.isnan(table.loc[10, "margin"]))
        self.assertEqual(table.loc[40, "margin"], 150.0)

    def test_empty_history(self):
        empty = rfm.purchase_occasions(transactions().iloc[:0])
        self.assertEqual(len(empty), 0)
        table = rfm.rfm_table(empty, AS_OF, customers=[1, 2])
        self.assertEqual(table["frequency"].tolist(), [0, 0])
        scores, edges = rfm.rfm_scores(table)
        self.assertEqual(scores["rfm_score"].tolist(), ["", ""])
        self.assertEqual(edges["monetary"], [None] * 4)

    def test_bad_input_is_a_clear_error(self):
        data = transactions()
        with self.assertRaisesRegex(ValueError, "lack the column"):
            rfm.purchase_occasions(data.drop(columns="amount"))
        with self.assertRaisesRegex(ValueError, "no valid amount"):
            rfm.purchase_occasions(data.assign(amount=[np.nan] + [1.0] * 8))
        with self.assertRaisesRegex(ValueError, "no valid margin"):
            rfm.purchase_occasions(data.assign(margin=[np.inf] + [1.0] * 8))
        with self.assertRaisesRegex(ValueError, "no date"):
            rfm.purchase_occasions(data.assign(date=[pd.NaT] + data["date"].tolist()[1:]))
        with self.assertRaisesRegex(ValueError, "no customer"):
            rfm.purchase_occasions(data.assign(partner_id=[None] + data["partner_id"].tolist()[1:]))
        occasions = rfm.purchase_occasions(data)
        with self.assertRaisesRegex(ValueError, "1 purchase day.* after the analysis date 2024-03-29"):
            rfm.rfm_table(occasions, "2024-03-29")
        with self.assertRaisesRegex(ValueError, "one row per customer and day"):
            rfm.rfm_table(pd.concat([occasions, occasions.iloc[:1]]), AS_OF)
        with self.assertRaisesRegex(ValueError, "is_purchase"):
            rfm.rfm_table(occasions.drop(columns="is_purchase"), AS_OF)
        table = rfm.rfm_table(occasions, AS_OF)
        for bins in (1, 10, 2.5, "5"):
            with self.assertRaisesRegex(ValueError, "between 2 and 9 bins"):
                rfm.rfm_scores(table, bins=bins)
