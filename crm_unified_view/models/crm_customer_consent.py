"""A customer's consent to the processing of personal information, per purpose (PIPL)."""
from odoo import api, fields, models
from odoo.exceptions import ValidationError


class CrmCustomerConsent(models.Model):
    _name = "crm.customer.consent"
    _description = "Customer Consent"
    _order = "date_given desc, id desc"

    partner_id = fields.Many2one("res.partner", "Customer", required=True, ondelete="cascade", index=True)
    purpose = fields.Selection([
        ("service", "Providing the service"),
        ("marketing", "Marketing"),
        ("analytics", "Analysis and profiling"),
        ("sensitive", "Sensitive personal information"),
        ("third_party", "Sharing with third parties"),
        ("cross_border", "Transfer outside mainland China"),
    ], required=True)
    date_given = fields.Date("Given On", required=True, default=fields.Date.context_today)
    channel = fields.Selection([
        ("paper", "Signed form"), ("web", "Website"), ("email", "Email"), ("phone", "Phone"),
        ("in_person", "In person"), ("app", "Mobile app"),
    ], required=True)
    state = fields.Selection([("given", "Given"), ("withdrawn", "Withdrawn")], default="given", required=True)
    date_withdrawn = fields.Date("Withdrawn On")
    notes = fields.Text()
    recorded_by_id = fields.Many2one("res.users", default=lambda self: self.env.user, readonly=True)

    @api.constrains("state", "date_given", "date_withdrawn")
    def _check_dates(self):
        for consent in self:
            if consent.state == "withdrawn" and not consent.date_withdrawn:
                raise ValidationError(self.env._("A withdrawn consent needs the date it was withdrawn."))
            if consent.date_withdrawn and consent.date_withdrawn < consent.date_given:
                raise ValidationError(self.env._("A consent cannot be withdrawn before it was given."))

    def action_withdraw(self):
        self.write({"state": "withdrawn", "date_withdrawn": fields.Date.context_today(self)})
