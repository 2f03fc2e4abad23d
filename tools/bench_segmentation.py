#!/usr/bin/env python3
"""Benchmark of a segmentation run on generated data (prints its figures).

    python3 tools/bench_segmentation.py [--customers 1000000] [--orders 10000000] [--compare 100000]
                                        [--database NAME] [--keep] [--reuse] [--nightly] [--without-lines]
                                        [--limit-memory-hard BYTES]

Creates a scratch database with crm_unified_view and generates straight into PostgreSQL
(tools/sql/generate_sales.sql): the customers; a catalogue of 200 products with a list price and
a cost, one of them sold at a loss; the confirmed sales orders, each with 1-5 lines (3 on
average) of the products its customer re-buys (3-5 a customer, now and then another one),
some discounted, a few below cost, with the margins sale_margin stores; one complaint per
40 customers, of every priority. A sample of them is recomputed through the ORM and must
match. Then it times, in one Odoo process:
  1. a full crm.segmentation.run (extract, compute, write back) and its peak memory; with
     --nightly, a first run as of yesterday, then one customer in a hundred orders again today
     and the next night's run is timed, its RFM part (the look-up of the customers whose orders
     changed since the run before, each customer's sums of the orders, scores, the UPDATE of
     the customers whose figures changed) against the bare SQL aggregate of every customer's
     orders;
  2. with --compare N: on the first N customers, the RFM part (sums, scores, write back: the
     rescoring after a sale, one statement, with quantile edges taken from the run's own extract)
     against the bare SQL aggregate of their orders and against RFM computed per partner
     through the ORM (timed on a sample of partners and scaled to N).
The scratch database is dropped at the end, unless --keep; --reuse times the run again on a kept one.
"""
import argparse
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cuv  # noqa: E402  (the project's run/test helpers)
from cuvlib.odoo_process import generate_sales, run_script, shell_command  # noqa: E402

def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--orders", type=int, default=10_000_000)
    parser.add_argument("--compare", type=int, default=100_000, help="0 to skip the side-by-side RFM comparison")
    parser.add_argument("--orm-sample", type=int, default=300)
    parser.add_argument("--http-port", type=int, default=8171)
    parser.add_argument("--database", default=cuv.TEST_DB + "_bench", help="the scratch database (dropped first)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database, to query it afterwards")
    parser.add_argument("--nightly", action="store_true",
                        help="time a first run as of yesterday, then, after 1%% of the customers ordered today, "
                             "the next night's run")
    parser.add_argument("--without-lines", action="store_true",
                        help="generate the orders without their lines (the run then sums no lines)")
    parser.add_argument("--limit-memory-hard", type=int, default=None,
                        help="Odoo's limit of the process's address space in bytes (0: none; Odoo's default "
                             "is 2.5 GiB): the run's process stops with MemoryError beyond it")
    parser.add_argument("--reuse", action="store_true",
                        help="time the run again on a database kept with --keep: no install, no generation")
    args = parser.parse_args()
    odoo_dir = cuv.require_odoo()
    pg = cuv.Postgres().ensure()
    dbname = args.database
    reuse = args.reuse and pg.database_has_module(dbname)
    if not reuse:
        pg.drop_database(dbname)
    try:
        shell = shell_command(odoo_dir, pg, dbname)
        if args.limit_memory_hard is not None:
            shell.append("--limit-memory-hard=%d" % args.limit_memory_hard)
        if reuse:
            # the addon's code may have changed since: update it, keep the data
            subprocess.run(cuv.odoo_command(odoo_dir, pg, dbname, "-u", cuv.MODULE, "--stop-after-init",
                                            "--log-level=warn", "--http-port=%d" % args.http_port), check=True)
            generated = None
        else:
            subprocess.run(cuv.odoo_command(odoo_dir, pg, dbname, "-i", cuv.MODULE, "--without-demo=all",
                                            "--stop-after-init", "--log-level=warn",
                                            "--http-port=%d" % args.http_port), check=True)
            start = time.monotonic()
            generate_sales(shell, args.customers, args.orders, lines=not args.without_lines)
            generated = time.monotonic() - start
        _code, stdout, stderr = run_script(shell, "bench_segmentation.py", {
            "customers": args.customers, "orders": args.orders, "compare": min(args.compare, args.customers),
            "orm_sample": args.orm_sample, "nightly": args.nightly})
        lines = [line[6:] for line in stdout.splitlines() if line.startswith("BENCH ")]
        if lines and generated is not None:
            lines.insert(0, "%-75s %12.2f" % ("generation and its ORM check, with the shell's start (s)", generated))
        print("\n".join(lines) or stdout[-3000:] + stderr[-3000:])
        return 0 if lines else 1
    finally:
        if not args.keep:
            pg.drop_database(dbname)
        pg.stop_if_started_here()


if __name__ == "__main__":
    sys.exit(main())
