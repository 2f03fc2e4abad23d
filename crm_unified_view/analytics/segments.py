"""Customer segments: soft clustering on RFM and other indicators, readable names, value tiers.

Centres come from k-means (scikit-learn) on a fixed-size deterministic sample; every customer
then gets a fuzzy c-means membership in every segment (fuzzifier 2: inversely proportional to
the squared distance to each centre), so the largest membership is the nearest centre.
"""
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from sklearn.cluster import KMeans

RFM_FEATURES = ("recency_days", "frequency", "monetary")
MIN_SEGMENTS = 2
MAX_SEGMENTS = 20
SAMPLE_SIZE = 50_000
FUZZIFIER = 2.0
KMEANS_RUNS = 4
# A categorical indicator (e.g. country) keeps its most common levels; the rest share one.
MAX_LEVELS = 10
# Customers whose memberships are made at once: the distance matrix stays small.
MEMBERSHIP_CHUNK = 100_000
# Squared distances below this count as "on the centre".
TINY = 1e-12

# The vocabulary of segments and customer types, (code, English label): the models' choices too.
LEVELS = [("low", "Low"), ("mid", "Medium"), ("high", "High")]
LEVEL_LOW, LEVEL_MID, LEVEL_HIGH = (code for code, _label in LEVELS)
VALUE_TIERS = [("high", "High Value"), ("medium", "Medium Value"), ("low", "Low Value")]
TIER_HIGH, TIER_MEDIUM, TIER_LOW = (code for code, _label in VALUE_TIERS)
AGE_TYPES = [("new", "New"), ("old", "Old")]
AGE_NEW, AGE_OLD = (code for code, _label in AGE_TYPES)

def _lt(text):
    """Marks a segment name for the translation template (its extractor looks for ``_lt``);
    the text stays English here and the ORM saves its translations with each run."""
    return text


# (value, frequency, recency) level of a centre -> English source name; the ORM translates.
SEGMENT_NAMES = {
    ("high", "high", "high"): _lt("High value, frequent, recent"),
    ("high", "mid", "high"): _lt("High value, regular, recent"),
    ("high", "low", "high"): _lt("High value, occasional, recent"),
    ("mid", "high", "high"): _lt("Mid value, frequent, recent"),
    ("mid", "mid", "high"): _lt("Mid value, regular, recent"),
    ("mid", "low", "high"): _lt("Mid value, occasional, recent"),
    ("low", "high", "high"): _lt("Low value, frequent, recent"),
    ("low", "mid", "high"): _lt("Low value, regular, recent"),
    ("low", "low", "high"): _lt("Low value, occasional, recent"),
    ("high", "high", "mid"): _lt("At risk big spenders, frequent"),
    ("high", "mid", "mid"): _lt("At risk big spenders, regular"),
    ("high", "low", "mid"): _lt("At risk big spenders, occasional"),
    ("mid", "high", "mid"): _lt("At risk mid value, frequent"),
    ("mid", "mid", "mid"): _lt("At risk mid value, regular"),
    ("mid", "low", "mid"): _lt("At risk mid value, occasional"),
    ("low", "high", "mid"): _lt("At risk low value, frequent"),
    ("low", "mid", "mid"): _lt("At risk low value, regular"),
    ("low", "low", "mid"): _lt("At risk low value, occasional"),
    ("high", "high", "low"): _lt("Lost big spenders, frequent"),
    ("high", "mid", "low"): _lt("Lost big spenders, regular"),
    ("high", "low", "low"): _lt("Lost big spenders, occasional"),
    ("mid", "high", "low"): _lt("Lost mid value, frequent"),
    ("mid", "mid", "low"): _lt("Lost mid value, regular"),
    ("mid", "low", "low"): _lt("Lost mid value, occasional"),
    ("low", "high", "low"): _lt("Lost low value, frequent"),
    ("low", "mid", "low"): _lt("Lost low value, regular"),
    ("low", "low", "low"): _lt("Lost low value, occasional"),
}


@dataclass
class Segmentation:
    """Result of :func:`segment_customers`.

    segments: DataFrame indexed 0..k-1 (most valuable first) with name (unique), base_name
        (a SEGMENT_NAMES value), variant (1, or 2, 3... when centres share a base name),
        value_level, frequency_level, recency_level, customers (primary members),
        weight (sum of memberships) and the median of each numeric feature over its
        primary members.
    memberships: DataFrame (customers x segments), rows sum to 1.
    labels: Series, the segment of largest membership of each customer.
    model: JSON-ready dict to recompute memberships (:func:`memberships_from_model`).
    """
    segments: pd.DataFrame
    memberships: pd.DataFrame
    labels: pd.Series
    model: dict


