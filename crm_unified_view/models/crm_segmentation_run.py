"""A saved segmentation run: one SQL extract, the pure analytics, one bulk write-back."""
import contextlib
import datetime
import logging
import queue
import tempfile
import threading
import time
import zlib

import numpy as np
import pandas as pd
import psycopg2
import pyarrow
from pyarrow import csv as arrow_csv

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL, create_index
from odoo.tools.translate import code_translations

from ..analytics import pipeline, profit, retention, rfm
from ..analytics import segments as segments_analytics
from .res_company import COMPLAINT_COST_FIELDS
from .res_partner import FIRST_CONTACT_CHANGED, FIRST_CONTACT_FIELDS
from .sql_expressions import (
    company_amount, counted_invoice, counted_order, execute, id_array, known_cost, latest_run,
)

_logger = logging.getLogger(__name__)

# Partner fields a run writes (company-dependent jsonb), from the results it saved (r) and the
# partner (p): only figures that stay true from one night to the next, so that a run rewrites
# only the customers whose figures changed. Money is rounded to the cent for the comparison.
PARTNER_COLUMNS = {
    "last_purchase_date": SQL("r.date_as_of - r.recency_days"), "first_purchase_date": SQL("r.first_purchase_date"),
    "rfm_frequency": SQL("r.frequency"), "rfm_monetary": SQL("round(r.monetary::numeric, 2)"),
    "rfm_r_score": SQL("r.r_score"), "rfm_f_score": SQL("r.f_score"), "rfm_m_score": SQL("r.m_score"),
    "rfm_score": SQL("r.rfm_score"), "value_tier": SQL("r.value_tier"), "customer_age_type": SQL("r.age_type"),
    "needs_account_manager": SQL("r.value_tier = %s AND p.user_id IS NULL", segments_analytics.TIER_HIGH),
    "automated_service": SQL("r.value_tier = %s", segments_analytics.TIER_LOW),
    "lifecycle_stage": SQL("r.lifecycle_stage"),
}
# The columns of a result line that PARTNER_COLUMNS make the figures of, with its date_as_of less
# its recency_days (the day of the last purchase); of the partner, they read only the salesperson,
# whose change writes the partner.
RESULT_FIGURES = ("first_purchase_date", "frequency", "monetary", "r_score", "f_score", "m_score", "rfm_score",
                  "value_tier", "age_type", "lifecycle_stage")
# Figures of each customer a run saves beyond RFM and segments: profit, its parts, forecasts.
PROFIT_COLUMNS = ("net_revenue", "margin", *profit.COST_PARTS, "cost_to_serve", "profit", "probability_alive",
                  *pipeline.forecast_columns(pipeline.Settings.forecast_days))
# The columns of a customer's line of a run, in the order of its COPY.
RESULT_COLUMNS = ["run_id", "date_as_of", "partner_id", "segment_id", "first_purchase_date", "memberships",
                  "recency_days", "frequency", "monetary", "repeat_total", "transaction_count", "r_score", "f_score",
                  "m_score", "rfm_score", "membership", "value_tier", "age_type", "customer_npv", "lifecycle_stage",
                  "value_decile", "at_risk", *PROFIT_COLUMNS]
# The figures of the profit mixin: totals on a run, sums on a segment.
PROFIT_TOTALS = ("net_revenue", "margin", *profit.COST_PARTS, "cost_to_serve", "profit",
                 *pipeline.forecast_columns(pipeline.Settings.forecast_days))
# The first half of the advisory lock of a company's run: the same number in every process
# (``hash()`` of a string is not: Python seeds it per process).
LOCK_NAMESPACE = zlib.crc32(b"crm_unified_view.segmentation_run") & 0x7FFFFFFF
# Sold lines, or sums of them (partner_id, product_id, amount, known_amount, known_margin: the
# revenue, and the part of it of known cost with its margin, empty for a line of unknown cost),
# summed per customer and product. As float8, as the purchases kept for the next run hold them:
# sums read back the very same numbers.
LINES_BY_CUSTOMER_AND_PRODUCT = """
    SELECT partner_id, product_id, COALESCE(SUM(amount), 0)::float8 AS amount,
           COALESCE(SUM(known_amount), 0)::float8 AS known_amount,
           COALESCE(SUM(known_margin), 0)::float8 AS known_margin
      FROM (%s) lines
  GROUP BY partner_id, product_id
"""
# Each customer's sums of the transactions (partner_id, date as a day number, amount) that RFM
# needs (:func:`rfm.purchase_totals`): a day with an order of amount >= 0 is one purchase
# occasion; orders counts every transaction (the orders handled, for the cost to serve). Amounts
# as float8, as a run saves them: sums taken over from a run read back the very same numbers.
TOTALS_OF_TRANSACTIONS = """
    SELECT partner_id, COUNT(*) FILTER (WHERE is_purchase) AS frequency,
           MIN(date) FILTER (WHERE is_purchase) AS first_day, MAX(date) FILTER (WHERE is_purchase) AS last_day,
           SUM(amount)::float8 AS monetary,
           (COALESCE(SUM(amount) FILTER (WHERE is_purchase), 0)
               - COALESCE((ARRAY_AGG(amount ORDER BY date) FILTER (WHERE is_purchase))[1], 0))::float8 AS repeat_total,
           SUM(orders) AS orders
      FROM (SELECT partner_id, date, SUM(amount) AS amount, BOOL_OR(amount >= 0) AS is_purchase, COUNT(*) AS orders
              FROM (%s) transactions
          GROUP BY partner_id, date) days
  GROUP BY partner_id
"""
# A customer's RFM scored with the quantile edges of the run %(run)s (an id or a subquery), as
# :func:`rfm.scores_from_edges` scores it: 1 plus the number of edges the figure reaches
# (recency: at most the edge; frequency and monetary: at least), 0 without a purchase. The rows
# :meth:`_update_partners` writes RFM_COLUMNS from, for those of %(customers)s meeting
# %(scored)s, from %(totals)s (TOTALS_OF_TRANSACTIONS); none when the run does not count
# %(source)s or has no edges. OFFSET 0 keeps the scores from being inlined into every place the
# UPDATE reads them: the statement, run with every order confirmed, plans in half the time.
RESCORED = """
    SELECT c.id AS partner_id, figures.recency_days, DATE '1970-01-01' + t.first_day AS first_purchase_date,
           COALESCE(t.frequency, 0) AS frequency, COALESCE(t.monetary, 0)::float8 AS monetary,
           scores.r_score, scores.f_score, scores.m_score,
           CASE WHEN t.frequency > 0 THEN (scores.r_score * 100 + scores.f_score * 10 + scores.m_score)::varchar
                ELSE '' END AS rfm_score, %(as_of)s::date AS date_as_of
      FROM crm_segmentation_run run
     CROSS JOIN %(customers)s c(id)
      LEFT JOIN (%(totals)s) t ON t.partner_id = c.id
     CROSS JOIN LATERAL (SELECT (%(as_of)s::date - DATE '1970-01-01') - t.last_day AS recency_days) figures
     CROSS JOIN LATERAL (
            SELECT CASE WHEN t.frequency > 0 THEN 1 + (
                        SELECT COUNT(*) FROM jsonb_array_elements_text(run.rfm_edges -> 'recency') e
                         WHERE figures.recency_days <= e::float8) ELSE 0 END::int AS r_score,
                   CASE WHEN t.frequency > 0 THEN 1 + (
                        SELECT COUNT(*) FROM jsonb_array_elements_text(run.rfm_edges -> 'frequency') e
                         WHERE t.frequency >= e::float8) ELSE 0 END::int AS f_score,
                   CASE WHEN t.frequency > 0 THEN 1 + (
                        SELECT COUNT(*) FROM jsonb_array_elements_text(run.rfm_edges -> 'monetary') e
                         WHERE t.monetary::float8 >= e::float8) ELSE 0 END::int AS m_score
             OFFSET 0) scores
     WHERE run.id = %(run)s AND run.transaction_source = %(source)s AND run.rfm_edges IS NOT NULL AND %(scored)s
    OFFSET 0
"""
# The sums of TOTALS_OF_TRANSACTIONS that a run saved on its results (run %(run)s, day number
# %(as_of_day)s of its date), of the customers not in the array %(changed)s: a later run takes
# them over (see ``CrmSegmentationRun._changed_customers``); summed tells them from those summed
# again. Ids in an array, not a subquery: PostgreSQL plans with their number (and hashes them).
SAVED_TOTALS = """
    SELECT r.partner_id, r.frequency, r.first_purchase_date - DATE '1970-01-01' AS first_day,
           %(as_of_day)s - r.recency_days AS last_day, r.monetary::float8 AS monetary, r.repeat_total,
           r.transaction_count AS orders, 0 AS summed
      FROM crm_segmentation_result r
     WHERE r.run_id = %(run)s AND r.transaction_count > 0
       AND r.partner_id <> ALL(%(changed)s::int[])
"""
# How long before a run's start a transaction may have been written and committed only after the
# run read the data (a long transaction, a clock off): the next run sums its customer again.
CHANGES_MARGIN = datetime.timedelta(days=1)
# A night sums again the orders and order lines of the customers changed since. Up to this share
# of the customers of the run before, PostgreSQL is told that a page read out of order costs little
# more than one read in order (as from memory or an SSD) and not to compile the query (JIT): it
# would otherwise read every order (line) of the company rather than look theirs up by customer,
# and compile for seconds (at a million customers, 22,381 changed: the lines 8.2-9.2 s against
# 2.4-3.4 s, the orders 3.2-3.4 s against 1.6-1.9 s).
FEW_CHANGED_SHARE = 0.1
FEW_CHANGED_PLAN = {"random_page_cost": "1.1", "jit": "off"}
TOTALS_TYPES = {"partner_id": np.int64, "frequency": np.int64, "first_day": np.float64, "last_day": np.float64,
                "monetary": np.float64, "repeat_total": np.float64, "orders": np.float64}
