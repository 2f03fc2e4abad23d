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


class _Basket(NamedTuple):
    customers: np.ndarray      # partner ids, sorted
    segments: np.ndarray       # distinct segment labels, sorted
    segment_of: np.ndarray     # per customer: index into segments
    pair_customer: np.ndarray  # distinct bought (customer index, product index) pairs
    pair_product: np.ndarray
    products: np.ndarray       # product ids, sorted
    ranked: pd.DataFrame       # per segment, popular products best first
    starts: np.ndarray         # per segment: first row in ranked
    lengths: np.ndarray        # per segment: number of rows in ranked


def _check_count(value, name, low, high):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not low <= value <= high:
        raise ValueError("%s must be a whole number between %d and %d, not %r." % (name, low, high, value))


def _basket(purchases, labels, min_customers):
    _check_count(min_customers, "The minimum number of buyers in a segment", 1, 2 ** 31)
    missing = [name for name in ("partner_id", "product_id") if name not in purchases]
    if missing:
        raise ValueError("Purchases lack the column(s): %s." % ", ".join(missing))
    if purchases["partner_id"].isna().any() or purchases["product_id"].isna().any():
        raise ValueError("Every purchase needs a customer and a product.")
    if labels.isna().any():
        raise ValueError("Every customer needs a segment.")
    if labels.index.has_duplicates:
        raise ValueError("A customer appears twice in the segment labels.")
    labels = labels.sort_index()
    customers = labels.index.to_numpy(dtype=np.int64)
    segments, segment_of = np.unique(labels.to_numpy(), return_inverse=True)

    # Hash lookups and one in-place sort: searching 10M ids in 1M would thrash the cache.
    rows = pd.Index(customers).get_indexer(purchases["partner_id"].to_numpy(dtype=np.int64))
    product_codes, products = pd.factorize(purchases["product_id"].to_numpy(dtype=np.int64), sort=True)
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
    pair_customer, pair_product = np.divmod(pairs, width)
    del pairs

    # Cells (segment, product): count distinct buyers by sorting a copy of the cell keys.
    cells = segment_of[pair_customer]
    cells *= width
    cells += pair_product
    cells.sort()
    firsts = np.flatnonzero(np.r_[True, cells[1:] != cells[:-1]]) if len(cells) else np.zeros(0, np.int64)
    keys, counts = cells[firsts], np.diff(np.r_[firsts, len(cells)])
    del cells
    keep = counts >= min_customers
    keys, counts = keys[keep], counts[keep]
    segment_rows, product_rows = np.divmod(keys, width)
    # Most bought first; the product id breaks ties so equal products always rank alike.
    order = np.lexsort((product_rows, -counts, segment_rows))
    ranked = pd.DataFrame({"segment": segment_rows[order], "product": product_rows[order], "customers": counts[order]})
    sizes = np.bincount(segment_of, minlength=len(segments))
    ranked["share"] = ranked["customers"] / sizes[ranked["segment"].to_numpy()]
    lengths = np.bincount(ranked["segment"].to_numpy(), minlength=len(segments))
    starts = np.r_[0, np.cumsum(lengths)[:-1]]
    ranked["rank"] = np.arange(len(ranked)) - starts[ranked["segment"].to_numpy()] + 1
    return _Basket(customers, segments, segment_of, pair_customer, pair_product, products, ranked, starts, lengths)


def segment_popularity(purchases, labels, min_customers=2):
    """Products of each segment ranked by the share of its customers who bought them.

    :param purchases: DataFrame partner_id, product_id: one row per line bought (duplicates
        are fine; leave refunded products out).
    :param labels: Series partner_id -> segment (e.g. Segmentation.labels).
    :param min_customers: a product bought by fewer customers of the segment is not listed.
    :return: DataFrame segment, rank (1 = most popular), product_id, customers, share.
    """
    basket = _basket(purchases, labels, min_customers)
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
    _check_count(top_n, "The number of suggestions per customer", 1, MAX_SUGGESTIONS)
    basket = _basket(purchases, labels, min_customers)
    ranked, width = basket.ranked, np.int64(max(len(basket.products), 1))
    if not len(ranked):
        return pd.DataFrame({"partner_id": np.zeros(0, np.int64), "rank": np.zeros(0, np.int64),
                             "product_id": np.zeros(0, np.int64), "segment": basket.segments[:0],
                             "share": np.zeros(0)})

    # Rank (0-based) of each bought product in its buyer's segment list, -1 when not listed.
    cell_keys = ranked["segment"].to_numpy() * width + ranked["product"].to_numpy()
    cell_ranks = ranked["rank"].to_numpy(dtype=np.int32) - 1
    keys = basket.segment_of[basket.pair_customer]
    keys *= width
    keys += basket.pair_product
    basket = basket._replace(pair_product=None)
    if len(basket.segments) * width <= DENSE_CELLS:
        table = np.full(len(basket.segments) * width, -1, dtype=np.int32)
        table[cell_keys] = cell_ranks
        ranks = table[keys]
    else:
        by_key = np.argsort(cell_keys)
        found = np.minimum(np.searchsorted(cell_keys[by_key], keys), len(cell_keys) - 1)
        ranks = np.where(cell_keys[by_key][found] == keys, cell_ranks[by_key][found], -1).astype(np.int32)
        del found
    del keys
    listed = ranks >= 0
    pair_customer, pair_rank = basket.pair_customer[listed], ranks[listed]
    del ranks, listed
    basket = basket._replace(pair_customer=None)

    # Customers in chunks bound the memory; their pairs are contiguous (sorted by customer).
    available = basket.lengths[basket.segment_of]
    picked = []
    for low in range(0, len(available), CHUNK):
        high = min(low + CHUNK, len(available))
        first, last = np.searchsorted(pair_customer, [low, high])
        chunk_customer, chunk_rank = _first_free(pair_customer[first:last] - low, pair_rank[first:last],
                                                 available[low:high], top_n)
        picked.append((chunk_customer + low, chunk_rank))
    customer = np.concatenate([chunk[0] for chunk in picked])
    rank = np.concatenate([chunk[1] for chunk in picked])
    entries = basket.starts[basket.segment_of[customer]] + rank
    first_of_customer = np.flatnonzero(np.r_[True, customer[1:] != customer[:-1]])
    counts = np.diff(np.r_[first_of_customer, len(customer)])
    # Column by column: a dict of columns would be consolidated into one block, a full copy.
    result = pd.DataFrame({"partner_id": basket.customers[customer]})
    result["rank"] = np.arange(len(customer)) - np.repeat(first_of_customer, counts) + 1
    result["product_id"] = basket.products[ranked["product"].to_numpy()[entries]]
    result["segment"] = basket.segments[basket.segment_of[customer]]
    result["share"] = ranked["share"].to_numpy()[entries]
    return result
