"""Cross-selling inside segments: popularity per segment and suggestions, by hand and brute force."""
from unittest.mock import patch

import numpy as np
import pandas as pd
from pandas.testing import assert_frame_equal

from odoo.tests import BaseCase, tagged

from ..analytics import cross_sell

A, B, C, D, E = 101, 102, 103, 104, 105
LABELS = pd.Series({1: 0, 2: 0, 3: 0, 4: 0, 5: 1, 6: 1}, name="segment")
PURCHASES = pd.DataFrame([(1, A), (1, B), (1, A), (2, A), (2, C), (3, A), (3, B), (5, D), (6, D), (6, A), (7, E)],
                         columns=["partner_id", "product_id"])


def brute_force(purchases, labels, top_n, min_customers):
    """The definition, one customer at a time."""
    bought = purchases.groupby("partner_id")["product_id"].agg(set).to_dict()
    rows = []
    for segment in sorted(labels.unique()):
        members = labels.index[labels == segment]
        counts = {}
        for partner in members:
            for product in bought.get(partner, ()):
                counts[product] = counts.get(product, 0) + 1
        ranked = sorted((product for product, count in counts.items() if count >= min_customers),
                        key=lambda product: (-counts[product], product))
        for partner in members:
            offered = [product for product in ranked if product not in bought.get(partner, ())][:top_n]
            rows += [(partner, rank, product, segment, counts[product] / len(members))
                     for rank, product in enumerate(offered, 1)]
    return pd.DataFrame(rows, columns=["partner_id", "rank", "product_id", "segment", "share"]) \
        .sort_values(["partner_id", "rank"]).reset_index(drop=True)


@tagged("post_install", "-at_install")
class TestCrossSell(BaseCase):

    def test_popularity_by_hand(self):
        popularity = cross_sell.segment_popularity(PURCHASES, LABELS, min_customers=1)
        self.assertEqual(popularity.values.tolist(), [
            [0, 1, A, 3, 0.75], [0, 2, B, 2, 0.5], [0, 3, C, 1, 0.25],
            [1, 1, D, 2, 1.0], [1, 2, A, 1, 0.5]])

    def test_suggestions_by_hand(self):
        suggested = cross_sell.suggestions(PURCHASES, LABELS, top_n=5, min_customers=1)
        self.assertEqual(suggested[["partner_id", "rank", "product_id"]].values.tolist(), [
            [1, 1, C], [2, 1, B], [3, 1, C], [4, 1, A], [4, 2, B], [4, 3, C], [5, 1, A]])
        self.assertEqual(suggested["share"].tolist(), [0.25, 0.5, 0.25, 0.75, 0.5, 0.25, 0.5])
        self.assertEqual(suggested["segment"].tolist(), [0, 0, 0, 0, 0, 0, 1])
        # a product must be bought by two customers of the segment to be "what similar customers buy"
        suggested = cross_sell.suggestions(PURCHASES, LABELS, top_n=5, min_customers=2)
        self.assertEqual(suggested[["partner_id", "product_id"]].values.tolist(), [[2, B], [4, A], [4, B]])
        suggested = cross_sell.suggestions(PURCHASES, LABELS, top_n=1, min_customers=1)
        self.assertEqual(suggested.loc[suggested["partner_id"] == 4, "product_id"].tolist(), [A])

    def test_ties_and_customers_who_bought_most_of_the_list(self):
        # 30 products bought by 39..10 customers, plus customer 1 who owns the 25 best sellers
        rows = [(partner, product) for product in range(1, 31) for partner in range(2, 42 - product)]
        rows += [(1, product) for product in range(1, 26)]
        labels = pd.Series(0, index=range(1, 41))
        suggested = cross_sell.suggestions(pd.DataFrame(rows, columns=["partner_id", "product_id"]), labels, 5)
        self.assertEqual(suggested.loc[suggested["partner_id"] == 1, "product_id"].tolist(), [26, 27, 28, 29, 30])
        tied = pd.DataFrame([(1, 9), (2, 9), (1, 3), (2, 3), (1, 5), (2, 5)], columns=["partner_id", "product_id"])
        suggested = cross_sell.suggestions(tied, pd.Series(0, index=[1, 2, 3]), 2)
        self.assertEqual(suggested["product_id"].tolist(), [3, 5], "equal popularity: lowest product id first")

    def test_matches_the_definition_on_random_baskets(self):
        rng = np.random.default_rng(4)
        labels = pd.Series(rng.integers(0, 4, 600), index=rng.permutation(600) * 5 + 3)
        purchases = pd.DataFrame({"partner_id": rng.choice(labels.index, 5000),
                                  "product_id": rng.zipf(1.4, 5000) % 40 + 1000})
        for top_n, min_customers in ((5, 2), (1, 1), (25, 1)):
            expected = brute_force(purchases, labels, top_n, min_customers)
            # small chunks and the searched (not dense) rank lookup exercise every path
            for chunk, dense in ((200_000, 2 ** 24), (97, 1)):
                with patch.object(cross_sell, "CHUNK", chunk), patch.object(cross_sell, "DENSE_CELLS", dense):
                    suggested = cross_sell.suggestions(purchases, labels, top_n, min_customers)
                assert_frame_equal(suggested, expected, check_dtype=False)

    def test_same_input_same_suggestions(self):
        first = cross_sell.suggestions(PURCHASES, LABELS, 3, 1)
        again = cross_sell.suggestions(PURCHASES.sample(frac=1.0, random_state=2),
                                       LABELS.sample(frac=1.0, random_state=5), 3, 1)
        assert_frame_equal(first, again)

    def test_nothing_to_suggest(self):
        suggested = cross_sell.suggestions(PURCHASES, LABELS, 5, min_customers=10)
        self.assertEqual(len(suggested), 0)
        self.assertEqual(list(suggested.columns), ["partner_id", "rank", "product_id", "segment", "share"])
        self.assertEqual(len(cross_sell.suggestions(PURCHASES.iloc[:0], LABELS, 5)), 0)

    def test_bad_input_is_a_clear_error(self):
        for top_n in (0, 101, 2.5, True):
            with self.assertRaisesRegex(ValueError, "number of suggestions"):
                cross_sell.suggestions(PURCHASES, LABELS, top_n)
        with self.assertRaisesRegex(ValueError, "minimum number of buyers"):
            cross_sell.suggestions(PURCHASES, LABELS, 5, min_customers=0)
        with self.assertRaisesRegex(ValueError, "product_id"):
            cross_sell.suggestions(PURCHASES.drop(columns="product_id"), LABELS)
        with self.assertRaisesRegex(ValueError, "a customer and a product"):
            cross_sell.suggestions(PURCHASES.astype(float).assign(product_id=np.nan), LABELS)
        with self.assertRaisesRegex(ValueError, "needs a segment"):
            cross_sell.suggestions(PURCHASES, LABELS.astype(float).replace(1.0, np.nan))
        with self.assertRaisesRegex(ValueError, "twice"):
            cross_sell.segment_popularity(PURCHASES, pd.concat([LABELS, LABELS.iloc[:1]]))
