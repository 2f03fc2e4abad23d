from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    customer_dormant_after_days = fields.Integer(
        "Dormant After (days)", default=180, config_parameter="crm_unified_view.dormant_after_days")
    customer_lost_after_days = fields.Integer(
        "Lost After (days)", default=365, config_parameter="crm_unified_view.lost_after_days")

    @api.constrains("customer_dormant_after_days", "customer_lost_after_days")
    def _check_customer_status_limits(self):
        for settings in self:
            if not 0 < settings.customer_dormant_after_days < settings.customer_lost_after_days:
                raise ValidationError(self.env._(
                    "A customer becomes dormant after a positive number of days, "
                    "and lost only after being dormant."))

    # --- customer service: reply alarm and satisfaction survey -------------------------
    reply_limit_hours = fields.Float(
        "Reply Within (hours)", default=12.0, config_parameter="crm_unified_view.reply_limit_hours")
    reply_escalation_hours = fields.Float(
        "Escalate After (hours)", default=24.0, config_parameter="crm_unified_view.reply_escalation_hours")
    reply_working_hours = fields.Boolean(
        "Count Working Hours Only", config_parameter="crm_unified_view.reply_working_hours",
        help="Count only the working hours of the company's customer-service calendar, without its time off "
             "(public holidays).")
    reply_calendar_id = fields.Many2one(related="company_id.reply_calendar_id", readonly=False)
    reply_limit_high_hours = fields.Float(related="company_id.reply_limit_high_hours", readonly=False)
    reply_escalation_high_hours = fields.Float(related="company_id.reply_escalation_high_hours", readonly=False)
    reply_limit_medium_hours = fields.Float(related="company_id.reply_limit_medium_hours", readonly=False)
    reply_escalation_medium_hours = fields.Float(related="company_id.reply_escalation_medium_hours", readonly=False)
    reply_limit_low_hours = fields.Float(related="company_id.reply_limit_low_hours", readonly=False)
    reply_escalation_low_hours = fields.Float(related="company_id.reply_escalation_low_hours", readonly=False)
    service_user_id = fields.Many2one(related="company_id.service_user_id", readonly=False)
    self_service_auto_send = fields.Boolean(related="company_id.self_service_auto_send", readonly=False)
    # --- profit: cost to serve ----------------------------------------------------------
    cost_to_serve_order = fields.Monetary(related="company_id.cost_to_serve_order", readonly=False)
    cost_to_serve_credit_note = fields.Monetary(related="company_id.cost_to_serve_credit_note", readonly=False)
    cost_to_serve_complaint_normal = fields.Monetary(
        related="company_id.cost_to_serve_complaint_normal", readonly=False)
    cost_to_serve_complaint_important = fields.Monetary(
        related="company_id.cost_to_serve_complaint_important", readonly=False)
    cost_to_serve_complaint_urgent = fields.Monetary(
        related="company_id.cost_to_serve_complaint_urgent", readonly=False)
    cost_to_serve_complaint_critical = fields.Monetary(
        related="company_id.cost_to_serve_complaint_critical", readonly=False)
    late_payment_rate = fields.Float(related="company_id.late_payment_rate", readonly=False)
    segmentation_keep_days = fields.Integer(related="company_id.segmentation_keep_days", readonly=False)
    segmentation_keep_months = fields.Integer(related="company_id.segmentation_keep_months", readonly=False)
    complaint_survey_id = fields.Many2one(
        "survey.survey", "Satisfaction Survey", config_parameter="crm_unified_view.complaint_survey_id")
    complaint_survey_auto = fields.Boolean(
        "Send Survey on Resolution", config_parameter="crm_unified_view.complaint_survey_auto")
    satisfaction_post_purchase_survey_id = fields.Many2one(
        related="company_id.satisfaction_post_purchase_survey_id", readonly=False)
    satisfaction_post_purchase_days = fields.Integer(
        related="company_id.satisfaction_post_purchase_days", readonly=False)
    satisfaction_periodic_survey_id = fields.Many2one(related="company_id.satisfaction_periodic_survey_id",
                                                      readonly=False)
    satisfaction_periodic_months = fields.Integer(related="company_id.satisfaction_periodic_months", readonly=False)
    satisfaction_throttle_days = fields.Integer(related="company_id.satisfaction_throttle_days", readonly=False)
    reply_auto_sender_limit = fields.Integer(
        "Automatic Answers per Sender and Day", default=3, config_parameter="crm_unified_view.reply_auto_sender_limit",
        help="Reply rules that send their template at once answer the same sender at most this often in 24 hours.")

    @api.constrains("reply_limit_hours", "reply_escalation_hours")
    def _check_reply_alarm(self):
        for settings in self:
            if settings.reply_limit_hours <= 0 or settings.reply_escalation_hours < settings.reply_limit_hours:
                raise ValidationError(self.env._(
                    "The reply limit must be positive, and the escalation come no earlier than the alarm."))

    @api.constrains("reply_auto_sender_limit")
    def _check_reply_auto_sender_limit(self):
        if any(settings.reply_auto_sender_limit < 1 for settings in self):
            raise ValidationError(self.env._(
                "A sender gets at least one automatic answer a day: to send none, clear “Send Automatically” "
                "on the reply rules."))

    def action_load_chinese_holidays(self):
        """Chinese holidays into the calendar the reply deadlines are counted in."""
        self.ensure_one()
        (self.reply_calendar_id or self.company_id.resource_calendar_id).action_load_chinese_holidays()
