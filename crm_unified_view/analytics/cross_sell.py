"""Cross-selling inside segments: what similar customers buy and this customer has not.

Popularity of a product in a segment = share of the segment's customers who bought it. Each
customer is offered the most popular products of their (primary) segment that they never
bought. Vectorised: only chunks of 200,000 customers and the rare widening rounds loop.
"""
from typing import NamedTuple

import numpy as np
import pandas as pd

MAX_SUGGESTIONS = 100
# First window of ranked products looked at per customer, beyond top_n; widened only for
# customers who already bought most of it.
SPARE = 8
CHUNK = 200_000
# Up to this many (segment, product) cells, ranks are looked up in a dense table.
DENSE_CELLS = 2 ** 24


class _Catalogue(NamedTuple):
    """Each segment's products ranked by popularity, counted over every partition of customers."""
    customers: pd.Index        # partner ids, sorted
    segments: np.ndarray       # distinct segment labels, sorted
    segment_of: np.ndarray     # per customer: index into segments
    products: np.ndarray       # product ids bought, sorted
    ranked: pd.DataFrame       # per segment, popular products best first (segment, product: indexes)
    starts: np.ndarray         # per segment: first row in ranked
    lengths: np.ndarray        # per segment: number of rows in ranked


def _check_count(value, name, low, high):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not low <= value <= high:
        raise ValueError("%s must be a whole number between %d and %d, not %r." % (name, low, high, value))


def _check_purchases(purchases):
    missing = [name for name in ("partner_id", "product_id") if name not in purchases]
    if missing:
        raise ValueError("Purchases lack the column(s): %s." % ", ".join(missing))
    if purchases["partner_id"].isna().any() or purchases["product_id"].isna().any():
        raise ValueError("Every purchase needs a customer and a product.")


def _check_labels(labels):
    if labels.isna().any():
        raise ValueError("Every customer needs a segment.")
    if labels.index.has_duplicates:
        raise ValueError("A customer appears twice in the segment labels.")


def _pairs(purchases, customers, products, low, high):
    """Distinct bought (customer, product) pairs of ``purchases``, the purchases of the customers
    of ids from ``low`` (included) to ``high`` (excluded), as rows of ``customers`` (an Index of
    sorted ids) and of ``products`` (sorted ids holding every product bought), sorted by customer."""
    # Hash lookups and one in-place sort: searching 10M ids in 1M would thrash the cache. The
    # hash table is of the partition's customers only: one of every customer would stay in memory.
    first, end = np.searchsorted(customers.to_numpy(), [low, high])
    rows = pd.Index(customers.to_numpy()[first:end]).get_indexer(purchases["partner_id"].to_numpy(dtype=np.int64))
    rows[rows >= 0] += first
    product_codes = np.searchsorted(products, purchases["product_id"].to_numpy(dtype=np.int64))
    width = np.int64(max(len(products), 1))
    known = rows >= 0
    if not known.all():
        rows, product_codes = rows[known], product_codes[known]
    pairs = rows.astype(np.int64, copy=False)
    pairs *= width
    pairs += product_codes
    del rows, product_codes, known
    pairs.sort()
    pairs = pairs[np.r_[True, pairs[1:] != pairs[:-1]]] if len(pairs) else pairs
    return np.divmod(pairs, width)


def _whole(purchases):
    """One partition holding every customer (see :func:`suggestions_by_partition`)."""
    return lambda: iter([(np.iinfo(np.int64).min, np.iinfo(np.int64).max, purchases)])


