#!/usr/bin/env python3
"""Benchmark of the reply-alarm cron: 100,000 open clocks, how long does a scan take?

    python3 tools/bench_reply_alarm.py [--clocks 100000] [--due 100]

Creates a scratch database, installs crm_unified_view without demo data, inserts the open
clocks straight in PostgreSQL (``--due`` of them past their deadline), times the cron's
scan of due clocks and one full cron run, then drops the database.
"""
import argparse
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cuv import MODULE, Postgres, odoo_command, require_odoo, say  # noqa: E402
from cuvlib.odoo_process import run_script, shell_command  # noqa: E402

DB = "crm_unified_view_bench" + os.environ.get("CUV_DB_SUFFIX", "")

def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clocks", type=int, default=100000)
    parser.add_argument("--due", type=int, default=100)
    parser.add_argument("--http-port", type=int, default=8279)
    args = parser.parse_args()
    odoo_dir = require_odoo()
    pg = Postgres().ensure()
    pg.drop_database(DB)
    try:
        say("Installing %s in the scratch database %s." % (MODULE, DB))
        subprocess.run(odoo_command(odoo_dir, pg, DB, "-i", MODULE, "--without-demo=all", "--stop-after-init",
                                    "--http-port=%d" % args.http_port, "--log-level=warn"), check=True)
        say("Inserting %d open clocks (%d due) and timing the cron." % (args.clocks, args.due))
        code, stdout, stderr = run_script(shell_command(odoo_dir, pg, DB), "bench_reply_alarm.py",
                                          {"clocks": args.clocks, "due": args.due})
        print(stdout, end="")
        if code:
            print(stderr[-3000:], end="", file=sys.stderr)
            return code
    finally:
        pg.drop_database(DB)
        pg.stop_if_started_here()
    return 0


if __name__ == "__main__":
    sys.exit(main())