def _level(share):
    return LEVEL_HIGH if share >= 2 / 3 else LEVEL_LOW if share < 1 / 3 else LEVEL_MID


def _check_n_segments(n_segments):
    if isinstance(n_segments, bool) or not isinstance(n_segments, (int, np.integer)) \
            or not MIN_SEGMENTS <= n_segments <= MAX_SEGMENTS:
        raise ValueError("The number of segments must be a whole number between %d and %d, not %r."
                         % (MIN_SEGMENTS, MAX_SEGMENTS, n_segments))


def _numeric_columns(features):
    # Booleans count as numbers (0/1).
    return [column for column in features.columns if pd.api.types.is_numeric_dtype(features[column])]


def _transform(features, spec):
    """Apply log scaling, median filling and standardisation recorded in ``spec``."""
    blocks = []
    for item in spec["numeric"]:
        values = features[item["column"]].to_numpy(dtype=np.float64, na_value=np.nan)
        if item["log"]:
            values = np.sign(values) * np.log1p(np.abs(values))
        values = np.where(np.isfinite(values), values, item["fill"])
        blocks.append((values - item["mean"]) / item["scale"])
    for item in spec["categorical"]:
        values = features[item["column"]]
        known = pd.Index(item["levels"])
        # Levels are kept as text so that they survive JSON whatever their type.
        codes = known.get_indexer(values.astype(str))
        codes = np.where(values.isna().to_numpy(), -1, np.where(codes < 0, len(known), codes))  # unlisted: "other"
        # One-hot scaled so that two customers of different levels are at distance 1.
        one_hot = np.zeros((len(values), len(known) + 1))
        rows = np.flatnonzero(codes >= 0)
        one_hot[rows, codes[rows]] = np.sqrt(0.5)
        blocks.extend(one_hot.T)
    return np.column_stack(blocks) if blocks else np.zeros((len(features), 0))


def _fit_spec(sample, log_scale):
    spec = {"numeric": [], "categorical": []}
    numeric = _numeric_columns(sample)
    for column in sample.columns:
        if column in numeric:
            values = sample[column].to_numpy(dtype=np.float64, na_value=np.nan)
            log = column in log_scale
            if log:
                values = np.sign(values) * np.log1p(np.abs(values))
            finite = values[np.isfinite(values)]
            fill = float(np.median(finite)) if len(finite) else 0.0
            values = np.where(np.isfinite(values), values, fill)
            scale = float(values.std())
            spec["numeric"].append({"column": column, "log": log, "fill": fill, "mean": float(values.mean()),
                                    "scale": scale if scale > 0 else 1.0})
        else:
            counts = sample[column].dropna().astype(str).value_counts()
            # Most common first, ties by level so the choice does not depend on row order.
            levels = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:MAX_LEVELS]
            spec["categorical"].append({"column": column, "levels": [level for level, _count in levels]})
    return spec


def memberships_from_model(features, model):
    """Fuzzy memberships (rows sum to 1) of ``features`` in the segments of a saved ``model``."""
    missing = [item["column"] for item in model["numeric"] + model["categorical"] if item["column"] not in features]
    if missing:
        raise ValueError("Features lack the column(s) the segments were built on: %s." % ", ".join(missing))
    centres = np.asarray(model["centres"], dtype=np.float64)
    result = np.empty((len(features), len(centres)))
    # Chunks keep the distance matrix small whatever the number of customers.
    chunk = MEMBERSHIP_CHUNK
    for start in range(0, len(features), chunk):
        matrix = _transform(features.iloc[start:start + chunk], model)
        squared = ((matrix ** 2).sum(axis=1)[:, None] - 2 * matrix @ centres.T + (centres ** 2).sum(axis=1)[None, :])
        weights = np.maximum(squared, TINY) ** (-1.0 / (model["fuzzifier"] - 1.0))
        result[start:start + chunk] = weights / weights.sum(axis=1, keepdims=True)
    return pd.DataFrame(result, index=features.index, columns=pd.RangeIndex(len(centres), name="segment"))


