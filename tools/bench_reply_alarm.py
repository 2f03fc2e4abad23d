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

DB = "crm_unified_view_bench" + os.environ.get("CUV_DB_SUFFIX", "")

SHELL_CODE = r"""
import time
clocks, due = {clocks}, {due}
partner = env["res.partner"].create({{"name": "Bench customer"}})
env.cr.execute('''
    INSERT INTO crm_reply_clock (res_model, res_id, record_name, partner_id, company_id, date_received,
                                 date_deadline, date_escalation, state, create_date, write_date)
    SELECT 'res.partner', %s, 'Bench customer', %s, %s, now() at time zone 'UTC' - interval '1 hour',
           CASE WHEN n <= %s THEN now() at time zone 'UTC' - interval '1 minute'
                ELSE now() at time zone 'UTC' + (n || ' seconds')::interval END,
           now() at time zone 'UTC' + interval '2 days', 'open', now(), now()
      FROM generate_series(1, %s) n''', [partner.id, partner.id, env.company.id, due, clocks])
env.cr.execute("ANALYZE crm_reply_clock")
Clock = env["crm.reply.clock"]
env.cr.execute("SELECT count(*) FROM crm_reply_clock WHERE state = 'open'")
print("open clocks:", env.cr.fetchone()[0])
env.cr.execute("EXPLAIN ANALYZE SELECT id FROM crm_reply_clock WHERE state = 'open' AND date_deadline <= now() at time zone 'UTC' ORDER BY date_deadline LIMIT 500")
print("plan:", " | ".join(row[0] for row in env.cr.fetchall()[:3]))
start = time.perf_counter()
ids = Clock._due_ids("open", "date_deadline", 500)
scan = time.perf_counter() - start
print("scan of due clocks: %.1f ms (%d due found)" % (scan * 1000, len(ids)))
start = time.perf_counter()
done = Clock.with_context(mail_notify_force_send=False)._cron_check_deadlines()
total = time.perf_counter() - start
print("full cron run: %.3f s (%d alarms raised, activity + notification each)" % (total, done))
start = time.perf_counter()
Clock._cron_check_deadlines()
print("next run, nothing due: %.1f ms" % ((time.perf_counter() - start) * 1000))
env.cr.rollback()
"""


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
        shell = odoo_command(odoo_dir, pg, DB, "--no-http", "--log-level=warn")
        shell.insert(3, "shell")  # python -m odoo shell <options>
        subprocess.run(shell, input=SHELL_CODE.format(clocks=args.clocks, due=args.due), text=True, check=True)
    finally:
        pg.drop_database(DB)
        pg.stop_if_started_here()
    return 0


if __name__ == "__main__":
    sys.exit(main())
