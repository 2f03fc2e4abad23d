"""A helpful / not helpful vote on an article, by an employee or an anonymous website visitor."""
from odoo import api, fields, models
from odoo.tools import SQL

# Anonymous votes counted on one article from one network address in a day: a visitor who
# drops their cookie votes again, but not without limit.
VOTES_PER_ADDRESS = 5


class CrmKnowledgeVote(models.Model):
    _name = "crm.knowledge.vote"
    _description = "Knowledge Article Vote"

    article_id = fields.Many2one("crm.knowledge.article", required=True, ondelete="cascade", index=True)
    helpful = fields.Boolean()
    user_id = fields.Many2one("res.users", ondelete="cascade")
    company_id = fields.Many2one(related="article_id.company_id", store=True, index=True)
    # Hashes of the visitor's cookie and of their network address: enough to count one vote
    # per visitor and a few per address, nothing that identifies them.
    visitor_key = fields.Char()
    address_key = fields.Char()

    _sql_constraints = [
        ("one_vote_per_user", "UNIQUE(article_id, user_id)", "You already voted on this article."),
        ("one_vote_per_visitor", "UNIQUE(article_id, visitor_key)", "You already voted on this article."),
    ]

    @api.model
    def _cast(self, article, helpful, user=None, visitor=None, address=None):
        """Record the vote of ``user``, or of the anonymous ``visitor`` from ``address``; voting
        again changes the vote. Returns False when the address used up its anonymous votes."""
        article.flush_recordset()
        # Votes on one article are serialised: a concurrent vote that committed meanwhile makes
        # this update fail (repeatable read) and the request is retried on the latest votes.
        self.env.cr.execute(SQL("UPDATE crm_knowledge_article SET write_date = write_date WHERE id = %s",
                                article.id))
        if not user and address and not self._address_may_vote(article, visitor, address):
            return False
        key = SQL("(article_id, user_id)") if user else SQL("(article_id, visitor_key)")
        self.env.cr.execute(SQL("""
            INSERT INTO crm_knowledge_vote
                   (article_id, company_id, helpful, user_id, visitor_key, address_key, create_uid, write_uid,
                    create_date, write_date)
            VALUES (%(article)s, %(company)s, %(helpful)s, %(user)s, %(visitor)s, %(address)s, %(uid)s, %(uid)s,
                    now() at time zone 'UTC', now() at time zone 'UTC')
            ON CONFLICT %(key)s DO UPDATE SET helpful = EXCLUDED.helpful, write_uid = EXCLUDED.write_uid,
                                             write_date = EXCLUDED.write_date""",
            article=article.id, company=article.company_id.id or None, helpful=bool(helpful),
            user=user.id if user else None, visitor=None if user else visitor, address=None if user else address, uid=self.env.uid, key=key))
        self.invalidate_model()
        article.invalidate_recordset(["vote_ids"])
        article.modified(["vote_ids"])
        return True

    @api.model
    def _address_may_vote(self, article, visitor, address):
        """A visitor changes their vote freely; a new one counts while the address has votes left today."""
        self.env.cr.execute(SQL("""
            SELECT EXISTS(SELECT 1 FROM crm_knowledge_vote WHERE article_id = %(article)s AND visitor_key = %(visitor)s),
                   (SELECT COUNT(*) FROM crm_knowledge_vote
                     WHERE article_id = %(article)s AND address_key = %(address)s
                       AND create_date > now() at time zone 'UTC' - interval '1 day')""",
            article=article.id, visitor=visitor, address=address))
        voted, address_votes = self.env.cr.fetchone()
        return voted or address_votes < VOTES_PER_ADDRESS
