"""Segmentation benchmark: the run's phases on the generated customers, and with compare > 0 its
RFM part side by side with the bare SQL aggregate and with RFM computed per partner through the ORM.

Runs inside ``odoo shell``, which gives ``env``. Parameters: customers, orders, compare,
orm_sample. Prints ``BENCH <figure> <value>`` lines, first what was generated.
"""
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
    # the run's own extract, scoring and write-back (those of the rescoring after a sale)
    start = time.monotonic()
    frame = run._transactions(ids)
    figures["  of which extract (s)"] = time.monotonic() - start
    table = rfm.rfm_table(rfm.purchase_occasions(frame), run.date_as_of, customers=ids)
    scores, _edges = rfm.rfm_scores(table)
    figures["  of which score (s)"] = time.monotonic() - start - figures["  of which extract (s)"]
    run._write_rfm(table, scores, run.date_as_of)
    figures["  of which write back (s)"] = (time.monotonic() - start - figures["  of which extract (s)"]
                                            - figures["  of which score (s)"])
    figures["RFM set-based: extract + score + write back (s)"] = time.monotonic() - start
    sample = env["res.partner"].browse(ids[:params["orm_sample"]])
    start = time.monotonic()
    for partner in sample:  # what a naive module does: one search per partner, one write per partner
        orders = env["sale.order"].search([("partner_id", "child_of", partner.id), ("state", "=", "sale")])
        days = {order.date_order.date() for order in orders}
        partner.write({"rfm_frequency": len(days), "rfm_monetary": sum(orders.mapped("amount_untaxed"))})
        env.invalidate_all()
    per_partner = (time.monotonic() - start) / len(sample)
    figures["RFM per partner through the ORM, scaled to %d partners (s)" % params["compare"]] = per_partner * len(ids)
    figures["speed-up of set-based over ORM"] = per_partner * len(ids) / figures["RFM set-based: extract + score + write back (s)"]
    figures["set-based / bare SQL aggregate"] = figures["RFM set-based: extract + score + write back (s)"] / figures["bare SQL aggregate (s)"]
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


from odoo.addons.crm_unified_view.models.crm_segmentation_run import CrmSegmentationRun
timed(CrmSegmentationRun, "_extract", "  extract (s)")
timed(CrmSegmentationRun, "_frame", "    of which reading the queries' rows (s)")
timed(CrmSegmentationRun, "_write_back", "  write back (s)")
timed(CrmSegmentationRun, "_update_partners", "    of which UPDATE res_partner (s)")
# The analytics are timed as the rest: a wrapper around them would hold on to the frames they free.
run = Run.create({"n_segments": 5})
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.monotonic()
run._run()
figures["full run, %d customers, %d orders (s)" % (params["customers"], params["orders"])] = time.monotonic() - start
figures["peak memory of the Odoo process (MiB)"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
figures["memory before the run (MiB)"] = before / 1024
figures["customers scored"] = run.customer_count
figures.update(phases)
figures["  compute (s)"] = (figures["full run, %d customers, %d orders (s)" % (params["customers"], params["orders"])]
                           - phases["  extract (s)"] - phases["  write back (s)"])
env.cr.rollback()
for name, value in counts.items():
    print("BENCH %-75s %12d" % (name, value))
for name, value in figures.items():
    print("BENCH %-75s %12.2f" % (name, value))
