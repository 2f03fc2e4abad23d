"""Lifecycle check: the data a company has after using the previous release, committed.

Runs inside ``odoo shell``, which gives ``env``.
"""
partner = env["res.partner"].search([("name", "=", "Bench customer 1")])
run = env["crm.segmentation.run"].create({"n_segments": 4})
run.action_run()
complaint = env["crm.complaint"].create({"subject": "Lifecycle complaint", "partner_id": partner.id})
complaint.stage_id = env.ref("crm_unified_view.crm_complaint_stage_resolved")
complaint._send_satisfaction_survey()
answer = complaint.survey_input_ids
answer._save_lines(env.ref("crm_unified_view.survey_complaint_satisfaction_q1"), "4")
answer._mark_done()
env["crm.complaint.category"].create({"name": "Lifecycle", "alias_name": "lifecycle-complaints"})
env["crm.customer.private.info"].create({"partner_id": partner.id, "home_address": "Lifecycle Road 1",
                                         "category_id": env.ref("crm_unified_view.private_category_address").id})
env["res.config.settings"].create({"reply_limit_hours": 8}).execute()
partner.activity_schedule("crm_unified_view.mail_activity_type_reply_overdue", summary="Lifecycle reply")
env.cr.commit()
