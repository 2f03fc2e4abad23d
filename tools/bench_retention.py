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
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cuv  # noqa: E402  (the project's run/test helpers)
from cuvlib.odoo_process import generate_sales, run_script, shell_command  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--http-port", type=int, default=8173)
    args = parser.parse_args()
    odoo_dir = cuv.require_odoo()
    pg = cuv.Postgres().ensure()
    dbname = cuv.TEST_DB + "_retention"
    pg.drop_database(dbname)
    try:
        subprocess.run(cuv.odoo_command(odoo_dir, pg, dbname, "-i", cuv.MODULE, "--without-demo=all",
                                        "--stop-after-init", "--log-level=warn", "--http-port=%d" % args.http_port),
                       check=True)
        shell = shell_command(odoo_dir, pg, dbname)
        generate_sales(shell, args.customers, args.orders)
        _code, stdout, stderr = run_script(shell, "bench_retention.py", {"days": args.days})
        lines = [line[6:] for line in stdout.splitlines() if line.startswith("BENCH ")]
        print("\n".join(lines) or stdout[-3000:] + stderr[-3000:])
        return 0 if lines and "FAILED" not in stdout else 1
    finally:
        pg.drop_database(dbname)
        pg.stop_if_started_here()


if __name__ == "__main__":
    sys.exit(main())
