"""A helpful / not helpful vote on an article, by an employee or an anonymous website visitor."""
from odoo import fields, models


class CrmKnowledgeVote(models.Model):
    _name = "crm.knowledge.vote"
    _description = "Knowledge Article Vote"

    article_id = fields.Many2one("crm.knowledge.article", required=True, ondelete="cascade", index=True)
    helpful = fields.Boolean()
    user_id = fields.Many2one("res.users", ondelete="cascade")
    company_id = fields.Many2one(related="article_id.company_id", store=True, index=True)
    # A hash of the visitor's session: enough to count one vote per visitor, nothing personal.
    visitor_key = fields.Char()

    _sql_constraints = [
        ("one_vote_per_user", "UNIQUE(article_id, user_id)", "You already voted on this article."),
        ("one_vote_per_visitor", "UNIQUE(article_id, visitor_key)", "You already voted on this article."),
    ]