def memberships_as_json(memberships, keys, digits=4):
    """Each row of a customers x segments frame as a JSON object ``{key: degree}``.

    :param keys: one JSON key per column (the saved segments' ids).
    :return: Series of str, None where the row has no degrees (customers without purchases).
    Degrees are written as integers with an exponent (``1234e-4``, valid JSON for 0.1234), the
    text joined column by column by Arrow's compute functions in C: ``json.dumps`` per row takes
    ten seconds for a million rows.
    """
    if len(keys) != len(memberships.columns):
        raise ValueError("One key per segment is needed.")
    result = pd.Series([None] * len(memberships), index=memberships.index, dtype=object)
    complete = memberships.notna().all(axis=1).to_numpy() & bool(len(keys))
    if not complete.any():
        return result
    scaled = np.rint(memberships.to_numpy()[complete] * 10 ** digits).astype(np.int64)
    pieces = []
    for position, key in enumerate(keys):
        pieces += ['%s"%s": ' % (", " if position else "{", key), pc.cast(pa.array(scaled[:, position]), pa.string()),
                   "e-%d" % digits]
    # the last argument is the separator
    result[complete] = pc.binary_join_element_wise(*pieces, "}", "").to_numpy(zero_copy_only=False)
    return result


def _centre_levels(sample_matrix, centres, spec):
    """Share of sampled customers below each centre (ties count half), per RFM feature."""
    position = {item["column"]: i for i, item in enumerate(spec["numeric"])}
    levels = []
    for centre in centres:
        shares = {}
        for column in RFM_FEATURES:
            values = sample_matrix[:, position[column]]
            target = centre[position[column]]
            shares[column] = (np.mean(values < target) + 0.5 * np.mean(values == target))
        levels.append({"value": shares["monetary"], "frequency": shares["frequency"],
                       "recency": 1.0 - shares["recency_days"]})  # recent = high
    return levels


