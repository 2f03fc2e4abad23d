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
    args = parser.parse_args()
    odoo_dir = cuv.require_odoo()
    pg = cuv.Postgres().ensure()
    dbname = cuv.TEST_DB + "_bench"
    pg.drop_database(dbname)
    try:
        subprocess.run(cuv.odoo_command(odoo_dir, pg, dbname, "-i", cuv.MODULE, "--without-demo=all",
                                        "--stop-after-init", "--log-level=warn", "--http-port=%d" % args.http_port),
                       check=True)
        shell = shell_command(odoo_dir, pg, dbname)
        generate_sales(shell, args.customers, args.orders)
        _code, stdout, stderr = run_script(shell, "bench_segmentation.py", {
            "customers": args.customers, "orders": args.orders, "compare": min(args.compare, args.customers),
            "orm_sample": args.orm_sample})
        lines = [line[6:] for line in stdout.splitlines() if line.startswith("BENCH ")]
        print("\n".join(lines) or stdout[-3000:] + stderr[-3000:])
        return 0 if lines else 1
    finally:
        pg.drop_database(dbname)
        pg.stop_if_started_here()


if __name__ == "__main__":
    sys.exit(main())