def _catalogue(partitions, labels, min_customers):
    """Rank the products of each segment over every partition of ``partitions``: the number of a
    segment's customers who bought a product adds up over partitions of distinct customers."""
    _check_count(min_customers, "The minimum number of buyers in a segment", 1, 2 ** 31)
    _check_labels(labels)
    labels = labels.sort_index()
    customers = pd.Index(labels.index.to_numpy(dtype=np.int64))
    segments, segment_of = np.unique(labels.to_numpy(), return_inverse=True)
    segment_of = segment_of.astype(np.int64, copy=False)
    cells, bought = [], []
    for low, high, purchases in partitions():
        _check_purchases(purchases)
        products = np.unique(purchases["product_id"].to_numpy(dtype=np.int64))
        pair_customer, pair_product = _pairs(purchases, customers, products, low, high)
        # Cells (segment, product): count distinct buyers by sorting the cell keys.
        keys = segment_of[pair_customer]
        keys *= np.int64(max(len(products), 1))
        keys += pair_product
        del pair_customer, pair_product
        keys.sort()
        firsts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]]) if len(keys) else np.zeros(0, np.int64)
        segment_rows, product_rows = np.divmod(keys[firsts], np.int64(max(len(products), 1)))
        cells.append(pd.DataFrame({"segment": segment_rows, "product_id": products[product_rows],
                                   "customers": np.diff(np.r_[firsts, len(keys)])}))
        bought.append(products)
        del keys
    products = np.unique(np.concatenate(bought)) if bought else np.zeros(0, np.int64)
    if cells:
        counted = pd.concat(cells).groupby(["segment", "product_id"], sort=True)["customers"].sum()
        segment_rows = counted.index.get_level_values(0).to_numpy(dtype=np.int64)
        product_rows = np.searchsorted(products, counted.index.get_level_values(1).to_numpy(dtype=np.int64))
        counts = counted.to_numpy(dtype=np.int64)
    else:
        segment_rows = product_rows = counts = np.zeros(0, np.int64)
    keep = counts >= min_customers
    segment_rows, product_rows, counts = segment_rows[keep], product_rows[keep], counts[keep]
    # Most bought first; the product id breaks ties so equal products always rank alike.
    order = np.lexsort((product_rows, -counts, segment_rows))
    ranked = pd.DataFrame({"segment": segment_rows[order], "product": product_rows[order], "customers": counts[order]})
    sizes = np.bincount(segment_of, minlength=len(segments))
    ranked["share"] = ranked["customers"] / sizes[ranked["segment"].to_numpy()]
    lengths = np.bincount(ranked["segment"].to_numpy(), minlength=len(segments))
    starts = np.r_[0, np.cumsum(lengths)[:-1]]
    ranked["rank"] = np.arange(len(ranked)) - starts[ranked["segment"].to_numpy()] + 1
    return _Catalogue(customers, segments, segment_of, products, ranked, starts, lengths)


def segment_popularity(purchases, labels, min_customers=2):
    """Products of each segment ranked by the share of its customers who bought them.

    :param purchases: DataFrame partner_id, product_id: one row per line bought (duplicates
        are fine; leave refunded products out).
    :param labels: Series partner_id -> segment (e.g. Segmentation.labels).
    :param min_customers: a product bought by fewer customers of the segment is not listed.
    :return: DataFrame segment, rank (1 = most popular), product_id, customers, share.
    """
    basket = _catalogue(_whole(purchases), labels, min_customers)
    ranked = basket.ranked
    return pd.DataFrame({
        "segment": basket.segments[ranked["segment"].to_numpy()],
        "rank": ranked["rank"].to_numpy(),
        "product_id": basket.products[ranked["product"].to_numpy()],
        "customers": ranked["customers"].to_numpy(),
        "share": ranked["share"].to_numpy(),
    })


def _first_free(pair_customer, pair_rank, available, top_n):
    """Per customer, the first ``top_n`` list positions (< available) not bought.

    :return: (customer, position) arrays sorted by customer then position.
    """
    picked_customers, picked_ranks = [], []
    pending = np.flatnonzero(available > 0)
    position = np.full(len(available), -1)
    window = top_n + SPARE
    while len(pending):
        length = available[pending]
        columns = int(min(window, length.max()))
        position[pending] = np.arange(len(pending))
        local = position[pair_customer]
        inside = (local >= 0) & (pair_rank < columns)
        bought = np.zeros((len(pending), columns), dtype=bool)
        bought[local[inside], pair_rank[inside]] = True
        free = ~bought & (np.arange(columns)[None, :] < length[:, None])
        count = np.cumsum(free, axis=1, dtype=np.int32)
        done = (count[:, -1] >= top_n) | (length <= columns)
        rows, rank = np.nonzero((free & (count <= top_n))[done])
        picked_customers.append(pending[done][rows])
        picked_ranks.append(rank)
        position[pending] = -1
        pending = pending[~done]
        window *= 4
    customer = np.concatenate(picked_customers) if picked_customers else np.zeros(0, np.int64)
    rank = np.concatenate(picked_ranks) if picked_ranks else np.zeros(0, np.int64)
    order = np.lexsort((rank, customer))
    return customer[order], rank[order]


def suggestions(purchases, labels, top_n=5, min_customers=2):
    """The ``top_n`` most popular products of each customer's segment that the customer never bought.

    :param purchases: as for :func:`segment_popularity`.
    :param labels: Series partner_id -> segment; customers without purchases get the
        segment's best sellers, customers missing from labels get nothing.
    :return: DataFrame partner_id, rank (1..top_n), product_id, segment, share (popularity of
        the product in the segment), sorted by partner_id then rank; fewer than top_n rows
        for a customer when the segment has no more popular products they lack.
    :raise ValueError: top_n outside 1..100, min_customers < 1, a customer or product missing.
    """
    return pd.concat(list(suggestions_by_partition(_whole(purchases), labels, top_n, min_customers)()),
                     ignore_index=True)


