#!/usr/bin/env python3
"""A simulated year of nightly segmentation runs under the retention policy (prints its figures).

    python3 tools/bench_retention.py [--customers 100000] [--orders 1000000] [--days 365]

Creates a scratch database with crm_unified_view and generated sales (tools/sql/generate_sales.sql),
runs one real segmentation, then for each of --days nights saves a copy of its customer lines
as that night's run and lets the nightly pruning (the cron's method, batch by batch) apply the
default policy on that day. Prints the runs and customer lines kept, the table sizes, and
checks that every kept run still holds a line for every customer. The database is dropped.
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cuv  # noqa: E402  (the project's run/test helpers)
from cuvlib.odoo_process import generate_sales, run_benchmark  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--http-port", type=int, default=8173)
    args = parser.parse_args()
    return run_benchmark(cuv.TEST_DB + "_retention", "bench_retention.py", {"days": args.days}, args.http_port,
                         prepare=lambda shell: generate_sales(shell, args.customers, args.orders))


if __name__ == "__main__":
    sys.exit(main())
