"""Generated customers, a catalogue of products, confirmed sales orders with their lines and a few
complaints for checks and benchmarks, committed; then a sample of them recomputed through the ORM.

Runs inside ``odoo shell``, which gives ``env``. Parameters: customers, orders, sql (the path of
sql/generate_sales.sql), optionally products (200), complaints (one per 40 customers) and lines
(true; false generates orders without lines, whose amounts the ORM then cannot check).
Raises when a stored value differs from what the ORM computes for it.
"""
import json
import os
import random
import time

from odoo.tools import float_compare

params = json.load(open(os.environ["CUV_SHELL_PARAMS"], encoding="utf-8"))
products = params.get("products", 200)
complaints = params.get("complaints", params["customers"] // 40)
with_lines = params.get("lines", True)
started = time.monotonic()
with open(params["sql"], encoding="utf-8") as sql:
    env.cr.execute(sql.read(), {"customers": params["customers"], "orders": params["orders"], "products": products,
                                "complaints": complaints, "company": env.company.id,
                                "currency": env.company.currency_id.id, "lines": with_lines})
env.cr.commit()
elapsed = time.monotonic() - started
env.cr.execute("SELECT COUNT(*) FROM sale_order_line sol JOIN product_product pp ON pp.id = sol.product_id"
               " WHERE pp.default_code LIKE %s", ["BENCH-%"])
lines = env.cr.fetchone()[0]
if "crm.complaint" not in env:  # generated before the addon is installed
    complaints = 0
print("GENERATED %d customers, %d products, %d orders, %d order lines, %d complaints in %.1f s" % (
    params["customers"], products, params["orders"], lines, complaints, elapsed))

if not with_lines:
    raise SystemExit(0)

# The sample: spread over the generated orders, with a line discounted below cost.
env.cr.execute("SELECT MIN(id), MAX(id) FROM sale_order WHERE name ~ '^B[0-9]+$'")
first, last = env.cr.fetchone()
sample = env["sale.order"].browse(random.Random(first).sample(range(first, last + 1), min(20, last - first + 1)))
env.cr.execute("SELECT order_id FROM sale_order_line WHERE discount >= 40 AND order_id BETWEEN %s AND %s LIMIT 1",
               [first, last])
sample |= env["sale.order"].browse([row[0] for row in env.cr.fetchall()])
LINE_FIELDS = ["price_subtotal", "price_tax", "price_total", "price_reduce_taxexcl", "price_reduce_taxinc",
               "purchase_price", "margin", "margin_percent", "qty_to_invoice", "invoice_status",
               "untaxed_amount_to_invoice", "qty_delivered_method", "name", "product_uom"]
ORDER_FIELDS = ["amount_untaxed", "amount_tax", "amount_total", "margin", "margin_percent", "currency_rate"]
# before sale_margin is installed, lines and orders have no cost and margin
MARGINS = "margin" in env["sale.order.line"]._fields
if not MARGINS:
    LINE_FIELDS = [name for name in LINE_FIELDS if name not in ("purchase_price", "margin", "margin_percent")]
    ORDER_FIELDS = [name for name in ORDER_FIELDS if name not in ("margin", "margin_percent")]


def differences(records, names, recompute):
    # Stored values, then the ORM's own computation of them (kept in the cache, never flushed).
    env.invalidate_all(flush=False)
    stored = [{name: record[name] for name in names} for record in records]
    with env.protecting(list(records._fields.values()), records):
        recompute(records)
    found = []
    for record, values in zip(records, stored):
        for name in names:
            old, new = values[name], record[name]
            same = float_compare(old, new, precision_digits=6) == 0 if isinstance(old, float) else old == new
            if not same:
                found.append("%s %d %s: stored %r, ORM %r" % (record._name, record.id, name, old, new))
    return found


def recompute_lines(order_lines):
    order_lines._compute_name()
    order_lines._compute_product_uom()
    order_lines._compute_amount()
    order_lines._compute_price_reduce_taxexcl()
    order_lines._compute_price_reduce_taxinc()
    if MARGINS:
        order_lines._compute_purchase_price()
        order_lines._compute_margin()
    order_lines._compute_qty_delivered_method()
    order_lines._compute_qty_to_invoice()
    order_lines._compute_invoice_status()
    order_lines._compute_untaxed_amount_to_invoice()


def recompute_orders(orders):
    orders._compute_amounts()
    orders._compute_currency_rate()
    if MARGINS:
        for order in orders:  # one by one, as in a form: the sum of the lines' margins
            order.margin = sum(order.order_line.mapped("margin"))
            order.margin_percent = order.amount_untaxed and order.margin / order.amount_untaxed


problems = differences(sample.order_line, LINE_FIELDS, recompute_lines)
problems += differences(sample, ORDER_FIELDS, recompute_orders)
for order in sample:
    if float_compare(order.amount_untaxed, sum(order.order_line.mapped("price_subtotal")), precision_digits=2):
        problems.append("sale.order %d: amount_untaxed %s is not the sum of its lines" % (order.id, order.amount_untaxed))
env.cr.rollback()
env.invalidate_all()
product = env["product.product"].search([("default_code", "=like", "BENCH-%")], order="id desc", limit=1)
if product.standard_price <= product.lst_price:
    problems.append("%s: the loss-making product costs %s, less than its price %s" % (
        product.default_code, product.standard_price, product.lst_price))
if problems:
    raise AssertionError("Generated rows differ from the ORM's values:\n" + "\n".join(problems[:40]))
print("CHECKED %d orders, %d order lines against the ORM: same values" % (len(sample), len(sample.order_line)))