def suggestions_by_partition(partitions, labels, top_n=5, min_customers=2):
    """:func:`suggestions`, a partition of customers at a time: the popularity is counted over
    every partition first, then each partition's suggestions are made from it.

    :param partitions: function returning an iterator of ``(low, high, purchases)``: the
        purchases of the customers of ids from ``low`` (included) to ``high`` (excluded), every
        purchase of those customers; the ranges follow each other and cover every customer.
        It is called twice.
    :return: function returning an iterator of the suggestions of each partition (DataFrames
        as :func:`suggestions` returns, in the order of the partitions).
    """
    _check_count(top_n, "The number of suggestions per customer", 1, MAX_SUGGESTIONS)
    catalogue = _catalogue(partitions, labels, min_customers)

    def suggested():
        if not len(catalogue.ranked):
            yield _empty(catalogue.segments)
            return
        for low, high, purchases in partitions():
            yield _suggest(purchases, catalogue, low, high, top_n)
    return suggested


def _empty(segments):
    return pd.DataFrame({"partner_id": np.zeros(0, np.int64), "rank": np.zeros(0, np.int64),
                         "product_id": np.zeros(0, np.int64), "segment": segments[:0], "share": np.zeros(0)})


def _suggest(purchases, catalogue, low, high, top_n):
    """The suggestions of the customers of ids in [low, high) (see :func:`suggestions_by_partition`)."""
    ranked, width = catalogue.ranked, np.int64(max(len(catalogue.products), 1))
    first_row, end_row = np.searchsorted(catalogue.customers.to_numpy(), [low, high])
    if first_row == end_row:
        return _empty(catalogue.segments)
    pair_customer, pair_product = _pairs(purchases, catalogue.customers, catalogue.products, low, high)

    # Rank (0-based) of each bought product in its buyer's segment list, -1 when not listed.
    cell_keys = ranked["segment"].to_numpy() * width + ranked["product"].to_numpy()
    cell_ranks = ranked["rank"].to_numpy(dtype=np.int32) - 1
    keys = catalogue.segment_of[pair_customer]
    keys *= width
    keys += pair_product
    del pair_product
    if len(catalogue.segments) * width <= DENSE_CELLS:
        table = np.full(len(catalogue.segments) * width, -1, dtype=np.int32)
        table[cell_keys] = cell_ranks
        ranks = table[keys]
    else:
        by_key = np.argsort(cell_keys)
        found = np.minimum(np.searchsorted(cell_keys[by_key], keys), len(cell_keys) - 1)
        ranks = np.where(cell_keys[by_key][found] == keys, cell_ranks[by_key][found], -1).astype(np.int32)
        del found
    del keys
    listed = ranks >= 0
    # the partition's customers only: rows from first_row on
    pair_customer, pair_rank = pair_customer[listed] - first_row, ranks[listed]
    del ranks, listed

    # Customers in chunks bound the memory; their pairs are contiguous (sorted by customer).
    segment_of = catalogue.segment_of[first_row:end_row]
    available = catalogue.lengths[segment_of]
    picked = []
    for start in range(0, len(available), CHUNK):
        stop = min(start + CHUNK, len(available))
        first, last = np.searchsorted(pair_customer, [start, stop])
        chunk_customer, chunk_rank = _first_free(pair_customer[first:last] - start, pair_rank[first:last],
                                                 available[start:stop], top_n)
        picked.append((chunk_customer + start, chunk_rank))
    customer = np.concatenate([chunk[0] for chunk in picked])
    rank = np.concatenate([chunk[1] for chunk in picked])
    entries = catalogue.starts[segment_of[customer]] + rank
    first_of_customer = np.flatnonzero(np.r_[True, customer[1:] != customer[:-1]])
    counts = np.diff(np.r_[first_of_customer, len(customer)])
    # Column by column: a dict of columns would be consolidated into one block, a full copy.
    result = pd.DataFrame({"partner_id": catalogue.customers.to_numpy()[first_row + customer]})
    result["rank"] = np.arange(len(customer)) - np.repeat(first_of_customer, counts) + 1
    result["product_id"] = catalogue.products[ranked["product"].to_numpy()[entries]]
    result["segment"] = catalogue.segments[segment_of[customer]]
    result["share"] = ranked["share"].to_numpy()[entries]
    return result
