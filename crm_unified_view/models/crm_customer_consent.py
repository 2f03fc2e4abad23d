"""A customer's consent to the processing of personal information, per purpose (PIPL).

A consent is evidence: who recorded it, its state and the date of its withdrawal are set by
the system, what the customer agreed to is fixed once recorded, and each change is tracked.
"""
from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

# Set by the system: the recorder at creation, the state and its date by action_withdraw.
SYSTEM_FIELDS = {"recorded_by_id", "state", "date_withdrawn"}
# What the customer agreed to, and when: given at creation, never changed afterwards.
FIXED_FIELDS = {"partner_id", "purpose", "date_given"}


class CrmCustomerConsent(models.Model):
    _name = "crm.customer.consent"
    _description = "Customer Consent"
    _inherit = ["mail.thread"]
    _order = "date_given desc, id desc"

    partner_id = fields.Many2one("res.partner", "Customer", required=True, ondelete="cascade", index=True,
                                 tracking=True)
    purpose = fields.Selection([
        ("service", "Providing the service"),
        ("marketing", "Marketing"),
        ("survey", "Satisfaction surveys"),
        ("analytics", "Analysis and profiling"),
        ("sensitive", "Sensitive personal information"),
        ("third_party", "Sharing with third parties"),
        ("cross_border", "Transfer outside mainland China"),
    ], required=True, tracking=True)
    date_given = fields.Date("Given On", required=True, default=fields.Date.context_today, tracking=True)
    channel = fields.Selection([
        ("paper", "Signed form"), ("web", "Website"), ("email", "Email"), ("phone", "Phone"),
        ("in_person", "In person"), ("app", "Mobile app"),
    ], required=True, tracking=True)
    state = fields.Selection([("given", "Given"), ("withdrawn", "Withdrawn")], default="given", required=True,
                             readonly=True, tracking=True)
    date_withdrawn = fields.Date("Withdrawn On", readonly=True, tracking=True)
    notes = fields.Text(tracking=True)
    recorded_by_id = fields.Many2one("res.users", default=lambda self: self.env.user, readonly=True)

    @api.constrains("state", "date_given", "date_withdrawn")
    def _check_dates(self):
        for consent in self:
            if consent.state == "withdrawn" and not consent.date_withdrawn:
                raise ValidationError(self.env._("A withdrawn consent needs the date it was withdrawn."))
            if consent.date_withdrawn and consent.date_withdrawn < consent.date_given:
                raise ValidationError(self.env._("A consent cannot be withdrawn before it was given."))
            if consent.date_given > fields.Date.context_today(consent):
                raise ValidationError(self.env._("A consent cannot be given in the future."))

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            for vals in vals_list:
                for fname in SYSTEM_FIELDS:
                    vals.pop(fname, None)
                vals["recorded_by_id"] = self.env.uid
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su and (SYSTEM_FIELDS | FIXED_FIELDS) & set(vals):
            raise AccessError(self.env._(
                "A consent records what the customer agreed to, when, and who recorded it: it cannot be "
                "rewritten. Withdraw it, or record a new consent."))
        return super().write(vals)

    def action_withdraw(self):
        self.check_access("write")
        if any(consent.state != "given" for consent in self):
            raise UserError(self.env._("Only a given consent can be withdrawn."))
        self.sudo().write({"state": "withdrawn", "date_withdrawn": fields.Date.context_today(self)})
