"""Associative information and business customers on the Customer 360: attitude, competitors,
reasons for leaving, buying roles of contacts and the company's decision process.

Kept apart from res_partner.py: these fields are set by staff (the attitude in survey answers
aside), nothing is computed from sales."""
from odoo import api, fields, models

from ..analytics import nps
from .res_partner import CUSTOMER_INFO_GROUPS, SALES_GROUPS

ATTITUDES = [("positive", "Positive"), ("neutral", "Neutral"), ("negative", "Negative")]
DECISION_PROCESS_TYPES = [
    ("single", "One Decision Maker"),
    ("committee", "Buying Committee"),
    ("tender", "Formal Tender"),
]


class ResPartner(models.Model):
    _inherit = "res.partner"

    # --- attitude to our products and service (chatter keeps who changed it and when) ---
    attitude = fields.Selection(
        ATTITUDES, "Attitude to Us", tracking=True, groups=CUSTOMER_INFO_GROUPS, copy=False,
        help="The customer's attitude to our products and service, as staff judge it.")
    attitude_note = fields.Text("Attitude Notes", tracking=True, groups=CUSTOMER_INFO_GROUPS, copy=False)
    attitude_from_answers = fields.Selection(
        ATTITUDES, "Attitude in Survey Answers", compute="_compute_attitude_from_answers",
        groups=CUSTOMER_INFO_GROUPS,
        help="From the customer's latest Net Promoter Score answer (promoter: positive, passive: neutral, "
             "detractor: negative); without one, from their satisfaction over the last 12 months (0-5: positive "
             "from 4, neutral from 3, negative below).")
    attitude_date = fields.Date("Attitude Noted On", readonly=True, groups=CUSTOMER_INFO_GROUPS, copy=False)
    attitude_user_id = fields.Many2one(
        "res.users", "Attitude Noted By", readonly=True, groups=CUSTOMER_INFO_GROUPS, copy=False)
    # --- competitors the customer also buys from ---
    competitor_presence_ids = fields.One2many(
        "crm.competitor.presence", "partner_id", "Competitors", groups=CUSTOMER_INFO_GROUPS)
    # --- reasons they left: per company, as the customer status and the revenue of the runs ---
    churn_reason_id = fields.Many2one(
        "crm.lost.reason", "Reason for Leaving", company_dependent=True, tracking=True, groups=SALES_GROUPS,
        copy=False, help="Why the customer stopped buying from the current company, as staff found out.")
    churn_date = fields.Date(
        "Left On", company_dependent=True, groups=SALES_GROUPS, copy=False,
        help="When the reason for leaving was noted; the period of the churn reasons analysis.")
    lead_lost_reason_ids = fields.Many2many(
        "crm.lost.reason", string="Lost Reasons of Opportunities", compute="_compute_lead_lost_reason_ids",
        groups=SALES_GROUPS, help="Lost reasons of the customer's lost leads and opportunities the user may read.")
    # --- business customers ---
    buying_role_ids = fields.Many2many(
        "crm.buying.role", string="Buying Roles", groups=CUSTOMER_INFO_GROUPS,
        help="The parts this contact plays in the company's buying decisions.")
    decision_process_type = fields.Selection(
        DECISION_PROCESS_TYPES, "Decision Process", groups=CUSTOMER_INFO_GROUPS, copy=False)
    decision_approval_steps = fields.Integer(
        "Approval Steps", groups=CUSTOMER_INFO_GROUPS, copy=False,
        help="How many approvals a purchase needs before the order is placed.")
    decision_process_note = fields.Html(
        "How They Decide", groups=CUSTOMER_INFO_GROUPS, copy=False,
        help="Who proposes, who approves and what each needs to see, in the customer's own process.")
    buying_contact_ids = fields.Many2many(
        "res.partner", string="Contacts and Their Roles", compute="_compute_buying_contact_ids",
        groups=CUSTOMER_INFO_GROUPS)

    @api.depends("nps_class", "satisfaction_score")
    def _compute_attitude_from_answers(self):
        for partner in self:
            partner.attitude_from_answers = nps.attitude_from_answers(partner.nps_class, partner.satisfaction_score)

    @api.depends("child_ids.buying_role_ids", "child_ids.type", "child_ids.active")
    def _compute_buying_contact_ids(self):
        for partner in self:
            partner.buying_contact_ids = partner.child_ids.filtered(
                lambda child: child.type == "contact" and not child.is_company)

    @api.depends_context("uid")
    def _compute_lead_lost_reason_ids(self):
        if self._hide_if_inaccessible(["lead_lost_reason_ids"]):
            return
        # with the user's rights: a salesperson sees the reasons of the leads they may read
        Lead = self.env["crm.lead"].with_context(active_test=False)
        commercial_ids = self._commercial_ids()
        reasons = {}
        if commercial_ids and Lead.has_access("read"):
            for contact, reason in Lead._read_group(
                    [("partner_id.commercial_partner_id", "in", list(commercial_ids)), ("active", "=", False),
                     ("probability", "=", 0), ("lost_reason_id", "!=", False)],
                    ["partner_id", "lost_reason_id"]):
                commercial_id = contact.sudo().commercial_partner_id.id
                reasons[commercial_id] = reasons.get(commercial_id, reason.browse()) | reason
        for partner in self:
            partner.lead_lost_reason_ids = reasons.get(partner.commercial_partner_id.id, False)

    @api.model_create_multi
    def create(self, vals_list):
        return super().create([self._stamp_associative_vals(
            vals, bool(vals.get("attitude") or vals.get("attitude_note"))) for vals in vals_list])

    def write(self, vals):
        return super().write(self._stamp_associative_vals(vals, bool({"attitude", "attitude_note"} & set(vals))))

    def _stamp_associative_vals(self, vals, attitude_noted):
        """Who noted the attitude and when; when the reason for leaving was noted."""
        if attitude_noted:
            vals = dict(vals, attitude_date=fields.Date.context_today(self), attitude_user_id=self.env.user.id)
        if vals.get("churn_reason_id") and not vals.get("churn_date"):
            vals = dict(vals, churn_date=fields.Date.context_today(self))
        return vals
