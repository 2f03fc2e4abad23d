"""Satisfaction-survey benchmark: the nightly selection and one batch of invitations over
``customers`` customers who each bought once in the last year.

Runs inside ``odoo shell``, which gives ``env``. Parameters: customers, salespeople. Written
straight in SQL (INSERT ... SELECT generate_series) and committed: customers with an email
address, one confirmed order each (one a day back over 365 days, cycling), a posted invoice
for the orders of the last 30 days (invoiced the day after), a periodic survey sent to one
customer in three over the last 200 days, and a withdrawn marketing consent for one in fifty.
Commits: use it on a scratch database only. Prints ``BENCH <figure> <value>``.
"""
import json
import os
import time

import psycopg2

from odoo import fields
from odoo.sql_db import connection_info_for

params = json.load(open(os.environ["CUV_SHELL_PARAMS"], encoding="utf-8"))
customers = params["customers"]
company = env.company
users = env["res.users"].create([{"name": "Bench salesperson %d" % index, "login": "bench_sales_%d" % index}
                                 for index in range(params["salespeople"])])
product = env["product.product"].create({"name": "Bench tea", "list_price": 100.0})
survey = env.ref("crm_unified_view.survey_customer_satisfaction")
journal = env["account.journal"].search([("type", "=", "sale"), ("company_id", "=", company.id)], limit=1)
company.write({"satisfaction_post_purchase_survey_id": survey.id, "satisfaction_periodic_survey_id": survey.id})
env.flush_all()
started = time.monotonic()
sql = {"customers": customers, "users": users.ids, "company": company.id, "product": product.id,
       "uom": product.uom_id.id, "journal": journal.id, "account": journal.default_account_id.id, "currency": company.currency_id.id, "survey": survey.id}
env.cr.execute("""
    INSERT INTO res_partner (name, complete_name, email, email_normalized, active, is_company, customer_rank, type,
                             lang, autopost_bills, user_id, create_date, write_date)
    SELECT 'Bench customer ' || g, 'Bench customer ' || g, 'c' || g || '@bench.example.com',
           'c' || g || '@bench.example.com', true, true, 1, 'contact', 'en_US', 'ask',
           (%(users)s)[1 + g %% array_length(%(users)s, 1)], now(), now()
      FROM generate_series(1, %(customers)s) g;
    UPDATE res_partner SET commercial_partner_id = id WHERE commercial_partner_id IS NULL;
    INSERT INTO sale_order (name, state, company_id, partner_id, partner_invoice_id, partner_shipping_id, user_id,
                            currency_id, date_order, amount_untaxed, create_date, write_date)
    SELECT 'BENCH/' || p.id, 'sale', %(company)s, p.id, p.id, p.id, p.user_id, %(currency)s,
           now() - (p.id %% 365) * INTERVAL '1 day', 100, now(), now()
      FROM res_partner p WHERE p.name LIKE 'Bench customer %%';
    INSERT INTO sale_order_line (order_id, name, product_id, product_uom, product_uom_qty, price_unit, customer_lead,
                                 company_id, currency_id, create_date, write_date)
    SELECT so.id, 'Bench tea', %(product)s, %(uom)s, 1, 100, 0, %(company)s, %(currency)s, now(), now()
      FROM sale_order so WHERE so.name LIKE 'BENCH/%%';
    INSERT INTO account_move (name, ref, journal_id, company_id, currency_id, partner_id, commercial_partner_id, state,
                              move_type, auto_post, date, invoice_date, create_date, write_date)
    SELECT 'BINV/' || so.id, so.name, %(journal)s, %(company)s, %(currency)s, so.partner_id, so.partner_id, 'posted',
           'out_invoice', 'no', so.date_order::date + 1, so.date_order::date + 1, now(), now()
      FROM sale_order so WHERE so.name LIKE 'BENCH/%%' AND so.date_order >= now() - INTERVAL '30 days';
    INSERT INTO account_move_line (move_id, account_id, company_id, currency_id, display_type, product_id, quantity,
                                   price_unit, create_date, write_date)
    SELECT am.id, %(account)s, %(company)s, %(currency)s, 'product', %(product)s, 1, 100, now(), now()
      FROM account_move am WHERE am.name LIKE 'BINV/%%';
    INSERT INTO sale_order_line_invoice_rel (invoice_line_id, order_line_id)
    SELECT aml.id, sol.id FROM account_move_line aml JOIN account_move am ON am.id = aml.move_id
      JOIN sale_order so ON so.name = am.ref JOIN sale_order_line sol ON sol.order_id = so.id
     WHERE am.name LIKE 'BINV/%%';
    INSERT INTO survey_user_input (survey_id, access_token, state, partner_id, customer_id, satisfaction_trigger,
                                   satisfaction_company_id, create_date, write_date)
    SELECT %(survey)s, md5('bench' || p.id), 'new', p.id, p.id, 'periodic', %(company)s,
           now() - (p.id %% 200) * INTERVAL '1 day', now()
      FROM res_partner p WHERE p.name LIKE 'Bench customer %%' AND p.id %% 3 = 0;
    INSERT INTO crm_customer_consent (partner_id, purpose, channel, state, date_given, date_withdrawn)
    SELECT p.id, 'marketing', 'web', 'withdrawn', now()::date - 100, now()::date - 10
      FROM res_partner p WHERE p.name LIKE 'Bench customer %%' AND p.id %% 50 = 0;
""", sql)
env.cr.commit()
maintenance = psycopg2.connect(**connection_info_for(env.cr.dbname)[1])
maintenance.autocommit = True  # VACUUM runs outside any transaction
with maintenance.cursor() as cursor:
    for table in ("res_partner", "sale_order", "sale_order_line", "account_move", "account_move_line",
                  "sale_order_line_invoice_rel", "survey_user_input", "crm_customer_consent"):
        cursor.execute("VACUUM ANALYZE %s" % table)
