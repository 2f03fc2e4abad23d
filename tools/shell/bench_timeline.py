"""Touchpoint timeline benchmark: a customer with ``touches`` touches of every kind among
``others`` customers with ``other_touches`` emails each; opening the customer's timeline (the
list's first page of 80 and the customer's figures) timed as a user with customer information,
sales, invoicing and survey rights.

Runs inside ``odoo shell``, which gives ``env``. The touches are written straight in SQL
(INSERT ... SELECT generate_series) and committed: use it on a scratch database only. Prints
``BENCH <figure> <value>``.
"""
import json
import os
import statistics
import time

params = json.load(open(os.environ["CUV_SHELL_PARAMS"], encoding="utf-8"))
touches, others, other_touches, calls = (params["touches"], params["others"], params["other_touches"],
                                         params["calls"])
# shares of the customer's touches by kind (what is left over are emails)
SHARES = {"activity": 0.10, "meeting": 0.05, "complaint": 0.05, "order": 0.15, "invoice": 0.15, "survey": 0.05,
          "vote": 0.05}
counts = {kind: int(touches * share) for kind, share in SHARES.items()}
counts["email"] = touches - sum(counts.values())

started = time.monotonic()
company = env.company


def new_user(login, name, groups):
    return env["res.users"].create({"login": login, "name": name, "groups_id": [
        (6, 0, [env.ref(xmlid).id for xmlid in groups])]})


user = new_user("bench_timeline_user", "Bench service lead", [
    "sales_team.group_sale_salesman_all_leads", "account.group_account_invoice", "survey.group_survey_user",
    "crm_unified_view.group_customer_info_user"])
staff = env["res.users"].create([{"name": "Bench staff %d" % index, "login": "bench_staff_%d" % index}
                                 for index in range(5)])
customer = env["res.partner"].create({"name": "Bench customer", "is_company": True, "customer_rank": 1})
contacts = env["res.partner"].create([{"name": "Bench contact %d" % index, "parent_id": customer.id}
                                      for index in range(5)])
portal = [new_user("bench_portal_%d" % index, "Bench portal %d" % index, ["base.group_portal"]) for index in range(5)]
for portal_user in portal:
    portal_user.partner_id.parent_id = customer