# The lines summed per customer and product are read back this many rows at a time (every line of
# a customer in the same partition): about 200,000 customers of five products each.
PARTITION_ROWS = 1_000_000
LINE_TYPES = {"partner_id": np.int64, "product_id": np.int64, "amount": np.float64, "known_amount": np.float64,
              "known_margin": np.float64}
# The PostgreSQL type of a column of a numpy type, and numpy's big-endian type of its values in
# COPY's binary format: ids are integers.
WIRE_TYPES = {np.dtype(np.int64): ("integer", ">i4"), np.dtype(np.float64): ("double precision", ">f8")}
# The columns of the purchases kept for the next run (crm.segmentation.purchase), as the file of
# their lines holds them.
PURCHASE_TYPES = {"company_id": np.int64, **LINE_TYPES}
# Binary rows with a value missing (an internal invariant: the queries and frames give every value).
_MISSING = "A value is missing from the binary rows of %s."
# Rows gathered into a frame and its CSV text at a time, for a COPY.
WRITE_ROWS = 50_000
# The CSV text of rows for COPY (see CopyStream).
CSV_OPTIONS = arrow_csv.WriteOptions(include_header=False)
# COPY's binary format: its header (signature, flags, extension length) and its trailer.
BINARY_HEADER = b"PGCOPY\n\xff\r\n\x00" + bytes(8)
BINARY_TRAILER = b"\xff\xff"
# The columns of the suggestions, as COPY's binary format holds them (numpy's big-endian types).
SUGGESTION_TYPES = {"run_id": ">i4", "partner_id": ">i4", "product_id": ">i4", "rank": ">i4", "share": ">f8"}
# Bytes COPY reads from its file at a time.
COPY_READ_SIZE = 1 << 20
# Memory for the sorts and hashes of the extract: a company's lines, summed per customer and
# product, spill to disk many times over with PostgreSQL's default of 4 MB.
EXTRACT_WORK_MEM = "256MB"
# What a column of rows can be, for a bulk insert (anything else is one value for every row).
COLUMN_TYPES = (pd.Series, pd.Index, np.ndarray, pd.api.extensions.ExtensionArray)
# The customer figures the rescoring after a sale writes (:data:`RESCORED`).
RFM_COLUMNS = ("last_purchase_date", "first_purchase_date", "rfm_frequency", "rfm_monetary", "rfm_r_score",
               "rfm_f_score", "rfm_m_score", "rfm_score")


def _number(value):
    """A figure for the ORM: None for a missing one (NaN)."""
    return None if value is None or pd.isna(value) else float(value)


def _rows(values, start, count):
    """Rows ``start`` to ``start + count`` of a column (array, Series or Index, or a function of
    ``(start, count)`` that makes them), without its index; a single value stands for every row."""
    if callable(values):
        values, start = values(start, count), 0  # made for these rows only
    if isinstance(values, (pd.Series, pd.Index)):
        # numpy columns as numpy (the CSV writer's fast path), nullable ones as they are
        values = values.array if isinstance(values.dtype, pd.api.extensions.ExtensionDtype) else values.to_numpy()
    return values[start:start + count] if isinstance(values, COLUMN_TYPES) else values


def _products_bought(lines):
    """How many products each customer of ``lines`` bought: the lines are summed per customer and
    product, so it is the customer's number of rows (counted without pandas' slow ``nunique``)."""
    partners, counts = np.unique(lines["partner_id"].to_numpy(), return_counts=True)
    return pd.Series(counts, index=partners)


@contextlib.contextmanager
def planner_settings(cr, **settings):
    """PostgreSQL's planner ``settings`` (name: value) for the statements run inside, set back
    after them (an error rolls the transaction back, and them with it)."""
    previous = {}
    for name, value in settings.items():
        cr.execute(SQL("SELECT current_setting(%s), set_config(%s, %s, true)", name, name, value))
        previous[name] = cr.fetchone()[0]
    yield
    for name, value in previous.items():
        cr.execute(SQL("SELECT set_config(%s, %s, true)", name, value))


def _active(alias, column):
    """Leave out archived (or merged away) customers: a small anti-join on the few archived
    partners is far cheaper than joining every transaction to its commercial partner again. As
    NOT EXISTS, not NOT IN: PostgreSQL runs a query with such a join in parallel workers, not one
    with a subplan."""
    return SQL("NOT EXISTS (SELECT 1 FROM res_partner archived WHERE archived.id = %s AND NOT archived.active)",
               SQL.identifier(alias, column))


class LinePartitions:
    """A query's rows, ordered by partner_id, kept in a temporary file (``file``, in COPY's binary
    format) and read back in partitions of customers: called, an iterator of ``(low, high,
    frame)``, the rows of the customers of ids from low (included) to high (excluded); the ranges
    follow each other and cover every id. The frames hold the columns of ``dtypes``, the file
    those of ``file_dtypes`` (``dtypes`` by default, first any others), each a numpy type of
    :data:`WIRE_TYPES` and every value there.

    A run reads its lines three times: fixed-width binary rows are read back without parsing any
    text (4,787,039 rows: 0.5-0.7 s against 2.3-2.4 s for their CSV text), and PostgreSQL stores
    them faster too, where they are kept for the next run."""

    def __init__(self, cr, query, dtypes, rows=None, file_dtypes=None):
        self.dtypes, self.rows = dtypes, rows or PARTITION_ROWS
        file_dtypes = file_dtypes or dtypes
        self.layout = _binary_layout({name: WIRE_TYPES[np.dtype(dtype)][1] for name, dtype in file_dtypes.items()})
        columns = SQL(", ").join(SQL("%s::%s", SQL.identifier(name), SQL(WIRE_TYPES[np.dtype(dtype)][0]))
                                 for name, dtype in file_dtypes.items())
        # closed by close(), once the run has written the suggestions
        self.file = tempfile.TemporaryFile()  # pylint: disable=consider-using-with
        cr.copy_expert(cr.mogrify(SQL("COPY (SELECT %s FROM (%s) summed ORDER BY partner_id) TO STDOUT WITH BINARY",
                                      columns, query)).decode(), self.file)

    def __call__(self):
        low, held = np.iinfo(np.int64).min, None
        self.file.seek(len(BINARY_HEADER))
        while (chunk := self._read()) is not None:
            chunk = chunk if held is None else pd.concat([held, chunk], ignore_index=True)
            # the last customer's rows may go on in the next chunk: hold them back
            partners = chunk["partner_id"].to_numpy()
            last = partners[-1]
            cut = int(np.searchsorted(partners, last))
            held = chunk.iloc[cut:].reset_index(drop=True)
            if cut:
                yield low, int(last), chunk.iloc[:cut].reset_index(drop=True)
                low = int(last)
            del chunk
        if held is None:
            held = pd.DataFrame({name: pd.Series(dtype=dtype) for name, dtype in self.dtypes.items()})
        yield low, np.iinfo(np.int64).max, held

    def _read(self):
        """The next rows of the file as a frame, None at its end."""
        size = self.layout.itemsize
        data = self.file.read(self.rows * size)
        count = len(data) // size
        # whole rows, the last reading ending with the trailer (shorter than a row)
        if data[count * size:] not in (b"", BINARY_TRAILER):
            raise ValueError(_MISSING % ", ".join(_binary_columns(self.layout)))
        if not count:
            return None
        rows = np.frombuffer(data, self.layout, count)
        _check_widths(rows)
        return pd.DataFrame({name: rows[name].astype(dtype) for name, dtype in self.dtypes.items()})

    def close(self):
        self.file.close()


def _binary_layout(types):
    """The numpy type of a row in COPY's binary format of columns of the fixed-width ``types``
    (name: numpy's big-endian type): the number of fields, then each field's width and value."""
    layout = [("fields", ">i2")]
    for name, wire in types.items():
        layout += [(name + ":length", ">i4"), (name, wire)]
    return np.dtype(layout)


def _binary_columns(layout):
    """The columns of a row type of :func:`_binary_layout`, in order."""
    return layout.names[2::2]


def _check_widths(rows):
    """Binary ``rows`` read from PostgreSQL have every value: a missing one has no width, and
    shifts the rest."""
    names = _binary_columns(rows.dtype)
    if (rows["fields"] != len(names)).any() or any(
            (rows[name + ":length"] != rows.dtype[name].itemsize).any() for name in names):
        raise ValueError(_MISSING % ", ".join(names))


def _binary_rows(frame, types):
    """The rows of ``frame`` in COPY's binary format, each column of the fixed-width type
    ``types[name]`` (numpy's big-endian type of PostgreSQL's: ``>i4`` integer, ``>f8`` double
    precision). Every value must be there: the format gives a missing one no width."""
    rows = np.empty(len(frame), dtype=_binary_layout({name: types[name] for name in frame.columns}))
    rows["fields"] = len(frame.columns)
    for name in frame.columns:
        values = frame[name].to_numpy()
        if pd.isna(values).any():
            raise ValueError(_MISSING % name)
        rows[name + ":length"] = np.dtype(types[name]).itemsize
        rows[name] = values
    return rows.tobytes()


