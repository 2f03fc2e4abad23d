"""Care-rule benchmark: the shipped rules evaluated after a run of ``customers`` customers of
whom ``changed`` moved to the re-development stage since the previous run.

Runs inside ``odoo shell``, which gives ``env``. Parameters: customers, changed, salespeople.
The customers and the two runs' results are written straight in SQL (INSERT ... SELECT
generate_series), the customers and the previous run committed; the rules are then timed as
the run calls them, in the transaction that wrote the run's results. Commits: use it on a
scratch database only. Prints ``BENCH <figure> <value>``.
"""
import json
import os
import time
from datetime import timedelta

import psycopg2

from odoo import fields
from odoo.sql_db import connection_info_for

params = json.load(open(os.environ["CUV_SHELL_PARAMS"], encoding="utf-8"))
customers, changed = params["customers"], params["changed"]
company = env.company
users = env["res.users"].create([{"name": "Bench salesperson %d" % index, "login": "bench_sales_%d" % index}
                                 for index in range(params["salespeople"])])
started = time.monotonic()
env.cr.execute("""
    INSERT INTO res_partner (name, complete_name, active, is_company, customer_rank, type, lang, autopost_bills,
                             user_id, create_date, write_date)
    SELECT 'Bench customer ' || g, 'Bench customer ' || g, true, true, 1, 'contact', 'en_US', 'ask',
           (%(users)s)[1 + g %% array_length(%(users)s, 1)], now(), now()
      FROM generate_series(1, %(customers)s) g;
    UPDATE res_partner SET commercial_partner_id = id WHERE commercial_partner_id IS NULL;
""", {"customers": customers, "users": users.ids})
today = fields.Date.context_today(env.user)
previous, run = env["crm.segmentation.run"].create([
    {"date_as_of": today - timedelta(days=7), "state": "done"}, {"date_as_of": today, "state": "done"}])


def write_results(this, moved):
    """The results of a run as it writes them: every customer a repeat buyer in retention, of
    medium value, active; the first ``moved`` of them went quiet: re-development."""
    env.cr.execute("""
        INSERT INTO crm_segmentation_result (run_id, date_as_of, partner_id, lifecycle_stage, value_tier,
                                             recency_days, frequency, probability_alive, at_risk)
        SELECT %(run)s, %(day)s, p.id, CASE WHEN p.n <= %(moved)s THEN 'redevelopment' ELSE 'retention' END,
               'medium', 20, 4, 0.9, false
          FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM res_partner
                 WHERE name LIKE 'Bench customer %%') p
    """, {"run": this.id, "day": this.date_as_of, "moved": moved})


# The customers and the previous run are old news: committed and vacuumed, as in a live
# database. The run's own results are written in the transaction that evaluates the rules.
write_results(previous, 0)
env.cr.commit()
maintenance = psycopg2.connect(**connection_info_for(env.cr.dbname)[1])
maintenance.autocommit = True  # VACUUM runs outside any transaction
with maintenance.cursor() as cursor:
    cursor.execute("VACUUM ANALYZE res_partner")
    cursor.execute("VACUUM ANALYZE crm_segmentation_result")
maintenance.close()
write_results(run, changed)
generated = time.monotonic() - started
rules = env["crm.care.rule"].with_context(active_test=False).search([("company_id", "=", company.id)])
rules.active = True
env.flush_all()

creates = []
Activity = type(env["mail.activity"])
original_create = Activity.create


def counted_create(self, vals_list):
    creates.append(len(vals_list) if isinstance(vals_list, list) else 1)
    return original_create(self, vals_list)


Activity.create = counted_create
acting = []
Rule = type(env["crm.care.rule"])
original_act = Rule._act


def timed_act(self, partners, run):
    start = time.monotonic()
    try:
        return original_act(self, partners, run)
    finally:
        acting.append(time.monotonic() - start)


Rule._act = timed_act
started = time.monotonic()
env["crm.care.rule"]._apply_run(run)
env.flush_all()
elapsed = time.monotonic() - started
started = time.monotonic()
env["crm.care.rule"]._apply_run(run)  # the same run again: nothing enters twice
again = time.monotonic() - started
Activity.create = original_create
Rule._act = original_act
env.cr.execute("SELECT COUNT(*) FROM crm_care_rule_firing WHERE run_id = %s", [run.id])
firings = env.cr.fetchone()[0]
env.cr.execute("SELECT COUNT(*) FROM mail_activity WHERE res_model = 'res.partner'")
activities = env.cr.fetchone()[0]
for label, value in [
        ("customers in each run", customers), ("customers who changed stage", changed),
        ("active care rules", len(rules)), ("generation of customers and results (s)", generated),
        ("care rules after the run (s)", elapsed),
        ("  of which the actions (s)", sum(acting)), ("customers entered a rule", firings),
        ("activities created", activities), ("mail.activity create calls", len(creates)),
        ("largest create (activities)", max(creates or [0])), ("the same run again (s)", again)]:
    print("BENCH %-60s %12.2f" % (label, value))
env.cr.rollback()  # the scratch database is dropped anyway
