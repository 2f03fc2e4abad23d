"""Lifecycle check: after the uninstall, in a fresh registry, nothing of the addon is left and
Odoo's own apps work.

Runs inside ``odoo shell``, which gives ``env``. Parameters: owned (what the addon owned).
"""
import collections
import json
import os

owned = json.load(open(os.environ["CUV_SHELL_PARAMS"], encoding="utf-8"))["owned"]
leftovers = collections.defaultdict(list)
def found(label, query, params=()):
    env.cr.execute(query, params)
    leftovers[label] += [row[0] for row in env.cr.fetchall()]
models = tuple(owned["models"])
env.cr.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'")
tables = {row[0] for row in env.cr.fetchall()}
leftovers["tables"] = sorted(tables & set(owned["tables"]))
for table, column in owned["columns"]:
    found("columns", "SELECT table_name || '.' || column_name FROM information_schema.columns "
          "WHERE table_name = %s AND column_name = %s", [table, column])
for table, res_id in owned["records"]:
    if table in tables:
        found("records", "SELECT %s || ' ' || id FROM " + table + " WHERE id = %s", [table, res_id])
found("xml ids", "SELECT name FROM ir_model_data WHERE module = 'crm_unified_view'")
found("models", "SELECT model FROM ir_model WHERE model IN %s", [models])
found("fields", "SELECT model || '.' || name FROM ir_model_fields WHERE model IN %s OR relation IN %s", [models, models])
found("config parameters", "SELECT key FROM ir_config_parameter WHERE key LIKE 'crm_unified_view.%%'")
found("mail aliases", "SELECT alias_name FROM mail_alias WHERE id IN %s", [tuple(owned["aliases"])])
found("messages", "SELECT model FROM mail_message WHERE model IN %s", [models])
found("activities", "SELECT res_model FROM mail_activity WHERE res_model IN %s", [models])
found("views", "SELECT name FROM ir_ui_view WHERE arch_db::text LIKE '%%crm_unified_view%%'")
leftovers = {label: rows[:10] for label, rows in leftovers.items() if rows}
assert not leftovers, leftovers
# A reminder to reply to a customer is the user's work: it stays, as a to-do.
assert env["mail.activity"].search([("summary", "=", "Lifecycle reply")]).activity_type_id == env.ref(
    "mail.mail_activity_data_todo")
# Odoo's own apps behave as before
partner = env["res.partner"].search([("name", "=", "Bench customer 1")])
views = env["res.partner"].get_views([(False, "form"), (False, "list")])
partner.web_read({name: {} for name in views["models"]["res.partner"]["fields"]})
product = env["product.product"].create({"name": "After uninstall", "list_price": 10})
order = env["sale.order"].create({"partner_id": partner.id, "order_line": [(0, 0, {"product_id": product.id})]})
order.action_confirm()
assert order.state == "sale"
env["crm.lead"].create({"name": "After uninstall", "partner_id": partner.id})
env.cr.rollback()
print("LIFECYCLE uninstall_clean 1")