maintenance.close()
generated = time.monotonic() - started
env.invalidate_all()

Survey = env["survey.survey"]
today = fields.Date.context_today(Survey)
timings = {}
for label, call in [
        ("post-purchase due (s)", lambda: Survey._post_purchase_due(company, today)),
        ("periodic due (s)", lambda: Survey._periodic_due(company, today))]:
    started = time.monotonic()
    timings[label] = (call(), time.monotonic() - started)
post_due, periodic_due = timings["post-purchase due (s)"][0], timings["periodic due (s)"][0]
candidates = {row[2] for row in post_due} | {row[0] for row in periodic_due}
started = time.monotonic()
excluded = Survey._satisfaction_excluded_partners(company, today, candidates)
excluding = time.monotonic() - started
started = time.monotonic()
sent = Survey._cron_send_satisfaction_surveys()
env.flush_all()
batch = time.monotonic() - started
started = time.monotonic()
Survey._cron_send_satisfaction_surveys(limit=0)  # the selection again, nothing sent
selection = time.monotonic() - started
for label, value in [
        ("customers (one order each)", customers), ("generation (s)", generated),
        ("orders due for a post-purchase survey", len(post_due)),
        ("  query (s)", timings["post-purchase due (s)"][1]),
        ("active customers due for a periodic survey", len(periodic_due)),
        ("  query (s)", timings["periodic due (s)"][1]),
        ("due customers excluded (throttle, consent, email)", len(excluded & candidates)),
        ("  query (s)", excluding),
        ("one call of the daily action: invitations sent", len(sent)),
        ("  time (s)", batch), ("  per invitation (ms)", 1000.0 * batch / max(len(sent), 1)),
        ("selection of a call that sends nothing (s)", selection)]:
    print("BENCH %-60s %12.2f" % (label, value))
env.cr.rollback()  # the scratch database is dropped anyway
