#!/usr/bin/env python3
"""Benchmark of the care rules at the end of a 1,000,000-customer run where 10,000 customers changed stage.

    python3 tools/bench_care_rules.py [--customers 1000000] [--changed 10000] [--salespeople 20]
                                      [--database NAME]

Creates a scratch database with crm_unified_view (no demo data), writes the customers and the
results of two runs straight in PostgreSQL (tools/shell/bench_care_rules.py), switches on the
four shipped care rules and times their evaluation on the second run, as the run calls it:
the re-development rule launches its two-step activity plan for every customer who changed.
The scratch database is dropped at the end.
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
    parser.add_argument("--changed", type=int, default=10_000)
    parser.add_argument("--salespeople", type=int, default=20)
    parser.add_argument("--http-port", type=int, default=8171)
    parser.add_argument("--database", default=cuv.TEST_DB + "_bench_care", help="the scratch database (dropped)")
    args = parser.parse_args()
    return run_benchmark(args.database, "bench_care_rules.py", {
        "customers": args.customers, "changed": args.changed, "salespeople": args.salespeople}, args.http_port)


if __name__ == "__main__":
    sys.exit(main())
