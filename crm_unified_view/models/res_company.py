from odoo import api, fields, models
from odoo.exceptions import ValidationError

# Complaint priorities and the company field holding the cost of handling one of each.
COMPLAINT_COST_FIELDS = {
    "0": "cost_to_serve_complaint_normal",
    "1": "cost_to_serve_complaint_important",
    "2": "cost_to_serve_complaint_urgent",
    "3": "cost_to_serve_complaint_critical",
}
# Reply and escalation limits (hours) by the customer's value tier: company field names
REPLY_TIER_LIMIT_FIELDS = {
    "high": ("reply_limit_high_hours", "reply_escalation_high_hours"),
    "medium": ("reply_limit_medium_hours", "reply_escalation_medium_hours"),
    "low": ("reply_limit_low_hours", "reply_escalation_low_hours"),
}
COST_TO_SERVE_FIELDS = ["cost_to_serve_order", "cost_to_serve_credit_note", *COMPLAINT_COST_FIELDS.values(),
                        "late_payment_rate"]


class ResCompany(models.Model):
    _inherit = "res.company"

    customer_properties_definition = fields.PropertiesDefinition("Extended Customer Information")
    reply_calendar_id = fields.Many2one(
        "resource.calendar", "Customer Service Hours",
        help="The working hours reply deadlines are counted in; empty: the company's working hours.")
    # Service levels by value: how fast customers of each value tier are answered.
    reply_limit_high_hours = fields.Float("High Value: Reply Within (hours)", default=4.0)
    reply_escalation_high_hours = fields.Float("High Value: Escalate After (hours)", default=8.0)
    reply_limit_medium_hours = fields.Float("Medium Value: Reply Within (hours)", default=12.0)
    reply_escalation_medium_hours = fields.Float("Medium Value: Escalate After (hours)", default=24.0)
    reply_limit_low_hours = fields.Float("Low Value: Reply Within (hours)", default=24.0)
    reply_escalation_low_hours = fields.Float("Low Value: Escalate After (hours)", default=48.0)
    service_user_id = fields.Many2one(
        "res.users", "Default Service Responsible", domain=[("share", "=", False)],
        help="Gets the reply alarms of documents nobody is responsible for.")
    self_service_auto_send = fields.Boolean(
        "Send Self-Service Answers",
        help="Customers served through automated channels get the matching public article at once, "
             "instead of it being proposed to the agent.")
    # Cost to serve: what handling a customer costs beyond the goods sold (all zero: pure margin).
    cost_to_serve_order = fields.Monetary(
        "Cost per Order", help="Cost of handling one confirmed sales order (one customer invoice on runs on invoices).")
    cost_to_serve_credit_note = fields.Monetary("Cost per Credit Note", help="Cost of handling one credit note.")
    cost_to_serve_complaint_normal = fields.Monetary("Cost per Normal Complaint")
    cost_to_serve_complaint_important = fields.Monetary("Cost per Important Complaint")
    cost_to_serve_complaint_urgent = fields.Monetary("Cost per Urgent Complaint")
    cost_to_serve_complaint_critical = fields.Monetary("Cost per Critical Complaint")
    late_payment_rate = fields.Float(
        "Financing Cost of Late Payment (%/year)",
        help="Annual rate charged on each amount for every day it is paid after its due date.")

    # Retention of segmentation runs: every run of the last days, then one a month, then one a year.
    segmentation_keep_days = fields.Integer(
        "Keep Every Run For (days)", default=35,
        help="Segmentation runs of the last days are all kept; older ones are thinned out every night.")
    segmentation_keep_months = fields.Integer(
        "Then One Run a Month For (months)", default=24,
        help="After the days above, the last run of each month is kept for this many months; after them, the last "
             "run of each year.")

    # Satisfaction surveys beyond complaints (sent every night by survey.survey).
    satisfaction_post_purchase_survey_id = fields.Many2one(
        "survey.survey", "Post-Purchase Survey",
        help="Sent to the customer who ordered, some days after the order is delivered or invoiced; empty: none.")
    satisfaction_post_purchase_days = fields.Integer(
        "Send After (days)", default=7,
        help="Days after the order's first delivery or first posted invoice, whichever comes first.")
    satisfaction_periodic_survey_id = fields.Many2one(
        "survey.survey", "Periodic Survey",
        help="Sent regularly to active customers (a confirmed order in the last 12 months); empty: none.")
    satisfaction_periodic_months = fields.Integer("Every (months)", default=6)
    satisfaction_throttle_days = fields.Integer(
        "At Most One Survey Every (days)", default=30,
        help="No customer gets a post-purchase or periodic survey within this many days of any satisfaction "
             "survey, complaint surveys included.")

    @api.constrains("satisfaction_post_purchase_days", "satisfaction_periodic_months", "satisfaction_throttle_days")
    def _check_satisfaction_survey_schedule(self):
        for company in self:
            if company.satisfaction_post_purchase_days < 0 or company.satisfaction_periodic_months < 1 \
                    or company.satisfaction_throttle_days < 1:
                raise ValidationError(self.env._(
                    "Surveys go out zero days or more after a purchase, every month at most, and to each customer "
                    "once a day at most."))

    @api.constrains("segmentation_keep_days", "segmentation_keep_months")
    def _check_segmentation_retention(self):
        for company in self:
            if company.segmentation_keep_days < 1 or company.segmentation_keep_months < 0:
                raise ValidationError(self.env._(
                    "Keep every segmentation run for one day at least, and monthly runs for zero months or more."))

    @api.constrains(*(name for pair in REPLY_TIER_LIMIT_FIELDS.values() for name in pair))
    def _check_reply_tier_limits(self):
        for company in self:
            for limit, escalation in REPLY_TIER_LIMIT_FIELDS.values():
                if company[limit] <= 0 or company[escalation] < company[limit]:
                    raise ValidationError(self.env._(
                        "The reply limit of each value tier must be positive, and its escalation come no earlier "
                        "than its alarm."))

    def _reply_tier_limits(self, tier):
        """Reply and escalation limits (hours) of a customer of value tier ``tier``; None without a tier."""
        self.ensure_one()
        names = REPLY_TIER_LIMIT_FIELDS.get(tier)
        return (self[names[0]], self[names[1]]) if names else None

    @api.constrains(*COST_TO_SERVE_FIELDS)
    def _check_cost_to_serve(self):
        for company in self:
            if any(company[name] < 0 for name in COST_TO_SERVE_FIELDS):
                raise ValidationError(self.env._("Costs to serve and the late-payment rate cannot be negative."))
            if company.late_payment_rate > 1000:
                raise ValidationError(self.env._("The late-payment rate is a yearly percentage of 1000 at most."))
