"""Lifecycle check: after the upgrade, the data of the previous release is there, migrated.

Runs inside ``odoo shell``, which gives ``env``.
"""
run = env["crm.segmentation.run"].search([], limit=1)
assert run.state == "done", run.state
assert env["crm.complaint"].search_count([("subject", "=", "Lifecycle complaint")]) == 1
# the answered complaint survey became a satisfaction survey of the customer
answer = env["survey.user_input"].search([("complaint_id.subject", "=", "Lifecycle complaint")])
assert (answer.satisfaction_trigger, answer.customer_id.name, answer.satisfaction_rating) == (
    "complaint", "Bench customer 1", 4.0), (answer.satisfaction_trigger, answer.customer_id.name,
                                            answer.satisfaction_rating)
assert answer.customer_id.satisfaction_score == 4.0, answer.customer_id.satisfaction_score
assert env["crm.customer.private.info"].search([("home_address", "=", "Lifecycle Road 1")]).partner_id
assert env["ir.config_parameter"].get_param("crm_unified_view.reply_limit_hours") == "8.0"
env.cr.execute("SELECT column_name FROM information_schema.columns WHERE table_name = 'crm_segmentation_result'")
columns = {row[0] for row in env.cr.fetchall()}
assert not columns & {"company_id", "create_uid", "write_uid"}, columns
env.cr.execute("SELECT column_name FROM information_schema.columns WHERE table_name = 'res_partner' "
               "AND column_name IN ('complaint_count', 'open_complaint_count')")
assert not env.cr.fetchall(), "complaint counters are counted on read: their columns must be gone"