def segment_customers(features, n_segments=5, random_state=0, sample_size=SAMPLE_SIZE,
                      log_scale=RFM_FEATURES, fuzzifier=FUZZIFIER, keep_memberships=True):
    """Discover ``n_segments`` segments and every customer's membership in each.

    :param features: DataFrame indexed by partner_id with recency_days, frequency, monetary
        (from rfm.rfm_table) and any other indicators: numeric columns (payment delay, product
        count...; NaN filled with the median) or categorical ones (country...). Customers
        without a purchase (frequency < 1) are left out of the result.
    :param n_segments: 2..20.
    :param random_state: seed of the sample and of k-means; same data and settings, same result.
    :param sample_size: at most this many customers (a deterministic sample) fix the centres.
    :param log_scale: numeric columns compressed by sign(x)*log(1+|x|) before standardising.
    :param fuzzifier: m of fuzzy c-means, 1 < m <= 5: memberships go as distance ** (-2 / (m - 1)),
        so a small m gives crisp segments and a large one blurs them.
    :param keep_memberships: False to leave the memberships out of the result (None): they are
        made a chunk of customers at a time and only each one's segment is kept, so that millions of
        customers never hold a row of degrees each (:func:`memberships_from_model` makes them again).
    :return: :class:`Segmentation`.
    :raise ValueError: n_segments or fuzzifier out of range, RFM columns missing, or fewer
        distinct customers than segments.
    """
    _check_n_segments(n_segments)
    if not 1 < fuzzifier <= 5:
        raise ValueError("The fuzzifier must be above 1 and at most 5, not %r." % fuzzifier)
    missing = [column for column in RFM_FEATURES if column not in features]
    if missing:
        raise ValueError("Segmentation needs the column(s): %s." % ", ".join(missing))
    if not isinstance(sample_size, (int, np.integer)) or sample_size < n_segments:
        raise ValueError("The sample size must be a whole number of at least the number of segments.")
    bought = features["frequency"].to_numpy() >= 1
    buyers = features if bought.all() else features[bought]  # no copy of every customer's features
    if not buyers.index.is_monotonic_increasing:
        buyers = buyers.sort_index(kind="stable")
    if len(buyers) < n_segments:
        raise ValueError("%d segments were requested but only %d customers with purchases differ "
                         "from each other." % (n_segments, len(buyers)))
    rng = np.random.default_rng(random_state)
    if len(buyers) > sample_size:
        sample = buyers.iloc[np.sort(rng.choice(len(buyers), sample_size, replace=False))]
    else:
        sample = buyers
    spec = _fit_spec(sample, set(log_scale))
    matrix = _transform(sample, spec)
    distinct = len(np.unique(matrix, axis=0)) if len(matrix) else 0
    if distinct < n_segments:
        raise ValueError("%d segments were requested but only %d customers with purchases differ "
                         "from each other." % (n_segments, distinct))
    kmeans = KMeans(n_clusters=n_segments, n_init=KMEANS_RUNS, random_state=random_state).fit(matrix)
    centres = kmeans.cluster_centers_
    levels = _centre_levels(matrix, centres, spec)
    # Most valuable first; centre coordinates break ties so the order never depends on k-means labels.
    order = sorted(range(n_segments), key=lambda i: (-(levels[i]["value"] + levels[i]["frequency"]
                                                        + levels[i]["recency"]), tuple(centres[i])))
    model = dict(spec, n_segments=int(n_segments), random_state=int(random_state), sample_size=int(sample_size),
                 fuzzifier=float(fuzzifier), centres=centres[order].tolist())

    if keep_memberships:
        memberships = memberships_from_model(buyers, model)
        labels, weight = memberships.to_numpy().argmax(axis=1), memberships.sum(axis=0).to_numpy()
    else:
        memberships, labels, weight = None, np.empty(len(buyers), dtype=np.int64), np.zeros(n_segments)
        for start in range(0, len(buyers), MEMBERSHIP_CHUNK):
            degrees = memberships_from_model(buyers.iloc[start:start + MEMBERSHIP_CHUNK], model).to_numpy()
            labels[start:start + len(degrees)] = degrees.argmax(axis=1)
            weight += degrees.sum(axis=0)
    labels = pd.Series(labels, index=buyers.index, name="segment")
    rows, seen = [], {}
    for segment, i in enumerate(order):
        key = tuple(_level(levels[i][dimension]) for dimension in ("value", "frequency", "recency"))
        base = SEGMENT_NAMES[key]
        seen[base] = seen.get(base, 0) + 1
        rows.append({"segment": segment, "base_name": base, "variant": seen[base],
                     "name": base if seen[base] == 1 else "%s (%d)" % (base, seen[base]),
                     "value_level": key[0], "frequency_level": key[1], "recency_level": key[2]})
    segments = pd.DataFrame(rows).set_index("segment")
    segments["customers"] = np.bincount(labels.to_numpy(), minlength=n_segments)
    segments["weight"] = weight
    # a column at a time: a copy of every buyer's features would add to the peak
    medians = pd.DataFrame({column: buyers[column].groupby(labels.to_numpy()).median()
                            for column in _numeric_columns(buyers)})
    segments = segments.join(medians.add_prefix("median_"))
    return Segmentation(segments=segments, memberships=memberships, labels=labels, model=model)


# ---------------------------------------------------------------------------
# Customer types
# ---------------------------------------------------------------------------
def value_tier(values, high_threshold, low_threshold):
    """'high' from high_threshold up, 'low' below low_threshold, else 'medium'; None for NaN.

    :param values: Series of a customer value (customer NPV, or margin/revenue when the
        company prefers), in the company currency.
    :raise ValueError: thresholds not finite or low_threshold above high_threshold.
    """
    if not (np.isfinite(high_threshold) and np.isfinite(low_threshold)) or low_threshold > high_threshold:
        raise ValueError("Value tiers need finite thresholds with low (%r) <= high (%r)."
                         % (low_threshold, high_threshold))
    numbers = values.to_numpy(dtype=np.float64)
    tiers = np.where(numbers >= high_threshold, TIER_HIGH, np.where(numbers < low_threshold, TIER_LOW, TIER_MEDIUM))
    return pd.Series(np.where(np.isnan(numbers), None, tiers), index=values.index, name="value_tier")


def new_or_old(first_dates, as_of, new_days=365):
    """'new' when the first purchase is less than ``new_days`` before as_of, else 'old'; None without purchases.

    :raise ValueError: new_days not a positive whole number.
    """
    if isinstance(new_days, bool) or not isinstance(new_days, (int, np.integer)) or new_days < 1:
        raise ValueError("A customer stays new for a positive whole number of days, not %r." % new_days)
    dates = pd.to_datetime(first_dates)
    age = (pd.Timestamp(as_of).normalize() - dates).dt.days.to_numpy(dtype=np.float64)
    types = np.where(age < new_days, AGE_NEW, AGE_OLD)
    return pd.Series(np.where(np.isnan(age), None, types), index=first_dates.index, name="customer_age")
