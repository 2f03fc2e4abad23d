"""Lifecycle check: list what the addon owns, so that each piece can be looked for after the
uninstall, then uninstall it.

Runs inside ``odoo shell``, which gives ``env``. Prints ``LIFECYCLE owned <json>``.
"""
import time

import json
data = env["ir.model.data"].search([("module", "=", "crm_unified_view")])
models = env["ir.model"].browse(data.filtered(lambda d: d.model == "ir.model").mapped("res_id")).filtered(
    lambda model: env[model.model]._original_module == "crm_unified_view")  # not the ones it extends
fields = env["ir.model.fields"].browse(data.filtered(lambda d: d.model == "ir.model.fields").mapped("res_id"))
owned = {
    "models": models.mapped("model"),
    "tables": [env[model]._table for model in models.mapped("model")]
              + env["ir.model.relation"].search([("module.name", "=", "crm_unified_view")]).mapped("name"),
    "columns": [(env[f.model]._table, f.name) for f in fields if f.store and env[f.model]._fields[f.name].column_type],
    "records": [(env[d.model]._table, d.res_id) for d in data if not d.model.startswith("ir.model")],
    "aliases": env["crm.complaint.category"].with_context(active_test=False).search([]).alias_id.ids,
}
assert owned["aliases"] and ("res_partner", "customer_age_type") in [tuple(c) for c in owned["columns"]]
print("LIFECYCLE owned", json.dumps(owned, separators=(",", ":")))
start = time.monotonic()
env["ir.module.module"].search([("name", "=", "crm_unified_view")]).button_immediate_uninstall()
print("LIFECYCLE uninstall_seconds %.2f" % (time.monotonic() - start))
