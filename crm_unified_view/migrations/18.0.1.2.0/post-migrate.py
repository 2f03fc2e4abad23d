"""18.0.1.2.0: complaint counters on customers, counted again per company."""
from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    Complaint = env["crm.complaint"].with_context(active_test=False)
    Complaint._update_partner_counters(Complaint.search([]).partner_id)
