"""Funnel benchmark: the lifecycle funnel read over ``customers`` customers and their history.

Runs inside ``odoo shell``, which gives ``env``. Parameters: customers, salespeople. Each
customer walks through one to five stages in funnel order from a day of 2024-2025, each stage
15 to 74 days, the last still open. Written straight in SQL (INSERT ... SELECT
generate_series), committed and vacuumed as in a live database. Commits: use it on a scratch
database only. Prints ``BENCH <figure> <value>``.
"""
import json
import os
import time

import psycopg2

from odoo.sql_db import connection_info_for

params = json.load(open(os.environ["CUV_SHELL_PARAMS"], encoding="utf-8"))
customers = params["customers"]
company = env.company
users = env["res.users"].search([("login", "=like", "bench_sales_%")], order="id")
manager = env["res.users"].search([("login", "=", "bench_manager")])
rows, generated = 0, 0.0
if not users:  # a kept database has them already
    users = env["res.users"].create([{"name": "Bench salesperson %d" % index, "login": "bench_sales_%d" % index,
                                      "groups_id": [(4, env.ref("sales_team.group_sale_salesman").id),
                                                    (4, env.ref("crm_unified_view.group_customer_info_user").id)]}
                                     for index in range(params["salespeople"])])
    manager = env["res.users"].create({"name": "Bench manager", "login": "bench_manager", "groups_id": [
        (4, env.ref("crm_unified_view.group_customer_info_manager").id)]})
    started = time.monotonic()
    env.cr.execute("""
        INSERT INTO res_partner (name, complete_name, active, is_company, customer_rank, type, lang, autopost_bills,
                                 user_id, create_date, write_date)
        SELECT 'Bench customer ' || g, 'Bench customer ' || g, true, true, 1, 'contact', 'en_US', 'ask',
               (%(users)s)[1 + g %% array_length(%(users)s, 1)], now(), now()
          FROM generate_series(1, %(customers)s) g;
        UPDATE res_partner SET commercial_partner_id = id WHERE commercial_partner_id IS NULL;
    """, {"customers": customers, "users": users.ids})
    env.cr.execute("""
        WITH walk AS (
            SELECT p.id AS partner_id, p.user_id, s.n AS step, 1 + p.id %% 5 AS steps,
                   DATE '2024-01-01' + ((p.id::bigint * 7919) %% 700)::int + (s.n - 1) * (15 + p.id %% 60) AS date_from,
                   15 + p.id %% 60 AS days
              FROM res_partner p CROSS JOIN LATERAL generate_series(1, 1 + p.id %% 5) s(n)
             WHERE p.name LIKE 'Bench customer %%'),
        staged AS (
            SELECT w.*, (ARRAY['prospect', 'first_contact', 'conversion', 'retention', 'redevelopment'])[step] AS stage
              FROM walk w)
        INSERT INTO crm_lifecycle_history (partner_id, company_id, stage, next_stage, date_from, date_to, user_id,
                                           create_uid, create_date, write_uid, write_date)
        SELECT partner_id, %(company)s, stage,
               CASE WHEN step < steps THEN (ARRAY['prospect', 'first_contact', 'conversion', 'retention',
                                                  'redevelopment'])[step + 1] END,
               date_from, CASE WHEN step < steps THEN date_from + days END, user_id, 1, now(), 1, now()
          FROM staged
    """, {"company": company.id})
    rows = env.cr.rowcount
    env.cr.commit()
    maintenance = psycopg2.connect(**connection_info_for(env.cr.dbname)[1])
    maintenance.autocommit = True  # VACUUM runs outside any transaction
    with maintenance.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE res_partner")
        cursor.execute("VACUUM ANALYZE crm_lifecycle_history")
    maintenance.close()
    generated = time.monotonic() - started

MEASURES = ["entered:sum", "current:sum", "converted:sum", "conversion_rate:avg", "median_days:avg"]
env.cr.execute("SELECT COUNT(*) FROM crm_lifecycle_history")
figures = [("customers", customers), ("history rows", env.cr.fetchone()[0]), ("generation (s)", generated)]
for who, user in (("manager", manager), ("salesperson", users[0])):
    Funnel = env["crm.lifecycle.funnel"].with_user(user)
    for label, groupby in (("by stage", ["stage"]), ("by stage and month", ["stage", "month:month"]),
                           ("by stage and salesperson", ["stage", "user_id"])):
        env.invalidate_all()
        start = time.monotonic()
        groups = Funnel.read_group([], MEASURES, groupby, lazy=False)
        figures.append(("funnel %s, as %s (s)" % (label, who), time.monotonic() - start))
        if label == "by stage":
            for group in groups:
                figures.append(("  %s: entered / conversion %% / median days" % group["stage"],
                                "%d / %.1f / %s" % (group["entered"], group["conversion_rate"] or 0,
                                                    group["median_days"])))
for label, value in figures:
    print("BENCH %-60s %16s" % (label, "%.2f" % value if isinstance(value, float) else value))
env.cr.rollback()
