#!/usr/bin/env python3
"""Benchmark of a segmentation run on generated data (prints its figures).

    python3 tools/bench_segmentation.py [--customers 1000000] [--orders 10000000] [--compare 100000]

Creates a scratch database with crm_unified_view, generates customers and confirmed sales
orders straight into PostgreSQL, then times, in one Odoo process:
  1. a full crm.segmentation.run (extract, compute, write back) and its peak memory;
  2. with --compare N: on the first N customers, the RFM part (extract, score, write back,
     with the run's own methods) against the bare SQL aggregate of their orders and against RFM computed per partner
     through the ORM (timed on a sample of partners and scaled to N).
The scratch database is dropped at the end.
"""
import argparse
import os
import subprocess
import sys
import textwrap

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cuv  # noqa: E402  (the project's run/test helpers)

GENERATE = """
INSERT INTO res_partner (name, complete_name, active, is_company, customer_rank, type, lang, autopost_bills,
                         create_date, write_date)
SELECT 'Bench customer ' || g, 'Bench customer ' || g, true, g %% 3 = 0, 1, 'contact', 'en_US', 'ask', now(), now()
  FROM generate_series(1, %(customers)s) g;
UPDATE res_partner SET commercial_partner_id = id WHERE commercial_partner_id IS NULL;
CREATE TEMPORARY TABLE bench_partner AS
SELECT row_number() OVER (ORDER BY id) AS n, id FROM res_partner WHERE name LIKE 'Bench customer %%';
INSERT INTO sale_order (name, partner_id, partner_invoice_id, partner_shipping_id, company_id, currency_id,
                        pricelist_id, date_order, state, amount_untaxed, amount_tax, amount_total, currency_rate,
                        create_date, write_date)
SELECT 'B' || g, p.id, p.id, p.id, %(company)s, %(currency)s, NULL,
       now() - make_interval(days => ((g * 7919) %% 730)::int),
       'sale', 10 + ((g * 104729) %% 99000) / 100.0, 0, 10 + ((g * 104729) %% 99000) / 100.0, 1,
       now(), now()
  FROM generate_series(1::bigint, %(orders)s) g
  JOIN bench_partner p ON p.n = 1 + (((g * 2654435761) %% %(customers)s) * ((g %% 7) + 1)) %% %(customers)s;
ANALYZE res_partner; ANALYZE sale_order;
"""

PAYLOAD = """
import resource, time
from odoo.tools import SQL
figures = {}
env.cr.execute(%(generate)r, {"customers": %(customers)d, "orders": %(orders)d,
                             "company": env.company.id, "currency": env.company.currency_id.id})
env.cr.commit()
Run = env["crm.segmentation.run"]
if %(compare)d:
    ids = env["res.partner"].search([("name", "like", "Bench customer %%")], order="id", limit=%(compare)d).ids
    start = time.monotonic()
    env.cr.execute(SQL("SELECT p.commercial_partner_id, COUNT(DISTINCT so.date_order::date), MAX(so.date_order), "
                       "SUM(so.amount_untaxed) FROM sale_order so JOIN res_partner p ON p.id = so.partner_id "
                       "WHERE so.state = 'sale' AND p.id = ANY(%%s) GROUP BY 1", ids))
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
    run._write_rfm(table, scores)
    figures["  of which write back (s)"] = (time.monotonic() - start - figures["  of which extract (s)"]
                                            - figures["  of which score (s)"])
    figures["RFM set-based: extract + score + write back (s)"] = time.monotonic() - start
    sample = env["res.partner"].browse(ids[:%(orm_sample)d])
    start = time.monotonic()
    for partner in sample:  # what a naive module does: one search per partner, one write per partner
        orders = env["sale.order"].search([("partner_id", "child_of", partner.id), ("state", "=", "sale")])
        days = {order.date_order.date() for order in orders}
        partner.write({"rfm_frequency": len(days), "rfm_monetary": sum(orders.mapped("amount_untaxed"))})
        env.invalidate_all()
    per_partner = (time.monotonic() - start) / len(sample)
    figures["RFM per partner through the ORM, scaled to %(compare)d partners (s)"] = per_partner * len(ids)
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


from odoo.addons.crm_unified_view.analytics import pipeline
from odoo.addons.crm_unified_view.models.crm_segmentation_run import CrmSegmentationRun
timed(CrmSegmentationRun, "_extract", "  extract (s)")
timed(pipeline, "run", "  compute (s)")
timed(CrmSegmentationRun, "_write_back", "  write back (s)")
timed(CrmSegmentationRun, "_update_partners", "    of which UPDATE res_partner (s)")
run = Run.create({"n_segments": 5})
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.monotonic()
run._run()
figures["full run, %(customers)d customers, %(orders)d orders (s)"] = time.monotonic() - start
figures["peak memory of the Odoo process (MiB)"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
figures["memory before the run (MiB)"] = before / 1024
figures["customers scored"] = run.customer_count
figures.update(phases)
env.cr.rollback()
for name, value in figures.items():
    print("BENCH %%-75s %%12.2f" %% (name, value))
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--orders", type=int, default=10_000_000)
    parser.add_argument("--compare", type=int, default=100_000, help="0 to skip the side-by-side RFM comparison")
    parser.add_argument("--orm-sample", type=int, default=300)
    parser.add_argument("--http-port", type=int, default=8171)
    args = parser.parse_args()
    odoo_dir = cuv.require_odoo()
    pg = cuv.Postgres().ensure()
    dbname = cuv.TEST_DB + "_bench"
    pg.drop_database(dbname)
    try:
        subprocess.run(cuv.odoo_command(odoo_dir, pg, dbname, "-i", cuv.MODULE, "--without-demo=all",
                                        "--stop-after-init", "--log-level=warn", "--http-port=%d" % args.http_port),
                       check=True)
        payload = PAYLOAD % {"generate": textwrap.dedent(GENERATE), "customers": args.customers,
                             "orders": args.orders, "compare": min(args.compare, args.customers),
                             "orm_sample": args.orm_sample}
        shell = cuv.odoo_command(odoo_dir, pg, dbname, "--log-level=warn", "--no-http")
        shell.insert(3, "shell")
        result = subprocess.run(shell, input=payload, text=True, capture_output=True)
        lines = [line[6:] for line in result.stdout.splitlines() if line.startswith("BENCH ")]
        print("\n".join(lines) or result.stdout[-3000:] + result.stderr[-3000:])
        return 0 if lines else 1
    finally:
        pg.drop_database(dbname)
        pg.stop_if_started_here()


if __name__ == "__main__":
    sys.exit(main())