class CopyStream:
    """The rows of ``frames`` (an iterator of DataFrames) as a file for COPY FROM. As CSV text: a
    missing value as an empty field, strings always quoted (an empty string as ``""``), as COPY's
    CSV format reads them; or, given ``binary_types`` (see :func:`_binary_rows`), in COPY's binary
    format, which PostgreSQL reads without parsing numbers from text (5,000,000 suggestion rows
    into a table without indexes: 1.5 s against 2.6 s). A thread makes the rows of the next
    frames while COPY sends the current ones and PostgreSQL stores them: the two work side by
    side, not in turn. Close it to stop the thread (COPY may fail midway).

    Arrow's CSV writer makes the text: five times as fast as pandas' (a million customers' results
    take seconds, not half a minute of the process's CPU, which PostgreSQL needs at the same time)."""

    def __init__(self, frames, binary_types=None, ahead=2):
        self.text, self.position, self.stopped, self.error = b"", 0, threading.Event(), None
        self.binary_types = binary_types
        self.queue = queue.Queue(maxsize=ahead)
        self.thread = threading.Thread(target=self._produce, args=(frames,), daemon=True,
                                       name="crm_unified_view.copy")
        self.thread.start()

    def _produce(self, frames):
        try:
            if self.binary_types:
                self.queue.put(BINARY_HEADER)
            for frame in frames:
                if self.stopped.is_set():
                    return
                self.queue.put(self._encode(frame))
            if self.binary_types:
                self.queue.put(BINARY_TRAILER)
            self.queue.put(None)
        except Exception as error:  # pylint: disable=broad-exception-caught
            self.queue.put(error)  # raised again by read(), in the thread of COPY

    def _encode(self, frame):
        if self.binary_types:
            return _binary_rows(frame, self.binary_types)
        text = pyarrow.BufferOutputStream()
        arrow_csv.write_csv(pyarrow.Table.from_pandas(frame, preserve_index=False), text, CSV_OPTIONS)
        return text.getvalue().to_pybytes()

    def read(self, size=-1):  # pylint: disable=method-required-super
        while self.position >= len(self.text):
            text = self.queue.get()
            if text is None:
                self.queue.put(None)  # read() may be called again at the end
                return b""
            if isinstance(text, Exception):
                self.error = text
                raise text
            self.text, self.position = text, 0
        size = len(self.text) - self.position if size is None or size < 0 else size
        data = self.text[self.position:self.position + size]
        self.position += len(data)
        return data

    def close(self):
        self.stopped.set()
        while self.thread.is_alive():  # free a thread waiting to put a frame
            try:
                self.queue.get(timeout=0.1)
            except queue.Empty:
                pass


