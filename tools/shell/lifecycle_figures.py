"""Lifecycle check: the figures that must be the same before and after the upgrade.

Runs inside ``odoo shell``, which gives ``env``. Prints ``LIFECYCLE <name> <value>`` lines.
"""
run = env["crm.segmentation.run"].search([], limit=1)
print("LIFECYCLE results", env["crm.segmentation.result"].search_count([("run_id", "=", run.id)]))
scored = env["res.partner"].search([("rfm_score", "!=", False)])
print("LIFECYCLE scored_customers", len(scored))
print("LIFECYCLE scored_purchases", sum(scored.mapped("rfm_frequency")))
print("LIFECYCLE segmented_customers", env["res.partner"].search_count([("segment_id", "!=", False)]))
print("LIFECYCLE complaints_counted", env["res.partner"].search([("name", "=", "Bench customer 1")]).complaint_count)
print("LIFECYCLE version", env["ir.module.module"].search([("name", "=", "crm_unified_view")]).latest_version)
