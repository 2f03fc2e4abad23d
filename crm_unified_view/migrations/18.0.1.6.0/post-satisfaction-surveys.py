"""Complaint surveys sent before satisfaction surveys had a trigger become satisfaction surveys
of the complaint's customer, with their ratings kept on them: the throttle counts them and the
customer's rolling satisfaction and the analysis read them."""
from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    cr.execute("""
        UPDATE survey_user_input ui
           SET satisfaction_trigger = 'complaint', customer_id = p.commercial_partner_id,
               satisfaction_company_id = c.company_id, salesperson_id = cp.user_id
          FROM crm_complaint c, res_partner p, res_partner cp
         WHERE ui.complaint_id = c.id AND p.id = ui.partner_id AND cp.id = p.commercial_partner_id
           AND ui.satisfaction_trigger IS NULL
    """)
    env = api.Environment(cr, SUPERUSER_ID, {})
    answers = env["survey.user_input"].search([("state", "=", "done"), ("satisfaction_trigger", "=", "complaint")])
    answers._cuv_store_ratings()
    env["survey.user_input"]._cuv_update_partners(answers.customer_id)
