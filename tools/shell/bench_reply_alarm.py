"""Reply-alarm benchmark: open clocks inserted in PostgreSQL, then the cron's scan and run timed.

Runs inside ``odoo shell``, which gives ``env``. Parameters: clocks, due.
"""
import json
import os
import time

params = json.load(open(os.environ["CUV_SHELL_PARAMS"], encoding="utf-8"))
clocks, due = params["clocks"], params["due"]
partner = env["res.partner"].create({"name": "Bench customer"})
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
