"""18.0.1.3.0: knowledge written before articles took their author's company.

Drafts (and articles waiting for approval) that an employee wrote were shared by every company
only because nobody but an editor could set the company: they go to their author's company, as
new ones do. A proposed new article goes to its author's company too; approved articles keep
the company an editor gave them.
"""
from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    editors = env.ref("crm_unified_view.group_knowledge_editor").users
    drafts = env["crm.knowledge.article"].with_context(active_test=False).search([
        ("company_id", "=", False), ("state", "in", ("draft", "review")), ("owner_id", "not in", editors.ids)])
    for company, articles in drafts.grouped(lambda article: article.owner_id.company_id).items():
        articles.company_id = company
    proposals = env["crm.knowledge.proposal"].search([("article_id", "=", False)])
    for company, new_articles in proposals.grouped(lambda proposal: proposal.author_id.company_id).items():
        new_articles.company_id = company
