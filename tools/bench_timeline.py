#!/usr/bin/env python3
"""Benchmark of the touchpoint timeline of a customer with 10,000 touches.

    python3 tools/bench_timeline.py [--touches 10000] [--others 2000] [--other-touches 20] [--calls 7]
                                    [--database NAME]

Creates a scratch database with crm_unified_view (no demo data), writes a customer with
``touches`` touches of every kind (emails in and out, calls, meetings, complaints, orders,
invoices, survey answers, help-page votes) and ``others`` other customers with emails straight
in PostgreSQL (tools/shell/bench_timeline.py), then times opening the customer's timeline as a
user with customer information, sales, invoicing and survey rights: the list's first page of
80 rows (``web_search_read``, with the pager's count) and the customer's touch figures; median
server time over ``calls`` calls and the query count. The scratch database is dropped at the end.
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cuv  # noqa: E402  (the project's run/test helpers)
from cuvlib.odoo_process import run_benchmark  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--touches", type=int, default=10_000)
    parser.add_argument("--others", type=int, default=2_000)
    parser.add_argument("--other-touches", type=int, default=20)
    parser.add_argument("--calls", type=int, default=7)
    parser.add_argument("--http-port", type=int, default=8172)
    parser.add_argument("--database", default=cuv.TEST_DB + "_bench_timeline", help="the scratch database (dropped)")
    args = parser.parse_args()
    return run_benchmark(args.database, "bench_timeline.py", {
        "touches": args.touches, "others": args.others, "other_touches": args.other_touches, "calls": args.calls,
    }, args.http_port)


if __name__ == "__main__":
    sys.exit(main())