class CrmSegmentationRun(models.Model):
    _name = "crm.segmentation.run"
    _description = "Customer Segmentation Run"
    _inherit = ["mail.thread", "crm.profit.figures.mixin"]
    _order = "date_as_of desc, id desc"

    name = fields.Char(compute="_compute_name", store=True)
    date_as_of = fields.Date("As Of", required=True, default=fields.Date.context_today, tracking=True,
                             help="Orders after this day are ignored: run it on a past day to back-test.")
    state = fields.Selection([("draft", "Draft"), ("done", "Done")],
                             default="draft", required=True, readonly=True, tracking=True, copy=False)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    currency_id = fields.Many2one(related="company_id.currency_id")
    # settings used
    transaction_source = fields.Selection(
        [("orders", "Confirmed sales orders"), ("invoices", "Posted invoices minus credit notes")],
        "Transactions", default="orders", required=True)
    n_segments = fields.Integer("Segments", default=5, required=True)
    horizon_months = fields.Integer("NPV Horizon (months)", default=36, required=True)
    discount_rate = fields.Float("Annual Discount Rate (%)", default=10.0, required=True)
    margin_rate = fields.Float("Default Margin (%)", default=30.0, required=True,
                               help="Share of revenue that is margin on lines whose product has no cost.")
    at_risk_probability = fields.Float(
        "At Risk Below (%)", default=50.0, required=True,
        help="A customer of high past profit (the high-value top) is at risk when the probability that "
             "they are still active falls below this.")
    high_value_percent = fields.Float("High Value: Top (%)", default=20.0, required=True)
    low_value_percent = fields.Float("Low Value: Bottom (%)", default=50.0, required=True)
    new_customer_days = fields.Integer("New Customer For (days)", default=365, required=True)
    # results
    duration = fields.Float("Duration (s)", readonly=True)
    customer_count = fields.Integer("Customers", readonly=True, copy=False)
    buyer_count = fields.Integer("Buyers", readonly=True, copy=False)
    customers_updated = fields.Integer(
        readonly=True, copy=False,
        help="Customers whose stored figures this run changed (a back-test changes none).")
    revenue = fields.Monetary(readonly=True, copy=False)
    npv_total = fields.Monetary("Total Customer NPV", readonly=True, copy=False)
    cost_basis = fields.Selection(
        [("order_line", "Cost frozen on each order line"),
         ("valuation", "Product cost at the invoice date (stock valuation; cost now without valuation)"),
         ("current", "Product cost now (no stock valuation history)")],
        readonly=True, copy=False, help="Where the cost of the goods sold came from.")
    cost_coverage = fields.Float(
        "Revenue of Known Cost (%)", readonly=True, copy=False,
        help="Share of the net revenue sold with a known cost; the rest counts at the default margin.")
    top20_share = fields.Float("Top 20% Share (%)", readonly=True,
                               help="Share of the profit made by the 20% most profitable customers.")
    whale_peak_share = fields.Float(
        "Whale Curve Peak (%)", readonly=True, copy=False,
        help="The most profit, as a share of the total, that the most profitable customers make before the "
             "unprofitable ones consume part of it.")
    whale_peak_customer_share = fields.Float(
        "Customers at the Peak (%)", readonly=True, copy=False,
        help="Share of the customers, the most profitable first, who make the peak of the whale curve.")
    unprofitable_count = fields.Integer("Unprofitable Customers", readonly=True, copy=False)
    consumed_share = fields.Float("Profit Consumed (%)", readonly=True,
                                  help="Part of the profit of profitable customers consumed by unprofitable ones.")
    profit_consumed = fields.Monetary(readonly=True, copy=False, help="Losses of the unprofitable customers.")
    unprofitable_product_count = fields.Integer("Unprofitable Products", readonly=True, copy=False)
    product_losses = fields.Monetary("Losses on Products", readonly=True, copy=False,
                                     help="Negative margin of the unprofitable products, after credit notes.")
    at_risk_count = fields.Integer("Customers at Risk", readonly=True, copy=False)
    sums_run_id = fields.Many2one(
        "crm.segmentation.run", "Sums Taken Over From", readonly=True, copy=False, ondelete="set null",
        help="The earlier run whose sums of each customer's transactions this run took over for the customers "
             "whose transactions had not changed since; empty when it summed every customer's transactions.")
    sums_reused_count = fields.Integer(
        "Customers of Sums Taken Over", readonly=True, copy=False,
        help="Customers whose sums of transactions this run took over from the earlier run instead of summing "
             "their transactions again.")
    purchases_kept = fields.Boolean(
        "Purchases Kept for the Next Run", readonly=True, copy=False,
        help="The company's purchases per customer and product kept for the next run are as of this run.")
    rfm_edges = fields.Json("RFM Quantile Edges", readonly=True, copy=False)
    clv_params = fields.Json("Fitted Model Parameters", readonly=True, copy=False)
    error = fields.Text(readonly=True, copy=False)
    segment_ids = fields.One2many("crm.segment", "run_id", "Segments Found")
    result_ids = fields.One2many("crm.segmentation.result", "run_id", "Results")
    product_ids = fields.One2many("crm.segmentation.product", "run_id", "Products")
    whale_point_ids = fields.One2many("crm.segmentation.whale.point", "run_id", "Whale Curve")

    _sql_constraints = [
        ("n_segments_range", "CHECK(n_segments BETWEEN 2 AND 20)", "Ask for between 2 and 20 segments."),
    ]

    def init(self):
        # What a run reads to find the customers whose transactions changed since the run before.
        for table, columns in (("sale_order", ["write_date"]), ("account_move", ["write_date"]),
                               ("mail_tracking_value", ["field_id", "create_date"])):
            create_index(self.env.cr, "%s_crm_segmentation_changes_idx" % table, table, columns)

    @api.depends("date_as_of", "company_id")
    def _compute_name(self):
        for run in self:
            run.name = self.env._("Segmentation of %(date)s", date=run.date_as_of)

    @api.constrains("horizon_months", "discount_rate", "margin_rate", "high_value_percent", "low_value_percent",
                    "new_customer_days", "at_risk_probability")
    def _check_settings(self):
        for run in self:
            if not 1 <= run.horizon_months <= 600:
                raise ValidationError(self.env._("The NPV horizon must be between 1 and 600 months."))
            if not 0 <= run.discount_rate < 1000 or not -100 <= run.margin_rate <= 100:
                raise ValidationError(self.env._("The discount rate must be 0-1000% and the margin -100% to 100%."))
            high, low = run.high_value_percent, run.low_value_percent
            if not (0 < high and 0 < low and high + low <= 100):
                raise ValidationError(self.env._(
                    "The high-value top and the low-value bottom are positive shares that add up to 100% at most."))
            if run.new_customer_days < 1:
                raise ValidationError(self.env._("A customer stays new for at least one day."))
            if not 0 <= run.at_risk_probability <= 100:
                raise ValidationError(self.env._("The at-risk probability is a percentage between 0 and 100."))

    # -------------------------------------------------------------------------
    # Actions
    # -------------------------------------------------------------------------
    def action_run(self):
        for run in self:
            run._run()
        return True

    def action_view_results(self):
        return {
            "type": "ir.actions.act_window", "name": self.name, "res_model": "crm.segmentation.result",
            "view_mode": "list,pivot,graph", "domain": [("run_id", "=", self.id)],
            "context": {"search_default_group_segment": 1},
        }

    def action_view_unprofitable_customers(self):
        return dict(self.action_view_results(), name=self.env._("Unprofitable Customers"),
                    domain=[("run_id", "=", self.id), ("profit", "<", 0)], context={})

    def action_view_at_risk(self):
        return dict(self.action_view_results(), name=self.env._("Customers at Risk"),
                    domain=[("run_id", "=", self.id), ("at_risk", "=", True)], context={})

    def action_view_unprofitable_products(self):
        return {
            "type": "ir.actions.act_window", "name": self.env._("Unprofitable Products"),
            "res_model": "crm.segmentation.product", "view_mode": "list",
            "domain": [("run_id", "=", self.id), ("margin", "<", 0)],
        }

    def action_view_whale_curve(self):
        return {
            "type": "ir.actions.act_window", "name": self.env._("Whale Curve"),
            "res_model": "crm.segmentation.whale.point", "view_mode": "graph,list",
            "domain": [("run_id", "=", self.id)],
        }

    # -------------------------------------------------------------------------
    # The run
    # -------------------------------------------------------------------------
    def _settings(self):
        company = self.company_id
        return pipeline.Settings(
            n_segments=self.n_segments, horizon_months=self.horizon_months,
            annual_discount_rate=self.discount_rate / 100.0, margin_rate=self.margin_rate / 100.0,
            high_value_quantile=1 - self.high_value_percent / 100.0, low_value_quantile=self.low_value_percent / 100.0,
            new_customer_days=self.new_customer_days,
            at_risk_probability=self.at_risk_probability / 100.0,
            unit_costs=profit.UnitCosts(
                order=company.cost_to_serve_order, credit_note=company.cost_to_serve_credit_note,
                complaint={priority: company[name] for priority, name in COMPLAINT_COST_FIELDS.items()},
                late_payment_rate=company.late_payment_rate / 100.0))

    def _lock_key(self):
        return LOCK_NAMESPACE, self.company_id.id

    def _lock(self):
        # One run per company at a time, across workers; released with the transaction.
        self.env.cr.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", list(self._lock_key()))
        if not self.env.cr.fetchone()[0]:
            raise UserError(self.env._("A segmentation of %s is already running: try again when it ends.",
                                       self.company_id.name))

    def _run(self):
        self.ensure_one()
        if self.state != "draft":
            raise UserError(self.env._("This run is finished: duplicate it to run it again."))
        self.check_access("write")
        self._lock()
        started = time.monotonic()
        frames = self._extract()
        extracted = time.monotonic()
        lines = frames["purchases"]  # on disk until the suggestions are written
        changed = frames.pop("changed")
        # the sums saved beyond RFM's, for the next run
        saved = frames["totals"][["repeat_total", "orders"]].sort_index()
        try:
            try:
                # Handed over, not kept: the analytics free each frame as soon as they have read it.
                result = pipeline.run_frames(frames, self.date_as_of, self._settings())
            except ValueError as error:
                raise UserError(self.env._("The segmentation could not run: %s", error)) from error
            computed = time.monotonic()
            compared = self._write_back(result, saved, changed)
        finally:
            lines.close()
        del result  # written: free the customers' frames before the rest
        if not self._is_backtest():
            self.env["crm.lifecycle.history"]._write_run(self, compared)
        self.duration = time.monotonic() - started
        _logger.info("Segmentation %s: %d customers in %.1f s (extract %.1f s, compute %.1f s, write %.1f s)",
                     self.id, self.customer_count, self.duration, extracted - started, computed - extracted,
                     started + self.duration - computed)
        self.env["crm.care.rule"]._apply_run(self)

    def _extract(self):
        """Every frame the analytics need (the arguments of :func:`pipeline.run` by name), each
        from one set-based query."""
        self.env.flush_all()
        self.env.cr.execute(SQL("SELECT set_config('work_mem', %s, true)", EXTRACT_WORK_MEM))
        params = {"company": self.company_id.id, "as_of": self.date_as_of}
        self.sums_run_id, changed = self._sums_run()
        totals = self._purchase_totals(previous=self.sums_run_id, changed=changed)
        if self.sums_run_id:
            self.sums_reused_count = int((~totals.pop("summed")).sum())
            _logger.info("Segmentation %s: sums of %d customers taken over from run %s, %d summed again", self.id,
                         self.sums_reused_count, self.sums_run_id.id, len(totals) - self.sums_reused_count)
        # Kept on disk and read a partition of customers at a time: never every customer's lines at once.
        purchases = self._purchases(changed)
        indicators = pd.concat([_products_bought(lines) for _low, _high, lines in purchases()]
                               ).rename("product_breadth").to_frame()
        self.env.cr.execute(SQL("""
            SELECT DISTINCT p.commercial_partner_id FROM mail_message m JOIN res_partner p ON p.id = m.author_id
             WHERE m.message_type = 'email' AND m.date::date <= %(as_of)s
        """, **params))
        contacted = {row[0] for row in self.env.cr.fetchall()}
        if "crm.lead" in self.env:
            self.env.cr.execute(SQL("""
                SELECT DISTINCT p.commercial_partner_id FROM crm_lead l JOIN res_partner p ON p.id = l.partner_id
                 WHERE (l.company_id IS NULL OR l.company_id = %(company)s) AND l.create_date::date <= %(as_of)s
            """, **params))
            contacted.update(row[0] for row in self.env.cr.fetchall())
        self.env["crm.complaint"].flush_model(["commercial_partner_id", "company_id", "date_received"])
        self.env.cr.execute(SQL("""
            SELECT DISTINCT commercial_partner_id FROM crm_complaint
             WHERE commercial_partner_id IS NOT NULL AND company_id = %(company)s AND date_received::date <= %(as_of)s
        """, **params))
        contacted.update(row[0] for row in self.env.cr.fetchall())
        redeveloping = self._redeveloping()
        customers = self._audience(contacted | redeveloping, totals.index.to_numpy())
        return {"redeveloping": redeveloping, "totals": totals, "purchases": purchases, "customers": customers,
                "indicators": indicators, "contacted": contacted, "counts": self._cost_counts(totals["orders"]),
                "changed": changed}

    def _audience(self, engaged, buyers):
        """Every commercial partner of the company that is or may become a customer (sorted ids):
        the active ones of the company or shared, less the companies' own partners and the
        partners of internal users; a vendor only when it bought, or was ``engaged`` (contacted,
        being sold to)."""
        self.env["res.partner"].flush_model(["active", "commercial_partner_id", "company_id", "customer_rank",
                                             "supplier_rank"])
        # streamed as numbers (COPY): a million rows fetched as Python tuples take seconds
        audience = self._frame(SQL("""
            SELECT p.id FROM res_partner p
             WHERE p.active AND p.id = p.commercial_partner_id
               AND (p.company_id IS NULL OR p.company_id = %s)
               AND p.id NOT IN (SELECT partner_id FROM res_company WHERE partner_id IS NOT NULL)
               AND p.id NOT IN (SELECT partner_id FROM res_users WHERE share IS NOT TRUE)
               AND (COALESCE(p.supplier_rank, 0) = 0 OR COALESCE(p.customer_rank, 0) > 0 OR p.id = ANY(%s))
        """, self.company_id.id, list(engaged)), {"id": np.int64})["id"].to_numpy()
        return np.union1d(audience, buyers)

    def _redeveloping(self):
        """Customers being sold to again by the run's day: an open quotation of the company, an
        open opportunity, or a campaign of the company (a mailing built for its customers) whose
        response window is still running."""
        params = {"company": self.company_id.id, "as_of": self.date_as_of}
        self.env["sale.order"].flush_model(["state", "company_id", "partner_id", "create_date"])
        queries = [SQL("""
            SELECT p.commercial_partner_id FROM sale_order so JOIN res_partner p ON p.id = so.partner_id
             WHERE so.state IN ('draft', 'sent') AND so.company_id = %(company)s AND so.create_date::date <= %(as_of)s
        """, **params)]
        self.env["crm.lead"].flush_model(["type", "active", "probability", "company_id", "partner_id"])
        queries.append(SQL("""
            SELECT p.commercial_partner_id FROM crm_lead l JOIN res_partner p ON p.id = l.partner_id
             WHERE l.type = 'opportunity' AND l.active AND COALESCE(l.probability, 0) < 100
               AND (l.company_id IS NULL OR l.company_id = %(company)s) AND l.create_date::date <= %(as_of)s
        """, **params))
        self.env["mailing.trace"].flush_model(["model", "res_id", "mass_mailing_id", "sent_datetime"])
        queries.append(SQL("""
            SELECT p.commercial_partner_id FROM mailing_trace t
              JOIN mailing_mailing m ON m.id = t.mass_mailing_id
              JOIN res_partner p ON p.id = t.res_id
             WHERE t.model = 'res.partner' AND m.crm_company_id = %(company)s AND t.sent_datetime::date <= %(as_of)s
               AND t.sent_datetime::date + COALESCE(m.response_window_days, 0) >= %(as_of)s
        """, **params))
        self.env.cr.execute(SQL(" UNION ").join(queries))
        return {row[0] for row in self.env.cr.fetchall()}

    def _purchases(self, changed):
        """The run's lines summed per customer and product (:class:`LinePartitions`).

        A run on orders, not a back-test, keeps them for the next run (``crm.segmentation.purchase``:
        a line's cost is frozen on it). When the run it takes sums over from (:meth:`_sums_run`)
        kept them, only the lines of the customers ``changed`` since are summed again. Runs on
        invoices sum every line: without stock valuation, a line's cost is the product's cost now."""
        cr = self.env.cr
        if self.transaction_source != "orders":
            return LinePartitions(cr, self._invoice_lines(), LINE_TYPES)
        # Summed by sorting, not hashing: the hash tables of a million customers' products outgrow
        # the run's memory and spill to disk batch after batch (measured 41.0 s against 34.2 s).
        with planner_settings(cr, enable_hashagg="off"):
            if self._is_backtest():
                return LinePartitions(cr, self._order_lines(), LINE_TYPES)
            Purchase = self.env["crm.segmentation.purchase"]
            taken_over = changed if self.sums_run_id.purchases_kept else None
            with planner_settings(cr, **self._changed_customers_plan(self.sums_run_id, taken_over)):
                summed = LinePartitions(cr, Purchase._of_company(self.company_id, self._order_lines(taken_over)),
                                        LINE_TYPES, file_dtypes=PURCHASE_TYPES)
        Purchase._keep_file(self.company_id, summed.file, taken_over)
        if taken_over is not None:
            summed.close()
            summed = LinePartitions(cr, Purchase._kept(self.company_id), LINE_TYPES)
        # the purchases kept are as of this run now, and of no other
        self.search([("company_id", "=", self.company_id.id), ("purchases_kept", "=", True)]).purchases_kept = False
        self.purchases_kept = True
        return summed

    def _order_lines(self, customer_ids=None):
        """Confirmed order lines at the cost ``sale_margin`` froze on them, minus the credit notes
        of those lines: a credit note line gives back its revenue and the cost of its quantity. Of
        the customers ``customer_ids`` only, when given."""
        company_id = self.company_id.id
        rate = company_amount(SQL("1"))
        self.env["sale.order"].flush_model(["date_order", "currency_rate"])
        self.env["sale.order.line"].flush_model()
        self.env["account.move.line"].flush_model()
        # The order's state, company, customer and currency are stored on its lines too: the lines
        # are summed per contact and product first, alone (in parallel workers), and only those sums
        # are joined to their customers. A line in another currency than the company's keeps its
        # order in the key, whose rate converts the sum: few orders are looked up.
        only_contacts = SQL("TRUE") if customer_ids is None else SQL(
            "sol.order_partner_id IN (SELECT id FROM res_partner WHERE commercial_partner_id = ANY(%s))",
            list(customer_ids))
        order_rate = SQL("CASE WHEN l.foreign_order_id IS NULL THEN 1 ELSE (SELECT %s FROM sale_order so "
                         "WHERE so.id = l.foreign_order_id) END", rate)
        return SQL(LINES_BY_CUSTOMER_AND_PRODUCT, SQL("""
            SELECT p.commercial_partner_id AS partner_id, l.product_id, l.amount * %(order_rate)s AS amount,
                   l.known_amount * %(order_rate)s AS known_amount, l.known_margin * %(order_rate)s AS known_margin
              FROM (SELECT sol.order_partner_id, sol.product_id,
                           CASE WHEN sol.currency_id = %(currency)s THEN NULL ELSE sol.order_id END AS foreign_order_id,
                           SUM(sol.price_subtotal::float8) AS amount,
                           SUM(sol.price_subtotal::float8) FILTER (WHERE %(known)s) AS known_amount,
                           SUM(sol.margin::float8) FILTER (WHERE %(known)s) AS known_margin
                      FROM sale_order_line sol
                     WHERE %(line_counted)s
                       AND NOT EXISTS (SELECT 1 FROM sale_order later
                                        WHERE later.id = sol.order_id AND later.date_order >= %(after)s)
                       AND sol.product_id IS NOT NULL AND sol.display_type IS NULL AND %(only_contacts)s
                  GROUP BY 1, 2, 3) l
              JOIN res_partner p ON p.id = l.order_partner_id
             WHERE %(active)s AND %(only)s
         UNION ALL
            SELECT p.commercial_partner_id, sol.product_id, -aml.balance,
                   CASE WHEN %(known)s THEN -aml.balance END,
                   CASE WHEN %(known)s THEN -aml.balance + aml.quantity * sol.purchase_price * %(rate)s END
              FROM account_move_line aml
              JOIN account_move m ON m.id = aml.move_id
              JOIN sale_order_line_invoice_rel rel ON rel.invoice_line_id = aml.id
              JOIN sale_order_line sol ON sol.id = rel.order_line_id
              JOIN sale_order so ON so.id = sol.order_id
              JOIN res_partner p ON p.id = so.partner_id
             WHERE m.state = 'posted' AND m.move_type = 'out_refund' AND m.company_id = %(company)s
               AND m.invoice_date <= %(as_of)s AND aml.display_type = 'product' AND %(counted)s
               AND sol.product_id IS NOT NULL AND %(active)s AND %(only)s
        """, rate=rate, order_rate=order_rate, known=known_cost(SQL("sol.purchase_price")),
            counted=counted_order(company_id), line_counted=counted_order(company_id, order="sol"),
            currency=self.company_id.currency_id.id, after=self.date_as_of + datetime.timedelta(days=1),
            company=company_id, as_of=self.date_as_of, active=_active("p", "commercial_partner_id"),
            only_contacts=only_contacts,
            only=SQL("TRUE") if customer_ids is None else SQL("p.commercial_partner_id = ANY(%s)", list(customer_ids))))

    def _invoice_cost_basis(self):
        return "valuation" if "stock.valuation.layer" in self.env else "current"

    def _invoice_lines(self):
        """Posted invoice and credit note lines at the product's cost of the invoice date: the last
        stock valuation of the product up to that day where stock valuation keeps one, otherwise
        (and for a product it never valued) its cost now. Lines without a product (product 0)
        have no cost."""
        company_id = self.company_id.id
        cost_now = SQL("(pp.standard_price ->> %s)::float", str(company_id))
        if self._invoice_cost_basis() == "valuation":
            self.env["stock.valuation.layer"].flush_model()
            valued = SQL("""LEFT JOIN LATERAL (
                SELECT svl.unit_cost FROM stock_valuation_layer svl
                 WHERE svl.product_id = l.product_id AND svl.company_id = m.company_id
                   AND svl.create_date::date <= m.invoice_date AND svl.quantity <> 0
              ORDER BY svl.create_date DESC, svl.id DESC LIMIT 1) valuation ON TRUE""")
            cost = SQL("COALESCE(valuation.unit_cost, %s)", cost_now)
        else:
            valued, cost = SQL(), cost_now
        self.env["account.move.line"].flush_model()
        self.env["product.product"].flush_model(["standard_price"])
        # The cost is per unit of the product's unit of measure; the quantity is in the line's.
        quantity = SQL("l.quantity / COALESCE(line_uom.factor, product_uom.factor) * product_uom.factor")
        sign = SQL("CASE WHEN m.move_type = 'out_refund' THEN -1 ELSE 1 END")
        return SQL(LINES_BY_CUSTOMER_AND_PRODUCT, SQL("""
            SELECT m.commercial_partner_id AS partner_id, COALESCE(l.product_id, 0) AS product_id,
                   -l.balance AS amount, CASE WHEN %(known)s THEN -l.balance END AS known_amount,
                   CASE WHEN %(known)s THEN -l.balance - %(sign)s * %(quantity)s * %(cost)s END AS known_margin
              FROM account_move_line l
              JOIN account_move m ON m.id = l.move_id
              LEFT JOIN product_product pp ON pp.id = l.product_id
              LEFT JOIN product_template pt ON pt.id = pp.product_tmpl_id
              LEFT JOIN uom_uom product_uom ON product_uom.id = pt.uom_id
              LEFT JOIN uom_uom line_uom ON line_uom.id = l.product_uom_id
              %(valued)s
             WHERE %(counted)s AND m.invoice_date <= %(as_of)s AND l.display_type = 'product' AND %(active)s
        """, sign=sign, quantity=quantity, cost=cost, known=known_cost(cost), valued=valued,
            counted=counted_invoice(company_id), as_of=self.date_as_of, active=_active("m", "commercial_partner_id")))

    def _cost_counts(self, orders):
        """What each customer cost to serve, as counts: orders handled (``orders``, the confirmed
        orders of each customer, on runs on orders; customer invoices on runs on invoices), credit notes, complaints by priority, and
        the sum of amount x days paid late (or overdue on the run's day) of its receivables. Only
        what the company charges for (a unit cost above zero): a count that costs nothing is
        neither queried nor held, a column of millions of customers."""
        company_id, as_of = self.company_id.id, self.date_as_of
        unit_costs = self._settings().unit_costs
        self.env["account.move"].flush_model()
        self.env["crm.complaint"].flush_model()
        counts = [pd.DataFrame(index=pd.Index([], dtype=np.int64, name="partner_id"))]
        if self.transaction_source == "orders" and unit_costs.order:
            counts.append(orders.rename("orders").to_frame())
        charged = ["orders"] if self.transaction_source == "invoices" and unit_costs.order else []
        charged += ["credit_notes"] if unit_costs.credit_note else []
        if charged:
            counts.append(self._frame(SQL("""
            SELECT m.commercial_partner_id AS partner_id,
                   COUNT(*) FILTER (WHERE m.move_type = 'out_invoice') AS orders,
                   COUNT(*) FILTER (WHERE m.move_type = 'out_refund') AS credit_notes
              FROM account_move m
             WHERE %s AND m.invoice_date <= %s AND %s
          GROUP BY m.commercial_partner_id
        """, counted_invoice(company_id), as_of, _active("m", "commercial_partner_id")),
                {"partner_id": np.int64}).set_index("partner_id")[charged])
        if any(unit_costs.complaint.values()):
            complaints = self._frame(SQL("""
            SELECT c.commercial_partner_id AS partner_id, 'complaints_' || COALESCE(c.priority, '0') AS priority,
                   COUNT(*) AS count
              FROM crm_complaint c
             WHERE c.company_id = %s AND c.date_received::date <= %s AND c.commercial_partner_id IS NOT NULL
               AND %s
          GROUP BY 1, 2
        """, company_id, as_of, _active("c", "commercial_partner_id")), {"partner_id": np.int64})
            counts.append(complaints.pivot(index="partner_id", columns="priority", values="count"))
        if unit_costs.late_payment_rate:
            counts.append(self._frame(SQL("""
            SELECT p.commercial_partner_id AS partner_id,
                   SUM(COALESCE(paid.amount_days, 0)
                       + (l.balance - COALESCE(paid.amount, 0)) * GREATEST(%(as_of)s - due.day, 0)) AS late_amount_days
              FROM account_move_line l
              JOIN account_account a ON a.id = l.account_id
              JOIN account_move m ON m.id = l.move_id
              JOIN res_partner p ON p.id = l.partner_id
             CROSS JOIN LATERAL (SELECT COALESCE(l.date_maturity, l.date) AS day) due
              LEFT JOIN LATERAL (
                    SELECT SUM(apr.amount) AS amount,
                           SUM(apr.amount * GREATEST(apr.max_date - due.day, 0)) AS amount_days
                      FROM account_partial_reconcile apr
                     WHERE apr.debit_move_id = l.id AND apr.max_date <= %(as_of)s) paid ON TRUE
             WHERE l.parent_state = 'posted' AND a.account_type = 'asset_receivable' AND l.balance > 0
               AND m.move_type = 'out_invoice' AND l.company_id = %(company)s AND l.date <= %(as_of)s
               AND due.day < %(as_of)s AND %(active)s
          GROUP BY p.commercial_partner_id
        """, as_of=as_of, company=company_id, active=_active("p", "commercial_partner_id")),
                {"partner_id": np.int64, "late_amount_days": np.float64}).set_index("partner_id"))
        table = pd.concat([frame.astype(np.float64) for frame in counts], axis=1).fillna(0.0)
        table.index.name = "partner_id"
        return table

    def _purchase_totals(self, customer_ids=None, as_of=None, previous=None, changed=None):
        """Each customer's sums of the run's transactions (:data:`TOTALS_OF_TRANSACTIONS`), by partner_id.

        Given a ``previous`` run and the ids of the customers ``changed`` since (:meth:`_sums_run`),
        only those are summed; the others' sums are those the previous run saved, in the same
        query. A column ``summed`` then tells which are which.
        """
        if not previous:
            return self._frame(SQL(TOTALS_OF_TRANSACTIONS, self._transactions_query(customer_ids, as_of)),
                               TOTALS_TYPES).set_index("partner_id")
        query = SQL("SELECT *, 1 AS summed FROM (%s) summed UNION ALL %s",
                    SQL(TOTALS_OF_TRANSACTIONS, self._transactions_query(changed)), SQL(
                        SAVED_TOTALS, run=previous.id, changed=changed,
                        as_of_day=(previous.date_as_of - datetime.date(1970, 1, 1)).days))
        with planner_settings(self.env.cr, **self._changed_customers_plan(previous, changed)):
            totals = self._frame(query, dict(TOTALS_TYPES, summed=np.int8)).set_index("partner_id")
        return totals.assign(summed=totals["summed"].astype(bool))

    @api.model
    def _changed_customers_plan(self, previous, changed):
        """The planner settings of the queries summing the transactions of the customers ``changed``
        since the run ``previous`` (None: every customer): looked up by customer when they are few
        (see FEW_CHANGED_SHARE)."""
        few = changed is not None and len(changed) <= FEW_CHANGED_SHARE * previous.customer_count
        return FEW_CHANGED_PLAN if few else {}

    def _sums_run(self):
        """The run whose saved sums of each customer's transactions this run can take over where
        they did not change, and the ids of the customers whose sums may have changed since
        (:meth:`_changed_customers`): the company's latest finished run (never a back-test), on
        the same transactions, of this run's day or before, that saved them. None otherwise (or
        with ``crm_segmentation_full_sums`` in the context): every customer's transactions are
        summed."""
        none = self.browse(), None
        previous = self.browse(self._latest_id(self.company_id))
        if (self.env.context.get("crm_segmentation_full_sums") or not previous or previous == self
                or previous.transaction_source != self.transaction_source or previous.date_as_of > self.date_as_of):
            return none
        # runs of an earlier version saved no sums (on none of their lines: one tells)
        self.env.cr.execute(SQL("SELECT transaction_count IS NULL FROM crm_segmentation_result WHERE run_id = %s "
                                "LIMIT 1", previous.id))
        if (self.env.cr.fetchone() or (False,))[0]:
            return none
        self.env.cr.execute(self._changed_customers(previous))
        return previous, [row[0] for row in self.env.cr.fetchall() if row[0]]

    def _changed_customers(self, previous):
        """The commercial partners (column id) whose sums of transactions may differ from those
        ``previous`` saved: of the orders (invoices) written since the previous run started (less
        :data:`CHANGES_MARGIN`) or dated after its day up to this run's; on orders, of the credit
        notes of order lines written or dated so too (they change the lines' sums); the partners written
        since, their commercial partner and their parent's; the customer an order (invoice) was
        taken from, or the commercial partner of the parent company a contact left, by the
        tracking of those changes; and every active commercial partner without a line in the
        previous run. As EXCEPT, not as an anti-join: a run's lines are inserted in the same
        transaction, unknown to the planner's statistics, which then loops over them once per
        partner."""
        since = previous.create_date - CHANGES_MARGIN
        fields_tracked = self.env["ir.model.fields"]
        if self.transaction_source == "orders":
            self.env["sale.order"].flush_model(["write_date", "date_order", "partner_id"])
            transactions = SQL("sale_order t JOIN res_partner p ON p.id = t.partner_id")
            customer = SQL("p.commercial_partner_id")
            dated = SQL("t.date_order >= %s AND t.date_order < %s", previous.date_as_of + datetime.timedelta(days=1),
                        self.date_as_of + datetime.timedelta(days=1))
            fields_tracked |= fields_tracked._get("sale.order", "partner_id")
            # the credit notes of order lines change the lines' sums (see _purchases)
            self.env["account.move"].flush_model(["write_date", "invoice_date", "move_type"])
            credited = SQL("""
                UNION SELECT p.commercial_partner_id FROM account_move m
                        JOIN account_move_line aml ON aml.move_id = m.id
                        JOIN sale_order_line_invoice_rel rel ON rel.invoice_line_id = aml.id
                        JOIN sale_order_line sol ON sol.id = rel.order_line_id
                        JOIN res_partner p ON p.id = sol.order_partner_id
                       WHERE m.move_type = 'out_refund'
                         AND (m.write_date >= %s OR (m.invoice_date > %s AND m.invoice_date <= %s))
            """, since, previous.date_as_of, self.date_as_of)
        else:
            self.env["account.move"].flush_model(["write_date", "invoice_date", "commercial_partner_id"])
            transactions, customer = SQL("account_move t"), SQL("t.commercial_partner_id")
            dated = SQL("t.invoice_date > %s AND t.invoice_date <= %s", previous.date_as_of, self.date_as_of)
            fields_tracked |= fields_tracked._get("account.move", "partner_id")
            credited = SQL()
        fields_tracked |= fields_tracked._get("res.partner", "parent_id")
        self.env["res.partner"].flush_model(["write_date", "parent_id", "commercial_partner_id", "active"])
        return SQL("""
            SELECT %(customer)s AS id FROM %(transactions)s WHERE t.write_date >= %(since)s
             UNION SELECT %(customer)s FROM %(transactions)s WHERE %(dated)s %(credited)s
             UNION SELECT UNNEST(ARRAY[p.id, p.commercial_partner_id, parent.commercial_partner_id])
                     FROM res_partner p LEFT JOIN res_partner parent ON parent.id = p.parent_id
                    WHERE p.write_date >= %(since)s
             UNION SELECT old.commercial_partner_id FROM mail_tracking_value v
                     JOIN res_partner old ON old.id = v.old_value_integer
                    WHERE v.field_id = ANY(%(fields)s) AND v.create_date >= %(since)s
             UNION (SELECT p.id FROM res_partner p WHERE p.active AND p.id = p.commercial_partner_id
                    EXCEPT SELECT r.partner_id FROM crm_segmentation_result r WHERE r.run_id = %(run)s)
        """, customer=customer, transactions=transactions, since=since, dated=dated, credited=credited,
            fields=fields_tracked.ids, run=previous.id)

    def _transactions(self, customer_ids=None, as_of=None):
        """The run's transactions (:meth:`_transactions_query`) as a frame, dates as datetime64."""
        return self._frame(self._transactions_query(customer_ids, as_of),
                           {"partner_id": np.int64, "amount": np.float64}, days=["date"])

    def _transactions_query(self, customer_ids=None, as_of=None):
        """The query of the run's transactions (partner_id, date as days since 1970-01-01,
        amount): its source and company, up to ``as_of`` (the run's day by default); of
        ``customer_ids`` (commercial partners: ids, or a subquery of them) only, when given."""
        company_id = self.company_id.id
        if self.transaction_source == "orders":
            query = """
                SELECT p.commercial_partner_id AS partner_id, so.date_order::date - DATE '1970-01-01' AS date,
                       %(amount)s AS amount
                  FROM sale_order so
                  JOIN res_partner p ON p.id = so.partner_id
                 WHERE %(counted)s AND so.date_order::date <= %(as_of)s AND %(active)s AND %(only)s
            """
            alias, model = "p", "sale.order"
            amount, counted = company_amount(SQL("so.amount_untaxed")), counted_order(company_id)
            read = ["partner_id", "state", "company_id", "date_order", "amount_untaxed", "currency_rate"]
        else:
            query = """
                SELECT m.commercial_partner_id AS partner_id, m.invoice_date - DATE '1970-01-01' AS date,
                       %(amount)s AS amount
                  FROM account_move m
                 WHERE %(counted)s AND m.invoice_date <= %(as_of)s AND %(active)s AND %(only)s
            """
            alias, model = "m", "account.move"
            amount, counted = SQL("m.amount_untaxed_signed"), counted_invoice(company_id)
            read = ["commercial_partner_id", "state", "move_type", "company_id", "invoice_date",
                    "amount_untaxed_signed"]
        # what it reads may have been written just before (an order being confirmed)
        self.env[model].flush_model(read)
        self.env["res.partner"].flush_model(["commercial_partner_id", "active"])
        customer = SQL.identifier(alias, "commercial_partner_id")
        if customer_ids is None:
            only = SQL("TRUE")
        elif isinstance(customer_ids, SQL):
            only = SQL("%s IN %s", customer, customer_ids)
        else:
            only = SQL("%s = ANY(%s)", customer, list(customer_ids))
        return SQL(query, amount=amount, counted=counted, as_of=as_of or self.date_as_of, only=only,
                   active=_active(alias, "commercial_partner_id"))

    def _frame(self, query, dtypes, days=()):
        """A query's rows as a DataFrame, streamed through COPY (far faster than fetchall).

        Columns named in ``days`` arrive as day numbers since 1970-01-01, which parse far
        faster than date strings, and become datetime64 columns. The CSV goes through a
        temporary file, not memory: a run's biggest frames would otherwise be held twice.
        """
        copy = SQL("COPY (%s) TO STDOUT WITH CSV HEADER", query)
        with tempfile.TemporaryFile() as buffer:
            self.env.cr.copy_expert(self.env.cr.mogrify(copy).decode(), buffer)
            buffer.seek(0)
            frame = pd.read_csv(buffer, dtype=dict(dtypes, **dict.fromkeys(days, np.int64)))
        for name in days:
            frame[name] = frame[name].to_numpy().astype("datetime64[D]").astype("datetime64[ns]")
        return frame

    def _copy_in(self, table, columns, chunk=WRITE_ROWS):
        """Bulk insert through COPY of ``columns`` (a DataFrame, or a dict of column name to array,
        Series, function of ``(start, count)`` making a slice of them, or one value for every row),
        a slice at a time: only a slice is ever gathered into a frame and a CSV buffer."""
        names = list(columns)
        length = max(len(columns[name]) for name in names if isinstance(columns[name], COLUMN_TYPES))
        self._copy_frames(table, names, (
            pd.DataFrame({name: _rows(columns[name], start, chunk) for name in names})
            for start in range(0, length, chunk)))

    def _copy_frames(self, table, names, frames, binary_types=None):
        """Bulk insert of the columns ``names`` of ``frames`` (an iterator of DataFrames) in one COPY,
        each frame made and turned into rows as PostgreSQL reads the rows of the one before: the two
        work side by side, not in turn. As CSV, or in COPY's binary format given the columns'
        ``binary_types`` (:class:`CopyStream`)."""
        statement = "COPY %s (%s) FROM STDIN WITH %s" % (table, ", ".join(names), "BINARY" if binary_types else "CSV")
        stream = CopyStream((frame[names] for frame in frames), binary_types)
        try:
            self.env.cr.copy_expert(statement, stream, size=COPY_READ_SIZE)
        except psycopg2.Error:
            if stream.error:  # COPY stopped because the rows could not be made: say why
                raise stream.error from None
            raise
        finally:
            stream.close()

    def _write_back(self, result, saved, changed=None):
        """Save ``result`` (:func:`pipeline.run`), with ``saved``, the sums of the customers'
        transactions beyond RFM's (repeat_total, orders) that the next run takes over; ``changed``:
        the customers changed since the run it took sums over from (:meth:`_sums_run`). Returns the
        ids of the customers whose figures it compared with their partners' (None: every customer)."""
        segments = self.env["crm.segment"].create([{
            "run_id": self.id, "sequence": int(index), "name": row["name"],
            "value_level": row["value_level"], "frequency_level": row["frequency_level"],
            "recency_level": row["recency_level"], "customer_count": int(row["customers"]),
            "median_recency_days": row.get("median_recency_days"), "median_frequency": row.get("median_frequency"),
            "median_monetary": row.get("median_monetary"), "at_risk_count": int(row.get("at_risk_count") or 0),
            **{name: _number(row.get(name)) for name in PROFIT_TOTALS},
        } for index, row in result.segments.iterrows()])
        self._translate_segment_names(segments, result.segments)
        segment_ids = np.array(segments.ids, dtype=np.int64)

        def results():
            # Each slice of customers made and turned into rows as PostgreSQL stores the slice before.
            for customers, degrees in result.figures.slices(WRITE_ROWS):
                labels = customers["segment"].to_numpy()
                labelled = ~np.isnan(labels)
                segment = pd.array(np.zeros(len(labels), dtype=np.int64), dtype="Int64")
                segment[labelled] = segment_ids[labels[labelled].astype(np.int64)]
                segment[~labelled] = pd.NA
                kept = pipeline.aligned(saved, customers.index.to_numpy(), 0.0)
                yield pd.DataFrame({
                    "run_id": self.id, "date_as_of": self.date_as_of, "partner_id": customers.index.to_numpy(),
                    "segment_id": segment, "first_purchase_date": customers["first_date"].to_numpy(),
                    "memberships": segments_analytics.memberships_as_json(degrees, segment_ids).to_numpy(),
                    "recency_days": customers["recency_days"].round().astype("Int64").array,
                    "frequency": customers["frequency"].to_numpy(), "monetary": customers["monetary"].to_numpy(),
                    "repeat_total": kept["repeat_total"].to_numpy(),
                    "transaction_count": kept["orders"].to_numpy().astype(np.int64),
                    **{name: customers[name].to_numpy() for name in (
                        "r_score", "f_score", "m_score", "rfm_score", "membership", "value_tier", "age_type",
                        "customer_npv", "lifecycle_stage", "at_risk", *PROFIT_COLUMNS)},
                    "value_decile": customers["value_decile"].astype("Int64").array,
                })
        self._copy_frames("crm_segmentation_result", RESULT_COLUMNS, results())
        # a partition of customers at a time, in one COPY
        self._copy_frames("crm_segmentation_suggestion", list(SUGGESTION_TYPES), (
            part.assign(run_id=self.id) for suggestions in result.suggestions()
            for start in range(0, len(suggestions), WRITE_ROWS)
            for part in [suggestions.iloc[start:start + WRITE_ROWS]]), SUGGESTION_TYPES)
        if len(result.products):
            products = result.products.reset_index().assign(run_id=self.id)[["run_id", "product_id", "revenue",
                                                                               "margin"]]
            self._copy_in("crm_segmentation_product", products)
        if len(result.whale):
            self.env["crm.segmentation.whale.point"].create([{
                "run_id": self.id, "customer_percent": round(100 * point.entity_share),
                "profit_share": 100 * point.value_share,
            } for point in result.whale.itertuples()])
        updated, compared = 0, None
        if not self._is_backtest():  # a back-test changes no customer
            # The hooks keep first contacts as leads, complaints and emails come: a run gives one
            # to the customers still without one (those of an order, of an import).
            # Without JIT: compiling the many branches of that query costs more than it saves
            # (measured at a million customers: 14.1-15.0 s with it, 12.9-13.2 s without).
            with planner_settings(self.env.cr, jit="off"):
                first_contacts = self.env["res.partner"]._first_contacts_table(SQL("""
                    SELECT r.partner_id AS id FROM crm_segmentation_result r JOIN res_partner p ON p.id = r.partner_id
                     WHERE r.run_id = %s AND p.first_contact_date IS NULL
                """, self.id))
            compared = self._customers_to_compare(changed, first_contacts)
            source = None if compared is None else SQL(
                "(SELECT * FROM crm_segmentation_result WHERE run_id = %s AND partner_id = ANY(%s))", self.id, compared)
            # The planner, without statistics on the lines just written, counts one and would look
            # each customer up by index: over every customer of the run, a hash join is cheaper (the
            # few customers compared at night are looked up by index, as planned).
            with planner_settings(self.env.cr, **({"enable_nestloop": "off"} if compared is None else {})):
                updated = self._update_partners(source, first_contacts=first_contacts)
        summary = result.summary
        if not len(result.segments):
            self.message_post(body=self.env._(
                "Only %(buyers)s customers have purchases: too few for %(segments)s segments. This run computed "
                "every other figure, the lifecycle stages included, without segments or suggestions.",
                buyers=summary["buyer_count"], segments=self.n_segments))
        percent = {name: 100 * (summary.get(key) or 0.0) for name, key in (
            ("top20_share", "top_share"), ("consumed_share", "consumed_share"), ("cost_coverage", "cost_coverage"),
            ("whale_peak_share", "peak_share"), ("whale_peak_customer_share", "peak_customer_share"))}
        self.write({
            "state": "done", "error": False, "customer_count": summary["customer_count"], "customers_updated": updated,
            "buyer_count": summary["buyer_count"], "revenue": summary["revenue"], "npv_total": summary["npv_total"],
            "unprofitable_count": summary.get("unprofitable_count", 0), "profit_consumed": -summary["losses"],
            "unprofitable_product_count": summary["unprofitable_product_count"],
            "product_losses": summary["product_losses"], "at_risk_count": summary["at_risk_count"],
            "cost_basis": "order_line" if self.transaction_source == "orders" else self._invoice_cost_basis(),
            "rfm_edges": result.rfm_edges, "clv_params": result.clv_params,
            **percent, **{name: summary[name] for name in PROFIT_TOTALS},
        })
        self.env.invalidate_all()
        return compared

    def _customers_to_compare(self, changed, first_contacts):
        """The ids of this run's customers whose figures and lifecycle stage may differ from those
        their partners and their history hold: every customer (None), unless these hold the
        figures of the run this one took sums over from (:meth:`_sums_run`, the company's latest).
        Then only the customers ``changed`` since, those with a first contact to write (the table
        ``first_contacts``), those new to the run, and those whose figures (:data:`RESULT_FIGURES`)
        differ from that run's: a night changes few customers, and comparing every partner's jsonb
        values costs seconds."""
        cr = self.env.cr
        if not self.sums_run_id:
            return None
        figures = {alias: SQL("(%s - %s, %s)", SQL.identifier(alias, "date_as_of"), SQL.identifier(alias, "recency_days"),
                              SQL(", ").join(SQL.identifier(alias, column) for column in RESULT_FIGURES))
                   for alias in ("cur", "prev")}
        # hash joins: the planner has no statistics on the lines just written
        with planner_settings(cr, enable_nestloop="off"):
            cr.execute(SQL("""
                SELECT cur.partner_id FROM crm_segmentation_result cur
                  LEFT JOIN crm_segmentation_result prev ON prev.run_id = %(previous)s
                                                        AND prev.partner_id = cur.partner_id
                 WHERE cur.run_id = %(run)s
                   AND (prev.id IS NULL OR %(cur)s IS DISTINCT FROM %(prev)s OR cur.partner_id = ANY(%(changed)s)
                        OR cur.partner_id IN (SELECT id FROM %(first_contacts)s))
            """, previous=self.sums_run_id.id, run=self.id, cur=figures["cur"], prev=figures["prev"],
                changed=list(changed), first_contacts=first_contacts))
            return [row[0] for row in cr.fetchall()]

    def _translate_segment_names(self, segments, table):
        """The analytics name segments in English: save the name in every active language too."""
        for code, _name in self.env["res.lang"].get_installed():
            if code == "en_US":
                continue
            translations = code_translations.get_python_translations("crm_unified_view", code)
            for segment, (_index, row) in zip(segments, table.iterrows()):
                name = translations.get(row["base_name"], row["base_name"])
                segment.with_context(lang=code).name = name if row["variant"] == 1 else "%s (%d)" % (
                    name, row["variant"])

    @api.model
    def _latest_id(self, company):
        """The id of the run whose figures ``company``'s customers show (None before any): its
        finished run of the latest day. A run on an earlier day is a back-test."""
        self.env.cr.execute(SQL("SELECT %s", self._latest_run_sql(company)))
        return self.env.cr.fetchone()[0]

    @api.model
    def _latest_run_sql(self, company):
        """:meth:`_latest_id` as a subquery, to read a run's lines in the same query (pending
        writes to runs flushed)."""
        self.flush_model(["company_id", "state", "date_as_of"])
        return latest_run(company.id)

    def _is_backtest(self):
        """Whether the company has a finished run of a later day: this run changes no customer."""
        return bool(self.search_count([("company_id", "=", self.company_id.id), ("state", "=", "done"),
                                       ("date_as_of", ">", self.date_as_of)], limit=1))

    def _update_partners(self, source=None, columns=tuple(PARTNER_COLUMNS), first_contacts=None, parameters=None):
        """Customers' latest figures from ``source`` (rows by partner_id; by default the results
        of this run), under the run's company key of each company-dependent column, and, given a
        table ``first_contacts`` of some of them (:meth:`res.partner._first_contacts_table`), their
        first contacts in the same statement; only the customers whose figures differ are
        written. Returns how many were. Given the ``parameters`` $1, $2... that ``source`` uses,
        the statement is prepared (:func:`.sql_expressions.execute`).

        Only for the company's latest run: a back-test, run on an earlier day, leaves the
        customers alone (its callers check).
        """
        key = str(self.company_id.id)
        self.env["res.partner"].flush_model(list(columns) + ["user_id"])
        # JSON null and a missing key both read as empty: compare them as equal
        current = {column: SQL("COALESCE(%s -> %s, 'null'::jsonb)", SQL.identifier("p", column), key)
                   for column in columns}
        new = {column: SQL("COALESCE(to_jsonb(%s), 'null'::jsonb)", PARTNER_COLUMNS[column]) for column in columns}
        assignments = [SQL("%s = COALESCE(%s, '{}'::jsonb) || jsonb_build_object(%s, %s)",
                           SQL.identifier(column), SQL.identifier("p", column), key, new[column])
                       for column in columns]
        changed = [SQL("%s IS DISTINCT FROM %s", current[column], new[column]) for column in columns]
        joined = SQL()
        if first_contacts:
            joined = SQL("LEFT JOIN %s new ON new.id = r.partner_id", first_contacts)
            assignments += [SQL("%s = CASE WHEN new.id IS NULL THEN %s ELSE %s END", SQL.identifier(field),
                                SQL.identifier("p", field), SQL.identifier("new", column))
                            for field, column in FIRST_CONTACT_FIELDS.items()]
            changed.append(SQL("(new.id IS NOT NULL AND %s)", FIRST_CONTACT_CHANGED))
        update = SQL(
            "UPDATE res_partner p SET %s FROM %s r %s WHERE p.id = r.partner_id AND (%s)",
            SQL(", ").join(assignments),
            source or SQL("(SELECT * FROM crm_segmentation_result WHERE run_id = %s)", self.id), joined,
            SQL(" OR ").join(changed))
        count = execute(self.env.cr, update, parameters).rowcount
        self.env["res.partner"].invalidate_model(
            list(columns) + ["rfm_recency_days"] + (list(FIRST_CONTACT_FIELDS) if first_contacts else []))
        return count

    @api.model
    def _rescore_rfm(self, company, source, partners, run=None, as_of=None, scored_only=True):
        """Rescore the customers of ``partners`` (their commercial partners; only those the run
        scored, with ``scored_only``) as of ``as_of`` (today by default) with the quantile edges
        of ``run`` (by default ``company``'s latest), if it counts ``source`` ("orders" or
        "invoices"): the cheap update after a sale, one statement (:data:`RESCORED`) that finds
        the run and the customers itself. Segments, NPV and tiers wait for the next run. Returns
        how many customers' figures changed."""
        as_of = as_of or fields.Date.context_today(self)
        # stands for a run of that company on that source: what the queries of the sums read
        counting = self.new({"company_id": company.id, "transaction_source": source, "date_as_of": as_of})
        self.flush_model(["rfm_edges", "transaction_source"])
        # After a sale, one customer's: planning the statement takes most of its time (about 2 ms,
        # against 0.2 ms to run it), so it is prepared, the partner and the day its parameters.
        prepared = [("int", partners.id), ("date", as_of)] if run is None and len(partners) == 1 else None
        customers = SQL("(SELECT DISTINCT commercial_partner_id FROM res_partner WHERE id = ANY(%s))",
                        id_array(partners.ids, prepared))
        as_of = SQL("$2") if prepared else as_of
        run = self._latest_run_sql(company) if run is None else run.id
        scored = SQL("EXISTS (SELECT 1 FROM crm_segmentation_result line WHERE line.run_id = run.id "
                     "AND line.partner_id = c.id)") if scored_only else SQL("TRUE")
        return counting._update_partners(SQL("(%s)", SQL(
            RESCORED, as_of=as_of, customers=customers, scored=scored, run=run, source=source,
            totals=SQL(TOTALS_OF_TRANSACTIONS, counting._transactions_query(customers, as_of)))), RFM_COLUMNS,
            parameters=prepared)

    @api.model
    def _forget_figures(self, company):
        """The customers of ``company`` forget their stored figures (the lifecycle stage, which
        users edit too, stays)."""
        columns = [column for column in PARTNER_COLUMNS if column != "lifecycle_stage"]
        key = str(company.id)
        self.env.cr.execute(SQL(
            "UPDATE res_partner SET %s WHERE %s",
            SQL(", ").join(SQL("%s = %s - %s", SQL.identifier(column), SQL.identifier(column), key)
                           for column in columns),
            SQL(" OR ").join(SQL("%s ? %s", SQL.identifier(column), key) for column in columns)))
        self.env["res.partner"].invalidate_model(columns)

    def unlink(self):
        # No foreign key guards jsonb values: where the company's latest run goes, its
        # customers take the figures of the run that is now the latest, or forget them.
        latest = {company: self._latest_id(company) for company in self.company_id}
        # the stages the deleted latest runs found go from the history too; older runs' rows stay
        self.env["crm.lifecycle.history"]._undo_run(self.browse([run_id for run_id in latest.values()
                                                                  if run_id in self.ids]))
        result = super().unlink()
        for company, run_id in latest.items():
            if run_id in self.ids:
                now_latest = self.browse(self._latest_id(company))
                if now_latest:
                    now_latest._update_partners()
                else:
                    self._forget_figures(company)
        self.env["res.partner"].invalidate_model()  # the figures read through the latest run
        return result

    # -------------------------------------------------------------------------
    # Scheduled runs
    # -------------------------------------------------------------------------
    @api.model
    def _cron_run_segmentation(self):
        """Nightly: one run per company not yet analysed today, one company per call."""
        today = fields.Date.context_today(self)
        companies = self.env["res.company"].search([])
        # A company whose run failed today is not retried before tomorrow.
        todo = companies - self.search([("date_as_of", "=", today)]).company_id
        if todo:
            self._run_for_company(todo[0])
        self.env["ir.cron"]._notify_progress(done=1 if todo else 0, remaining=max(len(todo) - 1, 0))

    @api.model
    def _runs_to_prune(self, today=None):
        """Runs the retention policy of their company no longer keeps on ``today``, oldest first."""
        today = today or fields.Date.context_today(self)
        doomed = self.browse()
        for company in self.env["res.company"].search([]):
            runs = self.with_context(active_test=False).search([("company_id", "=", company.id)])
            kept = retention.runs_to_keep(
                [retention.StoredRun(run.id, run.date_as_of, run.create_date.date(), run.state == "done")
                 for run in runs], today, company.segmentation_keep_days, company.segmentation_keep_months)
            doomed |= runs.filtered(lambda run: run.id not in kept)
        return doomed.sorted(lambda run: (run.date_as_of, run.id))

    @api.model
    def _cron_prune_runs(self, batch_size=200_000, today=None):
        """Nightly: delete the runs the retention policy no longer keeps, ``batch_size`` customer
        lines at a time (a run of a million customers is deleted over several calls)."""
        doomed = self._runs_to_prune(today)
        if not doomed:
            self.env["ir.cron"]._notify_progress(done=0, remaining=0)
            return
        run = doomed[0]
        deleted = 0
        for table in ("crm_segmentation_suggestion", "crm_segmentation_result"):
            self.env.cr.execute(SQL(
                "DELETE FROM %s WHERE id IN (SELECT id FROM %s WHERE run_id = %s LIMIT %s)",
                SQL.identifier(table), SQL.identifier(table), run.id, batch_size - deleted))
            deleted += self.env.cr.rowcount
        if deleted < batch_size:
            run.unlink()  # its lines are gone: the rest (segments, products, whale curve) is small
        self.env["crm.segmentation.result"].invalidate_model()
        self.env["crm.segmentation.suggestion"].invalidate_model()
        self.env.cr.execute(SQL("SELECT COUNT(*) FROM crm_segmentation_result WHERE run_id = ANY(%s)", doomed.ids))
        remaining = self.env.cr.fetchone()[0] + len(doomed.exists())  # a run without lines still goes
        self.env["ir.cron"]._notify_progress(done=deleted, remaining=remaining)

    @api.model
    def _run_for_company(self, company):
        """A run of ``company`` as of today with the settings of its last run (kept, even failed)."""
        today = fields.Date.context_today(self)
        previous = self.search([("company_id", "=", company.id), ("state", "=", "done")], limit=1)
        values = previous.copy_data({"date_as_of": today})[0] if previous else {"company_id": company.id}
        run = self.with_company(company).create(dict(values, company_id=company.id))
        try:
            with self.env.cr.savepoint():
                run._run()
        except UserError as error:
            _logger.info("No segmentation of %s today: %s", company.name, error)
        return run
