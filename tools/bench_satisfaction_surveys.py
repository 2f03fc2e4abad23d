#!/usr/bin/env python3
"""Benchmark of the nightly satisfaction surveys over customers who each bought in the last year.

    python3 tools/bench_satisfaction_surveys.py [--customers 100000] [--salespeople 20] [--database NAME]

Creates a scratch database with crm_unified_view (no demo data), writes the customers, one
confirmed order each (spread over the last year), the invoices of the last 30 days' orders,
earlier surveys and withdrawn consents straight in PostgreSQL
(tools/shell/bench_satisfaction_surveys.py), then times the selection of the due customers
(one query per kind) and one call of the daily action (a batch of invitations). The scratch
database is dropped at the end.
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cuv  # noqa: E402  (the project's run/test helpers)
from cuvlib.odoo_process import run_benchmark  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--salespeople", type=int, default=20)
    parser.add_argument("--http-port", type=int, default=8172)
    parser.add_argument("--database", default=cuv.TEST_DB + "_bench_surveys", help="the scratch database (dropped)")
    args = parser.parse_args()
    return run_benchmark(args.database, "bench_satisfaction_surveys.py", {
        "customers": args.customers, "salespeople": args.salespeople}, args.http_port)


if __name__ == "__main__":
    sys.exit(main())
