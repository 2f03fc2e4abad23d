"""Retention benchmark: a year of nightly runs, each a copy of one real run's customer lines,
pruned every night by the cron's method. Runs inside ``odoo shell``, which gives ``env``.
Parameters: days. Prints ``BENCH <figure> <value>`` lines.
"""
import datetime
import json
import os
import time

params = json.load(open(os.environ["CUV_SHELL_PARAMS"], encoding="utf-8"))
Run = env["crm.segmentation.run"]
company = env.company
company.write({"segmentation_keep_days": 35, "segmentation_keep_months": 24})
first_night = datetime.date.today() - datetime.timedelta(days=params["days"] - 1)
# the real run, alone in its month (40 days before the first night): the policy keeps it
base = Run.create({"n_segments": 5, "date_as_of": first_night - datetime.timedelta(days=40)})
base._run()
env.cr.commit()
customers = base.customer_count
env.cr.execute("SELECT column_name FROM information_schema.columns WHERE table_name = 'crm_segmentation_result' "
               "AND column_name NOT IN ('id', 'run_id', 'date_as_of')")
columns = ", ".join(row[0] for row in env.cr.fetchall())
started, prune_calls, prune_time = time.monotonic(), 0, 0.0
for night in range(params["days"]):
    day = first_night + datetime.timedelta(days=night)
    run = base.copy({"date_as_of": day})
    env.cr.execute("UPDATE crm_segmentation_run SET state = 'done', customer_count = %s, create_date = %s "
                   "WHERE id = %s", [customers, day, run.id])
    env.cr.execute("INSERT INTO crm_segmentation_result (run_id, date_as_of, %s) SELECT %%s, %%s, %s "
                   "FROM crm_segmentation_result WHERE run_id = %%s" % (columns, columns), [run.id, day, base.id])
    env.invalidate_all()
    start = time.monotonic()
    while Run._runs_to_prune(today=day):
        Run._cron_prune_runs(today=day)
        prune_calls += 1
    prune_time += time.monotonic() - start
    env.cr.commit()
env.cr.execute("SELECT run_id, COUNT(*) FROM crm_segmentation_result GROUP BY run_id")
lines = dict(env.cr.fetchall())
kept = Run.search([("company_id", "=", company.id)])
incomplete = [run.id for run in kept if lines.get(run.id) != customers]
env.cr.execute("SELECT pg_total_relation_size('crm_segmentation_result'), pg_total_relation_size('crm_segmentation_run')")
result_size, run_size = env.cr.fetchone()
figures = {
    "customers": customers,
    "nights simulated": params["days"],
    "runs kept": len(kept),
    "customer lines kept": sum(lines.values()),
    "customer lines kept / customers": sum(lines.values()) / customers,
    "kept runs missing a customer's line": len(incomplete),
    "crm_segmentation_result size (MiB)": result_size / 2 ** 20,
    "crm_segmentation_run size (MiB)": run_size / 2 ** 20,
    "pruning calls": prune_calls,
    "pruning time, all nights (s)": prune_time,
    "whole simulation (s)": time.monotonic() - started,
}
for name, value in figures.items():
    print("BENCH %-55s %12.2f" % (name, value))
if incomplete:
    print("FAILED: runs %s lack customer lines" % incomplete)
