"""Daily-work benchmark: confirming quotations one by one, and reading a customer's form.

Runs inside ``odoo shell``, which gives ``env``. Parameters: confirm, post, form_orders, step, and
for a round: round, rounds, databases. Steps:
- prepare: gives the first bench customer ``form_orders`` orders, creates the quotations, the
  draft invoices and the ordinary salesperson who does the work (before the database is copied,
  so that both databases hold the same);
- segment: with the addon installed, lets the salesperson read the customer information and
  runs a segmentation (so that confirming an order rescores its customer);
- round (run in the database with the addon; ``databases``: the name of each side, "without"
  and "with"): in both databases, alternating between them item by item, the salesperson
  confirms round's share of the quotations and posts its share of the invoices, one by one,
  then reads the customer forms (with the addon, their Customer 360 tab too: its figures view);
  prints ``BENCH <side> <value> <figure>`` lines.
"""
import json
import os
import statistics
import time

from odoo import SUPERUSER_ID, Command, api
from odoo.modules.registry import Registry

params = json.load(open(os.environ["CUV_SHELL_PARAMS"], encoding="utf-8"))
# the context of a request from the web client, which always says the user's language and time zone
env = env(context=dict(env.context, lang=env.user.lang, tz=env.user.tz or "UTC"))
customers = env["res.partner"].search([("name", "like", "Bench customer %")], order="id")
heavy = customers[0]  # the customer given ``form_orders`` orders; the last one has a few
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
    # Both databases in this one process, the work alternating between them item by item (which
    # one goes first alternating too): what else the machine does weighs on both alike, to the
    # second, and the two sides share the interpreter's warm-up.
    sides = {}
    for side, dbname in params["databases"].items():
        side_env = api.Environment(Registry(dbname).cursor(), SUPERUSER_ID, {})
        side_env = side_env(context=dict(side_env.context, lang=side_env.user.lang, tz=side_env.user.tz or "UTC"))
        sides[side] = side_env(user=side_env["res.users"].search([("login", "=", SELLER)]), su=False)

    def in_turn(count):
        """(index, side) for ``count`` items of each side, the sides alternating."""
        for index in range(count):
            for side in sorted(sides, reverse=bool((index + params["round"]) % 2)):
                yield index, side

    def one_by_one(model, domain, action, figure):
        """``action`` on this round's share of ``model``'s ``domain``, one record per transaction;
        ``figure`` names the work, given how many records there are in all."""
        records = {side: side_env[model].search(domain, order="id").ids for side, side_env in sides.items()}
        elapsed = dict.fromkeys(sides, 0.0)
        for index, side in in_turn(len(share(records["with"]))):
            side_env = sides[side]
            start = time.monotonic()
            action(side_env[model].browse(share(records[side])[index]))
            side_env.cr.commit()  # each its own transaction, as a user doing them one by one
            elapsed[side] += time.monotonic() - start
            side_env.invalidate_all()
        for side, seconds in elapsed.items():
            print("BENCH %s %.3f %s one by one (s)" % (side, seconds, figure % len(records[side])))

    # a user confirms one quotation per request: nothing of the other quotations is read with it
    one_by_one("sale.order", [("client_order_ref", "=", "BENCH-QUOTE")], lambda order: order.action_confirm(),
               "confirming %d quotations")
    one_by_one("account.move", [("ref", "=", "BENCH-INVOICE")], lambda invoice: invoice.action_post(),
               "posting %d customer invoices")
    # with the addon, opening the form's Customer 360 tab reads its figures view of the customer
    for form, view_ref in (("form", None), ("Customer 360 tab", FIGURES_VIEW)):
        readers = {side: side_env["res.partner"].with_context(form_view_ref=view_ref) if view_ref else side_env["res.partner"]
                   for side, side_env in sides.items() if not view_ref or side_env.ref(view_ref, raise_if_not_found=False)}
        specs = {side: {name: {} for name in Form.get_views([(False, "form")])["models"]["res.partner"]["fields"]}
                 for side, Form in readers.items()}
        bench_customers = {side: Form.search([("name", "like", "Bench customer %")], order="id")
                           for side, Form in readers.items()}
        for label, position in (("with %d orders" % params["form_orders"], 0), ("with a few orders", -1)):
            timings, queries = {side: [] for side in readers}, {}
            for _attempt, side in in_turn(WARM_READS + 1):
                if side not in readers:
                    continue
                Form, cr = readers[side], readers[side].env.cr
                Form.env.invalidate_all()
                count, start = cr.sql_log_count, time.monotonic()
                Form.get_views([(False, "form")])
                bench_customers[side][position].web_read(specs[side])
                timings[side].append(time.monotonic() - start)
                queries[side] = cr.sql_log_count - count
            for side in readers:
                print("BENCH %s %.4f customer %s %s: server time, median of %d warm reads (s)" % (
                    side, statistics.median(timings[side][1:]), form, label, WARM_READS))
                print("BENCH %s %d customer %s %s: queries" % (side, queries[side], form, label))
    for side_env in sides.values():
        side_env.cr.rollback()
        side_env.cr.close()
