"""Segmentation benchmark: the run's phases on the generated customers, and with compare > 0 its
RFM part side by side with the bare SQL aggregate and with RFM computed per partner through the ORM.

Runs inside ``odoo shell``, which gives ``env``. Parameters: customers, orders, compare,
orm_sample. Prints ``BENCH <figure> <value>`` lines, first what was generated.
"""
import datetime
import json
import os
import resource
import time

from odoo.tools import SQL

params = json.load(open(os.environ["CUV_SHELL_PARAMS"], encoding="utf-8"))
figures = {}
counts = {}
for label, query in [
        ("products generated", "SELECT COUNT(*) FROM product_product WHERE default_code LIKE 'BENCH-%'"),
        ("order lines generated", "SELECT COUNT(*) FROM sale_order_line sol JOIN product_product pp "
                                  "ON pp.id = sol.product_id WHERE pp.default_code LIKE 'BENCH-%'"),
        ("  of which sold below cost", "SELECT COUNT(*) FROM sale_order_line sol JOIN product_product pp "
                                       "ON pp.id = sol.product_id WHERE pp.default_code LIKE 'BENCH-%' AND sol.margin < 0"),
        ("complaints generated", "SELECT COUNT(*) FROM crm_complaint WHERE name LIKE 'BC%'")]:
    env.cr.execute(query)
    counts[label] = env.cr.fetchone()[0]
Run = env["crm.segmentation.run"]
if params["compare"]:
    ids = env["res.partner"].search([("name", "like", "Bench customer %")], order="id", limit=params["compare"]).ids
    start = time.monotonic()
    env.cr.execute(SQL("SELECT p.commercial_partner_id, COUNT(DISTINCT so.date_order::date), MAX(so.date_order), "
                       "SUM(so.amount_untaxed) FROM sale_order so JOIN res_partner p ON p.id = so.partner_id "
                       "WHERE so.state = 'sale' AND p.id = ANY(%s) GROUP BY 1", ids))
    env.cr.fetchall()
    figures["bare SQL aggregate (s)"] = time.monotonic() - start
    from odoo.addons.crm_unified_view.analytics import rfm
    run = Run.create({"n_segments": 5})
    # quantile edges from the run's own extract, then, timed, the rescoring after a sale with
    # those edges: each customer's sums, scores and write-back in one statement
    start = time.monotonic()
    table = rfm.rfm_table_from_totals(run._purchase_totals(ids), run.date_as_of, customers=ids)
    _scores, run.rfm_edges = rfm.rfm_scores(table)
    figures["quantile edges from the run's extract (s)"] = time.monotonic() - start
    start = time.monotonic()
    run._rescore_rfm(run.company_id, run.transaction_source, env["res.partner"].browse(ids), run=run,
                     as_of=run.date_as_of, scored_only=False)
    figures["RFM set-based: sums + scores + write back in one statement (s)"] = time.monotonic() - start
    sample = env["res.partner"].browse(ids[:params["orm_sample"]])
    start = time.monotonic()
    for partner in sample:  # what a naive module does: one search per partner, one write per partner
        orders = env["sale.order"].search([("partner_id", "child_of", partner.id), ("state", "=", "sale")])
        days = {order.date_order.date() for order in orders}
        partner.write({"rfm_frequency": len(days), "rfm_monetary": sum(orders.mapped("amount_untaxed"))})
        env.invalidate_all()
    per_partner = (time.monotonic() - start) / len(sample)
    figures["RFM per partner through the ORM, scaled to %d partners (s)" % params["compare"]] = per_partner * len(ids)
    figures["speed-up of set-based over ORM"] = per_partner * len(ids) / figures["RFM set-based: sums + scores + write back in one statement (s)"]
    figures["set-based / bare SQL aggregate"] = figures["RFM set-based: sums + scores + write back in one statement (s)"] / figures["bare SQL aggregate (s)"]
    env.cr.rollback()
phases = {}


def timed(owner, name, label):
    # Adds the time spent in owner.name to the figure ``label``: a breakdown of the full run.
    original = getattr(owner, name)

    def wrapper(*args, **kwargs):
        start = time.monotonic()
        try:
            return original(*args, **kwargs)
        finally:
            phases[label] = phases.get(label, 0.0) + time.monotonic() - start
    setattr(owner, name, wrapper)


