"""18.0.1.3.0: a database installed with the earlier demo data gets what a new demo install has.

- The demo knowledge base is shared by all companies, so that it answers the demo company's
  complaints (its articles belonged to the main company, and every demo complaint was flagged
  as one no article answers).
- The admin user works in the main company again: the earlier demo moved it to the demo
  company, which stays among its companies.
"""
from odoo import SUPERUSER_ID, api

MODULE = "crm_unified_view"


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    company = env.ref("%s.demo_company" % MODULE, raise_if_not_found=False)
    if not company:
        return
    article_ids = env["ir.model.data"].search(
        [("module", "=", MODULE), ("model", "=", "crm.knowledge.article")]).mapped("res_id")
    env["crm.knowledge.article"].with_context(active_test=False).browse(article_ids).exists().company_id = False
    # Sharing articles can only close knowledge gaps.
    env["crm.complaint"].search([("knowledge_gap", "=", True)])._compute_knowledge_gap()
    admin = env.ref("base.user_admin")
    if admin.company_id == company:
        admin.company_id = env.ref("base.main_company")  # its partner follows
