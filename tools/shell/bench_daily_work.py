"""Daily-work benchmark: confirming quotations one by one, and reading a customer's form.

Runs inside ``odoo shell``, which gives ``env``. Parameters: confirm, post, form_orders, step, and
for a round: round, rounds. Steps:
- prepare: gives the first bench customer ``form_orders`` orders, creates the quotations, the
  draft invoices and the ordinary salesperson who does the work (before the database is copied,
  so that both databases hold the same);
- segment: with the addon installed, lets the salesperson read the customer information and
  runs a segmentation (so that confirming an order rescores its customer);
- round: the salesperson confirms round's share of the quotations and posts its share of the
  invoices, one by one, then reads the customer forms (with the addon, their Customer 360 tab
  too: its figures view); prints ``BENCH <value> <figure>`` lines.
"""
import json
import os
import statistics
import time

from odoo import Command

params = json.load(open(os.environ["CUV_SHELL_PARAMS"], encoding="utf-8"))
# the context of a request from the web client, which always says the user's language and time zone
env = env(context=dict(env.context, lang=env.user.lang, tz=env.user.tz or "UTC"))
Partner = env["res.partner"]
customers = Partner.search([("name", "like", "Bench customer %")], order="id")
heavy, light = customers[0], customers[-1]
SELLER = "bench_seller"
# read by xmlid: the database without the addon must not import it
FIGURES_VIEW = "crm_unified_view.res_partner_view_form_customer_360_figures"
# a form's time is the median of this many reads after the first (the machine's noise evens out)
WARM_READS = 15


def share(records):
    """This round's share of ``records``."""
    size = -(-len(records) // params["rounds"])  # rounded up
    return records[params["round"] * size:(params["round"] + 1) * size]


if params["step"] == "prepare":
    env.cr.execute("UPDATE sale_order SET partner_id = %s WHERE id IN (SELECT id FROM sale_order ORDER BY id LIMIT %s)",
                   [heavy.id, params["form_orders"]])
    # the lines keep their order's customer too (a stored related field), as Sales writes them
    env.cr.execute("UPDATE sale_order_line sol SET order_partner_id = so.partner_id FROM sale_order so "
                   "WHERE so.id = sol.order_id AND sol.order_partner_id IS DISTINCT FROM so.partner_id")
    product = env["product.product"].search([("default_code", "=like", "BENCH-%")], limit=3)
    env["sale.order"].create([{
        "partner_id": customer.id, "client_order_ref": "BENCH-QUOTE",
        "order_line": [Command.create({"product_id": item.id, "product_uom_qty": 2}) for item in product],
    } for customer in customers[1:params["confirm"] + 1]])
    env["account.move"].create([{
        "move_type": "out_invoice", "partner_id": customer.id, "ref": "BENCH-INVOICE",
        "invoice_line_ids": [Command.create({"product_id": item.id, "quantity": 2}) for item in product],
    } for customer in customers[1:params["post"] + 1]])
    # An ordinary user does the daily work, with the record rules and field groups a company has
    # (the shell's superuser skips them): a salesperson who sees every order, and invoices.
    groups = [env.ref("sales_team.group_sale_salesman_all_leads"), env.ref("account.group_account_invoice")]
    env["res.users"].with_context(no_reset_password=True).create({
        "name": "Bench seller", "login": SELLER, "groups_id": [Command.set([group.id for group in groups])]})
    env.cr.commit()
elif params["step"] == "segment":
    # with the addon, the salesperson also reads the customer information
    env["res.users"].search([("login", "=", SELLER)]).groups_id |= env.ref("crm_unified_view.group_customer_info_user")
    env["crm.segmentation.run"].create({"n_segments": 5}).action_run()
    env.cr.commit()
else:
    env = env(user=env["res.users"].search([("login", "=", SELLER)]), su=False)
    quotations = env["sale.order"].search([("client_order_ref", "=", "BENCH-QUOTE")], order="id")
    start = time.monotonic()
    for quotation_id in share(quotations).ids:
        # a user confirms one quotation per request: nothing of the other quotations is read with it
        env["sale.order"].browse(quotation_id).action_confirm()
        env.cr.commit()  # each its own transaction, as a user confirming them one by one
        env.invalidate_all()
    print("BENCH %.3f confirming %d quotations one by one (s)" % (time.monotonic() - start, len(quotations)))
    invoices = env["account.move"].search([("ref", "=", "BENCH-INVOICE")], order="id")
    start = time.monotonic()
    for invoice_id in share(invoices).ids:
        env["account.move"].browse(invoice_id).action_post()
        env.cr.commit()
        env.invalidate_all()
    print("BENCH %.3f posting %d customer invoices one by one (s)" % (time.monotonic() - start, len(invoices)))
    Partner, heavy, light = env["res.partner"], heavy.with_env(env), light.with_env(env)
    forms = {"form": Partner}
    if env.ref(FIGURES_VIEW, raise_if_not_found=False):
        # with the addon, opening the form's Customer 360 tab reads its figures view of the customer
        forms["Customer 360 tab"] = Partner.with_context(form_view_ref=FIGURES_VIEW)
    for form, Form in forms.items():
        spec = {name: {} for name in Form.get_views([(False, "form")])["models"]["res.partner"]["fields"]}
        for label, customer in (("with %d orders" % params["form_orders"], heavy), ("with a few orders", light)):
            timings, queries = [], []
            for _attempt in range(WARM_READS + 1):
                env.invalidate_all()
                count, start = env.cr.sql_log_count, time.monotonic()
                Form.get_views([(False, "form")])
                customer.with_env(Form.env).web_read(spec)
                timings.append(time.monotonic() - start)
                queries.append(env.cr.sql_log_count - count)
            print("BENCH %.4f customer %s %s: server time, median of %d warm reads (s)" % (
                statistics.median(timings[1:]), form, label, WARM_READS))
            print("BENCH %d customer %s %s: queries" % (queries[-1], form, label))
    env.cr.rollback()
