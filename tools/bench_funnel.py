#!/usr/bin/env python3
"""Benchmark of the lifecycle funnel over 1,000,000 customers and their stage history.

    python3 tools/bench_funnel.py [--customers 1000000] [--salespeople 20] [--database NAME]

Creates a scratch database with crm_unified_view (no demo data), writes the customers and their
lifecycle history straight in PostgreSQL (tools/shell/bench_funnel.py: one to five stages each,
generate_series), and times the funnel as the graph and the pivot read it (read_group of the
report's measures) by stage, by stage and month, and by stage and salesperson, as a manager and
as a salesperson who sees their own customers only. The scratch database is dropped at the end.
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cuv  # noqa: E402  (the project's run/test helpers)
from cuvlib.odoo_process import run_benchmark  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--salespeople", type=int, default=20)
    parser.add_argument("--http-port", type=int, default=8172)
    parser.add_argument("--database", default=cuv.TEST_DB + "_bench_funnel", help="the scratch database (dropped)")
    parser.add_argument("--keep", action="store_true",
                        help="keep the database, and time again on the customers of a kept one")
    args = parser.parse_args()
    return run_benchmark(args.database, "bench_funnel.py", {
        "customers": args.customers, "salespeople": args.salespeople}, args.http_port, keep=args.keep)


if __name__ == "__main__":
    sys.exit(main())
