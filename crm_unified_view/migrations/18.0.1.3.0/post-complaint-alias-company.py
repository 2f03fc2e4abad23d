"""18.0.1.3.0: the email aliases of complaint categories carry the category's company, so that
complaints emailed to them are filed in it (not in the company of the mail gateway's user)."""
from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    categories = env["crm.complaint.category"].with_context(active_test=False).search([("alias_id", "!=", False)])
    for category in categories:
        category.alias_id.alias_defaults = category._alias_get_creation_values()["alias_defaults"]
