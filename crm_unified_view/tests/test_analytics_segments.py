"""Soft segments, their names, value tiers and new/old customers: pure functions."""
import json
from unittest.mock import patch

import numpy as np
import pandas as pd
from pandas.testing import assert_frame_equal, assert_series_equal

from odoo.tests import BaseCase, tagged

from ..analytics import segments

GROUPS = {  # typical recency (days), frequency, monetary
    "loyal": (3, 30, 3000.0),
    "big": (150, 6, 9000.0),
    "lost": (700, 1, 40.0),
}


def three_groups(per_group=300, seed=0):
    """Three well separated groups; ids interleaved so no group is a block of the index."""
    rng = np.random.default_rng(seed)
    frames = []
    for number, (recency, frequency, monetary) in enumerate(GROUPS.values()):
        noise = np.exp(rng.normal(0.0, 0.1, (3, per_group)))
        frames.append(pd.DataFrame({
            "recency_days": np.round(recency * noise[0]),
            "frequency": np.maximum(1, np.round(frequency * noise[1])) if frequency > 1 else np.ones(per_group),
            "monetary": monetary * noise[2],
            "group": number,
        }, index=np.arange(per_group) * 3 + number + 1))
    return pd.concat(frames).sort_index()


@tagged("post_install", "-at_install")
class TestSegments(BaseCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.data = three_groups()
        cls.features = cls.data.drop(columns="group")
        cls.result = segments.segment_customers(cls.features, 3)

    def test_segments_found_and_named_from_their_centres(self):
        table = self.result.segments
        self.assertEqual(table["name"].tolist(), ["Mid value, frequent, recent", "At risk big spenders, regular",
                                                  "Lost low value, occasional"])
        self.assertEqual(table["customers"].tolist(), [300, 300, 300])
        self.assertEqual(table["value_level"].tolist(), ["mid", "high", "low"])
        self.assertEqual(table["median_frequency"].tolist(), [30.0, 6.0, 1.0])
        np.testing.assert_array_equal(self.result.labels.to_numpy(), self.data["group"].to_numpy())
        self.assertAlmostEqual(table["weight"].sum(), 900.0, places=9)

    def test_memberships_are_soft_and_sum_to_one(self):
        memberships = self.result.memberships
        self.assertEqual(memberships.shape, (900, 3))
        np.testing.assert_allclose(memberships.sum(axis=1), 1.0, rtol=0, atol=1e-12)
        self.assertTrue(((memberships > 0) & (memberships < 1)).all().all(), "everyone belongs a little everywhere")
        np.testing.assert_array_equal(memberships.to_numpy().argmax(axis=1), self.result.labels.to_numpy())
        own = memberships.to_numpy()[np.arange(900), self.data["group"].to_numpy()]
        self.assertGreater(own.mean(), 0.9)
        # halfway between two centres: shared membership
        between = self.features.iloc[[0, 1]].mean().to_frame().T
        shares = segments.memberships_from_model(between, self.result.model).iloc[0]
        self.assertGreater(shares.iloc[:2].min(), 0.25)
        crisp = segments.segment_customers(self.features, 3, fuzzifier=1.2)
        self.assertGreater(crisp.memberships.max(axis=1).mean(), memberships.max(axis=1).mean())

    def test_memberships_saved_as_json(self):
        memberships = self.result.memberships.reindex([0, 1, 2])  # customer 0 bought nothing
        texts = segments.memberships_as_json(memberships, [41, 42, 43])
        self.assertIsNone(texts.loc[0])
        for partner in (1, 2):
            self.assertEqual(json.loads(texts.loc[partner]),
                             {str(key): round(degree, 4) for key, degree in zip((41, 42, 43), memberships.loc[partner])})
        with self.assertRaises(ValueError):
            segments.memberships_as_json(memberships, [41, 42])

    def test_membership_formula_by_hand(self):
        model = {"numeric": [{"column": "v", "log": False, "fill": 0.0, "mean": 0.0, "scale": 1.0}],
                 "categorical": [], "centres": [[0.0], [3.0]], "fuzzifier": 2.0}
        customers = pd.DataFrame({"v": [1.0, 0.0, 1.5]})
        # squared distances 1 and 4: memberships in proportion to 1/1 and 1/4
        np.testing.assert_allclose(segments.memberships_from_model(customers, model).to_numpy(),
                                   [[0.8, 0.2], [1.0, 0.0], [0.5, 0.5]], atol=1e-11)
        # fuzzier: d ** (-2 / (m - 1)) with m = 3 gives 1/1 and 1/2
        np.testing.assert_allclose(segments.memberships_from_model(customers.iloc[:1], dict(model, fuzzifier=3.0)),
                                   [[2 / 3, 1 / 3]], atol=1e-12)

    def test_same_input_same_segments(self):
        shuffled = self.features.sample(frac=1.0, random_state=3)
        again = segments.segment_customers(shuffled, 3)
        assert_frame_equal(again.segments, self.result.segments)
        assert_frame_equal(again.memberships, self.result.memberships)
        assert_series_equal(again.labels, self.result.labels)
        self.assertEqual(again.model, self.result.model)
        saved = json.loads(json.dumps(self.result.model))
        assert_frame_equal(segments.memberships_from_model(self.features, saved), self.result.memberships)

    def test_without_keeping_the_memberships(self):
        """A chunk of customers at a time, keeping only their segment: the same segments."""
        with patch.object(segments, "MEMBERSHIP_CHUNK", 128):
            lean = segments.segment_customers(self.features, 3, keep_memberships=False)
        self.assertIsNone(lean.memberships)
        assert_series_equal(lean.labels, self.result.labels)
        assert_frame_equal(lean.segments, self.result.segments)
        self.assertEqual(lean.model, self.result.model)

    def test_sample_fixes_centres_for_everyone(self):
        sampled = segments.segment_customers(self.features, 3, sample_size=90)
        self.assertEqual(len(sampled.memberships), 900)
        np.testing.assert_array_equal(sampled.labels.to_numpy(), self.data["group"].to_numpy())
        assert_frame_equal(segments.segment_customers(self.features, 3, sample_size=90).memberships,
                           sampled.memberships)

    def test_other_indicators_and_customers_without_purchases(self):
        features = self.features.copy()
        features["payment_delay"] = np.where(np.arange(900) % 10 == 0, np.nan, np.arange(900) % 30)
        features["country"] = np.where(self.data["group"] == 2, None, np.where(np.arange(900) % 2, "CN", "TW"))
        features.loc[1000] = [np.nan, 0, 0.0, np.nan, "CN"]  # no purchase yet
        result = segments.segment_customers(features, 4, random_state=5)
        self.assertNotIn(1000, result.memberships.index)
        self.assertEqual(len(result.memberships), 900)
        self.assertEqual(len(set(result.segments["name"])), 4, "names are unique")
        model = json.loads(json.dumps(result.model))
        self.assertEqual(model["categorical"], [{"column": "country", "levels": ["CN", "TW"]}])
        newcomer = features.iloc[[0]].assign(country="JP")  # unseen level: "other"
        np.testing.assert_allclose(segments.memberships_from_model(newcomer, model).sum(axis=1), 1.0)

    def test_duplicate_names_get_a_variant(self):
        result = segments.segment_customers(self.features, 6)
        table = result.segments
        self.assertEqual(len(set(table["name"])), 6)
        for _index, row in table.iterrows():
            expected = row["base_name"] if row["variant"] == 1 else "%s (%d)" % (row["base_name"], row["variant"])
            self.assertEqual(row["name"], expected)
            self.assertIn(row["base_name"], segments.SEGMENT_NAMES.values())

    def test_guards(self):
        for count in (1, 21, 1000, 2.5, "5", True, None):
            with self.assertRaisesRegex(ValueError, "between 2 and 20"):
                segments.segment_customers(self.features, count)
        twins = pd.DataFrame({"recency_days": [5.0] * 10, "frequency": [2] * 10, "monetary": [100.0] * 10})
        with self.assertRaisesRegex(ValueError, "3 segments were requested but only 1 customers"):
            segments.segment_customers(twins, 3)
        with self.assertRaisesRegex(ValueError, "only 0 customers"):
            segments.segment_customers(twins.assign(frequency=0), 2)
        with self.assertRaisesRegex(ValueError, "monetary"):
            segments.segment_customers(self.features.drop(columns="monetary"), 3)
        for fuzzifier in (1.0, 6.0):
            with self.assertRaisesRegex(ValueError, "fuzzifier"):
                segments.segment_customers(self.features, 3, fuzzifier=fuzzifier)
        with self.assertRaisesRegex(ValueError, "country"):
            segments.memberships_from_model(self.features, dict(self.result.model, categorical=[
                {"column": "country", "levels": ["CN"]}]))

    def test_names_cover_every_level(self):
        self.assertEqual(len(segments.SEGMENT_NAMES), 27)
        self.assertEqual(len(set(segments.SEGMENT_NAMES.values())), 27)

    def test_value_tier(self):
        values = pd.Series([1000.0, 500.0, 499.99, 50.0, 49.0, -10.0, np.nan], index=range(7))
        tiers = segments.value_tier(values, high_threshold=500, low_threshold=50)
        self.assertEqual(tiers.tolist(), ["high", "high", "medium", "medium", "low", "low", None])
        self.assertEqual(segments.value_tier(values, 100, 100).tolist()[:3], ["high", "high", "high"])
        for high, low in ((10, 20), (np.nan, 0), (10, -np.inf)):
            with self.assertRaisesRegex(ValueError, "thresholds"):
                segments.value_tier(values, high, low)

    def test_new_or_old(self):
        first = pd.Series(pd.to_datetime(["2024-03-31", "2023-04-02", "2023-04-01", None]), index=[1, 2, 3, 4])
        self.assertEqual(segments.new_or_old(first, "2024-03-31", 365).tolist(), ["new", "new", "old", None])
        self.assertEqual(segments.new_or_old(first, "2024-03-31", 1).tolist(), ["new", "old", "old", None])
        for days in (0, -5, 1.5, True):
            with self.assertRaisesRegex(ValueError, "positive whole number"):
                segments.new_or_old(first, "2024-03-31", days)