from odoo.addons.crm_unified_view.analytics import rfm
from odoo.addons.crm_unified_view.models.crm_segmentation_run import CrmSegmentationRun
timed(CrmSegmentationRun, "_extract", "  extract (s)")
timed(CrmSegmentationRun, "_frame", "    of which reading the queries' rows (s)")
timed(CrmSegmentationRun, "_write_back", "  write back (s)")
# a run that takes over the sums of the run before first looks up the customers whose orders changed
timed(CrmSegmentationRun, "_sums_run", "  RFM extract: the run before and the customers changed since (s)")
# the customers whose figures may have changed since the run before, then the UPDATE of those that did
UPDATE_LABEL = "    of which finding the customers to compare and UPDATE res_partner (s)"
timed(CrmSegmentationRun, "_customers_to_compare", UPDATE_LABEL)
timed(CrmSegmentationRun, "_update_partners", UPDATE_LABEL)
timed(rfm, "rfm_table_from_totals", "  RFM table and scores (s)")
timed(rfm, "rfm_scores", "  RFM table and scores (s)")
Frame = CrmSegmentationRun._frame


def first_frame_timed(self, query, dtypes, days=()):
    # the first query of a run sums each customer's orders: the RFM extract
    start = time.monotonic()
    try:
        return Frame(self, query, dtypes, days)
    finally:
        phases.setdefault("  RFM extract: each customer's sums of the orders (s)", time.monotonic() - start)


CrmSegmentationRun._frame = first_frame_timed


def full_run(label, **values):
    """A run, timed, with its peak memory: the figures of ``label``."""
    phases.clear()
    run = Run.create(dict({"n_segments": 5}, **values))
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.monotonic()
    run._run()
    total = time.monotonic() - start
    figures[label + " (s)"] = total
    figures["  peak memory of the Odoo process (MiB)"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    figures["  memory before the run (MiB)"] = before / 1024
    figures["  customers scored"] = run.customer_count
    figures["  customers whose stored figures it changed"] = run.customers_updated
    figures.update(phases)
    figures["  compute (s)"] = total - phases["  extract (s)"] - phases["  write back (s)"]
    rfm_part = (phases["  RFM extract: the run before and the customers changed since (s)"]
                + phases["  RFM extract: each customer's sums of the orders (s)"] + phases["  RFM table and scores (s)"]
                + phases[UPDATE_LABEL])
    figures["  RFM part: changed customers, sums, scores, UPDATE of the changed customers (s)"] = rfm_part
    return run, rfm_part


def bare_aggregate():
    start = time.monotonic()
    env.cr.execute("SELECT p.commercial_partner_id, COUNT(DISTINCT so.date_order::date), MAX(so.date_order), "
                   "SUM(so.amount_untaxed) FROM sale_order so JOIN res_partner p ON p.id = so.partner_id "
                   "WHERE so.state = 'sale' GROUP BY 1")
    env.cr.fetchall()
    return time.monotonic() - start


def copy_rows(table, where, overrides):
    """Copy the rows of ``table`` matching ``where`` with some columns replaced by SQL expressions."""
    env.cr.execute("SELECT column_name FROM information_schema.columns WHERE table_name = %s AND column_name <> 'id'",
                   [table])
    columns = [row[0] for row in env.cr.fetchall()]
    values = [overrides.get(column, "t.%s" % column) for column in columns]
    env.cr.execute("INSERT INTO %s (%s) SELECT %s FROM %s t %s" % (
        table, ", ".join(columns), ", ".join(values), table, where))
    return env.cr.rowcount


today = datetime.date.today()
if params.get("nightly"):
    full_run("first run, as of yesterday", date_as_of=today - datetime.timedelta(days=1))
    # the day's business: one customer in a hundred orders again, today, what it last ordered
    new_orders = copy_rows("sale_order", """WHERE t.id IN (
        SELECT MAX(so.id) FROM sale_order so JOIN res_partner p ON p.id = so.partner_id
         WHERE p.name LIKE 'Bench customer %' AND p.id % 100 = 0 GROUP BY so.partner_id)""",
        {"date_order": "date_trunc('day', now()) + interval '9 hours'", "client_order_ref": "'NIGHTLY-' || t.id",
         "name": "t.name || '-N'"})
    # the lines of the copied orders found by their order's index, not by matching every line
    copy_rows("sale_order_line", """JOIN sale_order n ON n.client_order_ref = 'NIGHTLY-' || t.order_id
        WHERE t.order_id IN (SELECT substr(client_order_ref, 9)::int FROM sale_order
                              WHERE client_order_ref LIKE 'NIGHTLY-%')""", {"order_id": "n.id"})
    env.invalidate_all()
    figures["orders placed today by 1% of the customers"] = new_orders
    _run, rfm_part = full_run("next night's run, as of today")
    aggregate = bare_aggregate()
    figures["bare SQL aggregate of every customer's orders (s)"] = aggregate
    figures["next night: RFM part / bare SQL aggregate"] = rfm_part / aggregate
else:
    full_run("full run, %d customers, %d orders" % (params["customers"], params["orders"]))
env.cr.rollback()
for name, value in counts.items():
    print("BENCH %-75s %12d" % (name, value))
for name, value in figures.items():
    print("BENCH %-75s %12.2f" % (name, value))
