#!/usr/bin/env python3
"""What the addon costs the sales team's daily work (prints its figures).

    python3 tools/bench_daily_work.py [--customers 2000] [--orders 20000] [--confirm 500] [--post 200]
                                      [--form-orders 10000] [--rounds 5] [--http-port 8172]
                                      [--db-prefix NAME] [--keep]

Builds one scratch database with the addon's dependencies only (Odoo without the addon) and
generated sales (tools/sql/generate_sales.sql), one customer of which has --form-orders
orders; copies it, installs crm_unified_view in the copy and runs a segmentation there (so
that confirming an order rescores its customer, as it does every day). Then, in --rounds
rounds, each one Odoo process that holds both databases and alternates between them item by
item (which one goes first alternating too), so that what else the machine does weighs on both
alike:
  1. confirming --confirm quotations one by one, each in its own transaction, as a user would,
     then posting --post customer invoices the same way (a share of them each round; the
     figures are the sums over the rounds);
  2. reading a customer's form (its view and every field of it, as the web client does) for
     the customer with --form-orders orders and for one with a few: server time (the median
     over the rounds of each round's median of 15 warm reads) and queries; with the addon, then
     the same for opening the form's Customer 360 tab (its figures view of the customer).
Both databases (named after --db-prefix) are dropped at the end, unless --keep.
"""
import argparse
import ast
import os
import statistics
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cuv  # noqa: E402  (the project's run/test helpers)
from cuvlib.odoo_process import generate_sales, run_script, shell_command  # noqa: E402
from cuvlib.postgres import connect  # noqa: E402


def dependencies():
    with open(os.path.join(cuv.ROOT, cuv.MODULE, "__manifest__.py"), encoding="utf-8") as manifest:
        return ast.literal_eval(manifest.read())["depends"]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--customers", type=int, default=2000)
    parser.add_argument("--orders", type=int, default=20000)
    parser.add_argument("--confirm", type=int, default=500)
    parser.add_argument("--post", type=int, default=200)
    parser.add_argument("--form-orders", type=int, default=10000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--http-port", type=int, default=8172)
    parser.add_argument("--db-prefix", default=None, help="databases' names begin with it (default: the test database)")
    parser.add_argument("--keep", action="store_true", help="keep both databases, to profile them afterwards")
    args = parser.parse_args()
    odoo_dir = cuv.require_odoo()
    pg = cuv.Postgres().ensure()
    prefix = args.db_prefix or cuv.TEST_DB
    without, with_addon = prefix + "_daily_without", prefix + "_daily_with"
    for dbname in (without, with_addon):
        pg.drop_database(dbname)
    try:
        install = ["--without-demo=all", "--stop-after-init", "--log-level=warn", "--http-port=%d" % args.http_port]
        subprocess.run(cuv.odoo_command(odoo_dir, pg, without, "-i", ",".join(dependencies()), *install), check=True)
        generate_sales(shell_command(odoo_dir, pg, without), args.customers, args.orders)
        params = {"confirm": args.confirm, "post": args.post, "form_orders": args.form_orders}
        run_script(shell_command(odoo_dir, pg, without), "bench_daily_work.py", dict(params, step="prepare"))
        connection = connect(pg.host, pg.port, pg.user)
        connection.cursor().execute('CREATE DATABASE "%s" TEMPLATE "%s"' % (with_addon, without))
        connection.close()
        subprocess.run(cuv.odoo_command(odoo_dir, pg, with_addon, "-i", cuv.MODULE, *install), check=True)
        run_script(shell_command(odoo_dir, pg, with_addon), "bench_daily_work.py", dict(params, step="segment"))
        sides = {"without": "without the addon", "with": "with the addon"}
        figures = {label: {} for label in sides.values()}
        for number in range(args.rounds):
            _code, stdout, stderr = run_script(shell_command(odoo_dir, pg, with_addon), "bench_daily_work.py", dict(
                params, step="round", round=number, rounds=args.rounds, databases={"without": without, "with": with_addon}))
            lines = [line.split(" ", 3)[1:] for line in stdout.splitlines() if line.startswith("BENCH ")]
            if not lines:
                print(stdout[-3000:], stderr[-3000:], sep="\n")
                return 1
            for side, value, name in lines:
                figures[sides[side]].setdefault(name, []).append(float(value))
        for name, values in figures["without the addon"].items():
            # durations of a share of the work add up; a form's time is a median; a count is a count
            combine = sum if "one by one" in name else statistics.median
            base, addon = combine(values), combine(figures["with the addon"][name])
            print("%-66s %10.3f %10.3f %8.2fx" % (name, base, addon, addon / base if base else float("nan")))
        for name, values in figures["with the addon"].items():
            if name not in figures["without the addon"]:  # what only the addon has: its Customer 360 tab
                print("%-66s %10s %10.3f" % (name, "", statistics.median(values)))
        return 0
    finally:
        for dbname in (without, with_addon) if not args.keep else ():
            pg.drop_database(dbname)
        pg.stop_if_started_here()


if __name__ == "__main__":
    sys.exit(main())
