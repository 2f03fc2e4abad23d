"""An improvement proposed by any employee to an article (or a new article), decided by an editor."""
from odoo import api, fields, models
from odoo.exceptions import UserError


class CrmKnowledgeProposal(models.Model):
    _name = "crm.knowledge.proposal"
    _description = "Proposed Knowledge Improvement"
    _inherit = ["mail.thread"]
    _order = "state, id desc"

    article_id = fields.Many2one("crm.knowledge.article", ondelete="cascade", index=True,
                                 help="Empty to propose a new article.")
    name = fields.Char("Title", required=True)
    body = fields.Html(sanitize=True, sanitize_overridable=False)
    note = fields.Text("Why", help="What is wrong or missing, for the editor.")
    author_id = fields.Many2one("res.users", "Proposed By", required=True, readonly=True,
                                default=lambda self: self.env.user)
    state = fields.Selection(
        [("submitted", "Submitted"), ("accepted", "Accepted"), ("rejected", "Rejected")],
        required=True, default="submitted", readonly=True, tracking=True)
    company_id = fields.Many2one("res.company", compute="_compute_company_id", store=True, precompute=True,
                                 index=True, help="The article's company; for a new article, the author's.")

    @api.depends("article_id.company_id")
    def _compute_company_id(self):
        for proposal in self:
            if proposal.article_id:
                proposal.company_id = proposal.article_id.company_id
            elif not proposal.company_id:
                proposal.company_id = self.env.company

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            # a proposal is always the creator's own, and starts undecided
            vals.update(author_id=self.env.uid, state="submitted")
        proposals = super().create(vals_list)
        for proposal in proposals:
            proposal.message_subscribe(partner_ids=proposal.author_id.partner_id.ids)
        return proposals

    def _check_open(self):
        self.env["crm.knowledge.article"]._check_editor()
        if any(proposal.state != "submitted" for proposal in self):
            raise UserError(self.env._("This proposal was already decided."))

    def action_accept(self):
        """Apply the text to the article (its previous text becomes a version), or create the article."""
        self._check_open()
        for proposal in self:
            if proposal.article_id:
                proposal.article_id.write({"name": proposal.name, "body": proposal.body})
            else:
                proposal.article_id = self.env["crm.knowledge.article"].create({
                    "name": proposal.name, "body": proposal.body, "owner_id": proposal.author_id.id,
                    "company_id": proposal.company_id.id})
            proposal.state = "accepted"
            proposal.message_post(body=self.env._("Thank you: your proposal was accepted."),
                                  partner_ids=proposal.author_id.partner_id.ids)
        return True

    def action_reject(self):
        self._check_open()
        for proposal in self:
            proposal.state = "rejected"
            proposal.message_post(body=self.env._("Your proposal was not accepted."),
                                  partner_ids=proposal.author_id.partner_id.ids)
        return True
