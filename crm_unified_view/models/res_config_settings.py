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
