"""Lifecycle check: installed on a database full of customers, the figures come from set-based
runs, not the ORM.

Runs inside ``odoo shell``, which gives ``env``.
"""
import time

runs = env["crm.segmentation.run"].search([])
assert runs and set(runs.mapped("state")) == {"done"}, runs.mapped("state")
env.cr.execute("SELECT count(DISTINCT partner_id) FROM sale_order WHERE state = 'sale'")
buyers = env.cr.fetchone()[0]
assert env["res.partner"].search_count([("rfm_score", "!=", False)]) == buyers
print("LIFECYCLE initial segmentation at install (s) %.2f" % sum(runs.mapped("duration")))
unscored = env["res.partner"].search_count([("data_quality_date", "=", False)])
assert unscored > buyers, unscored  # scored later by their cron, not one by one during the install
start = time.monotonic()
while env["res.partner"]._cron_refresh_data_quality():
    pass
print("LIFECYCLE initial data-quality scores, cron batches (s) %.2f" % (time.monotonic() - start))
assert not env["res.partner"].search_count([("data_quality_date", "=", False)])
start = time.monotonic()
env["crm.segmentation.run"]._run_for_company(env.company)
print("LIFECYCLE nightly segmentation for comparison (s) %.2f" % (time.monotonic() - start))
env.cr.rollback()