articles = env["crm.knowledge.article"].sudo().create([
    {"name": "Bench article %d" % index, "state": "approved"}
    for index in range(max(1, -(-counts["vote"] // len(portal))))])
survey = env["survey.survey"].create({"title": "Bench survey"})
journal = env["account.journal"].search([("type", "=", "sale"), ("company_id", "=", company.id)], limit=1)
env.flush_all()
cr = env.cr
ids = {
    "contacts": contacts.ids, "staff": staff.partner_id.ids, "staff_users": staff.ids, "customer": customer.id,
    "comment": env.ref("mail.mt_comment").id, "activities": env.ref("mail.mt_activities").id,
    "call": env.ref("mail.mail_activity_data_call").id, "company": company.id, "journal": journal.id,
    "currency": company.currency_id.id, "survey_id": survey.id, "articles": articles.ids,
    "portal": [portal_user.id for portal_user in portal],
}
ids.update(counts)
cr.execute("""
    -- other customers, each with emails from their own contact
    INSERT INTO res_partner (name, complete_name, active, is_company, customer_rank, type, lang, autopost_bills,
                             create_date, write_date)
    SELECT 'Other customer ' || g, 'Other customer ' || g, true, true, 1, 'contact', 'en_US', 'ask', now(), now()
      FROM generate_series(1, %(others)s) g;
    UPDATE res_partner SET commercial_partner_id = id WHERE commercial_partner_id IS NULL;
    INSERT INTO mail_message (model, res_id, author_id, message_type, subtype_id, subject, body, date,
                              create_date, write_date)
    SELECT 'res.partner', p.id, p.id, 'email', %(comment)s, 'Other mail ' || g, '<p>mail</p>',
           now() at time zone 'UTC' - g * interval '1 day', now(), now()
      FROM res_partner p CROSS JOIN generate_series(1, %(other_touches)s) g
     WHERE p.name LIKE 'Other customer %%';
""", dict(ids, others=others, other_touches=other_touches))
cr.execute("""
    -- emails: half written by a contact, half by staff to a contact, on the customer's record
    WITH m AS (
        INSERT INTO mail_message (model, res_id, author_id, message_type, subtype_id, subject, body, date,
                                  create_date, write_date)
        SELECT 'res.partner', %(customer)s,
               CASE WHEN g %% 2 = 0 THEN (%(contacts)s)[1 + g %% 5] ELSE (%(staff)s)[1 + g %% 5] END,
               CASE WHEN g %% 2 = 0 THEN 'email' ELSE 'comment' END, %(comment)s, 'Mail ' || g, '<p>mail</p>',
               now() at time zone 'UTC' - (g %% 700) * interval '1 day', now(), now()
          FROM generate_series(1, %(email)s) g
     RETURNING id, author_id)
    INSERT INTO mail_message_res_partner_rel (mail_message_id, res_partner_id)
    SELECT id, %(customer)s FROM m WHERE author_id <> ALL(%(contacts)s);
    -- calls logged as done activities
    INSERT INTO mail_message (model, res_id, author_id, message_type, subtype_id, mail_activity_type_id, subject,
                              body, date, create_date, write_date)
    SELECT 'res.partner', (%(contacts)s)[1 + g %% 5], (%(staff)s)[1 + g %% 5], 'notification', %(activities)s,
           %(call)s, 'Call ' || g, '<p>done</p>', now() at time zone 'UTC' - (g %% 700) * interval '1 day', now(), now()
      FROM generate_series(1, %(activity)s) g;
    -- meetings with a contact
    WITH e AS (
        INSERT INTO calendar_event (name, show_as, start, stop, user_id, active, privacy, create_date, write_date)
        SELECT 'Meeting ' || g, 'busy', now() at time zone 'UTC' - (g %% 700) * interval '1 day',
               now() at time zone 'UTC' - (g %% 700) * interval '1 day' + interval '1 hour',
               (%(staff_users)s)[1 + g %% 5], true, 'public', now(), now()
          FROM generate_series(1, %(meeting)s) g
     RETURNING id)
    INSERT INTO calendar_event_res_partner_rel (calendar_event_id, res_partner_id)
    SELECT id, (%(contacts)s)[1 + id %% 5] FROM e;
    INSERT INTO crm_complaint (name, subject, channel, date_received, company_id, partner_id, commercial_partner_id,
                               user_id, create_date, write_date)
    SELECT 'BENCH/' || g, 'Complaint ' || g, 'phone', now() at time zone 'UTC' - (g %% 700) * interval '1 day',
           %(company)s, (%(contacts)s)[1 + g %% 5], %(customer)s, (%(staff_users)s)[1 + g %% 5], now(), now()
      FROM generate_series(1, %(complaint)s) g;
    INSERT INTO sale_order (name, partner_id, partner_invoice_id, partner_shipping_id, company_id, date_order, state,
                            user_id, currency_id, create_date, write_date)
    SELECT 'SO/BENCH/' || g, %(customer)s, %(customer)s, %(customer)s, %(company)s,
           now() at time zone 'UTC' - (g %% 700) * interval '1 day', 'sale', (%(staff_users)s)[1 + g %% 5],
           %(currency)s, now(), now()
      FROM generate_series(1, %(order)s) g;
    INSERT INTO account_move (name, move_type, state, auto_post, journal_id, currency_id, company_id, partner_id,
                              commercial_partner_id, date, invoice_date, invoice_user_id, create_date, write_date)
    SELECT 'INV/BENCH/' || g, 'out_invoice', 'posted', 'no', %(journal)s, %(currency)s, %(company)s, %(customer)s,
           %(customer)s, current_date - (g %% 700), current_date - (g %% 700), (%(staff_users)s)[1 + g %% 5],
           now(), now()
      FROM generate_series(1, %(invoice)s) g;
    INSERT INTO survey_user_input (survey_id, partner_id, state, access_token, end_datetime, create_date, write_date)
    SELECT %(survey_id)s, (%(contacts)s)[1 + g %% 5], 'done', md5('bench' || g),
           now() at time zone 'UTC' - (g %% 700) * interval '1 day', now(), now()
      FROM generate_series(1, %(survey)s) g;
    INSERT INTO crm_knowledge_vote (article_id, user_id, helpful, company_id, create_date, write_date)
    SELECT (%(articles)s)[1 + (g - 1) / array_length(%(portal)s, 1)], (%(portal)s)[1 + (g - 1) %% array_length(%(portal)s, 1)],
           true, %(company)s, now(), now() at time zone 'UTC' - (g %% 700) * interval '1 day'
      FROM generate_series(1, %(vote)s) g;
""", ids)
cr.commit()
cr.execute("ANALYZE")
generated = time.monotonic() - started

Partner = env["res.partner"].with_user(user)
Touch = env["crm.touchpoint"].with_user(user)
SPEC = {"date": {}, "channel": {}, "direction": {}, "name": {}, "record_name": {}, "res_model": {},
        "partner_id": {"fields": {"display_name": {}}}, "user_id": {"fields": {"display_name": {}}}}
FIGURES = ["touch_count_90d", "touch_inbound_90d", "touch_outbound_90d", "touch_channel_summary",
           "last_touch_date", "days_since_last_touch"]


def open_timeline():
    env.invalidate_all()
    action = Partner.browse(customer.id).action_view_touchpoints()
    page = Touch.web_search_read(action["domain"], SPEC, limit=80, order="date desc, id desc", count_limit=10001)
    figures = Partner.browse(customer.id).read(FIGURES)[0]
    return page, figures


open_timeline()  # warm-up: caches of views, rules and the registry
timings, queries = [], []
for _call in range(calls):
    before = cr.sql_log_count
    begin = time.perf_counter()
    page, figures = open_timeline()
    timings.append((time.perf_counter() - begin) * 1000)
    queries.append(cr.sql_log_count - before)
kinds = Touch.read_group([("commercial_partner_id", "=", customer.id)], ["channel"], ["channel"])
print("BENCH generated_s %.1f" % generated)
print("BENCH customer_touches %d" % page["length"])
print("BENCH touches_by_channel %s" % ", ".join("%s=%d" % (row["channel"], row["channel_count"]) for row in kinds))
print("BENCH other_customers %d with %d emails each" % (others, other_touches))
print("BENCH page_rows %d" % len(page["records"]))
print("BENCH touches_90d %d (inbound %d, outbound %d)" % (
    figures["touch_count_90d"], figures["touch_inbound_90d"], figures["touch_outbound_90d"]))
print("BENCH open_timeline_ms median %.1f (min %.1f, max %.1f over %d calls)" % (
    statistics.median(timings), min(timings), max(timings), calls))
print("BENCH open_timeline_queries %d" % statistics.median(queries))
