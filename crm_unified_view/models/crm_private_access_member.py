"""A user whose membership of a department a privacy officer confirmed, for some companies.

Only confirmed members read the private categories granted to the department: HR edits,
employees editing their own department and imports of employees change nothing.
"""
from odoo import api, fields, models
from odoo.exceptions import ValidationError


class CrmPrivateAccessMember(models.Model):
    _name = "crm.private.access.member"
    _description = "Confirmed Department Member for Private Information"
    _inherit = ["mail.thread"]
    _order = "department_id, user_id"
    _rec_name = "user_id"

    user_id = fields.Many2one(
        "res.users", required=True, index=True, ondelete="cascade", tracking=True,
        domain="[('share', '=', False)]")
    department_id = fields.Many2one("hr.department", required=True, index=True, ondelete="cascade", tracking=True)
    company_ids = fields.Many2many(
        "res.company", required=True, tracking=True,
        compute="_compute_company_ids", store=True, readonly=False, precompute=True,
        help="The grant holds for the customers of these companies, and for customers shared by all "
             "companies while the user works in one of them.")
    state = fields.Selection(
        [("proposed", "Proposed"), ("confirmed", "Confirmed"), ("revoked", "Revoked")],
        default="proposed", required=True, readonly=True, tracking=True)
    confirmed_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    date_confirmed = fields.Datetime("Confirmed On", readonly=True, copy=False)
    category_ids = fields.Many2many(
        related="department_id.private_category_ids", string="Private Information Granted")
    in_department = fields.Boolean(
        "In the Department (HR)", compute="_compute_in_department", search="_search_in_department",
        help="The user's employee record is in this department today. It does not give access by "
             "itself: a member who left stays confirmed until a privacy officer revokes them.")

    _sql_constraints = [(
        "user_department_unique", "UNIQUE(user_id, department_id)",
        "A user has one membership per department: confirm or revoke the existing one.")]

    @api.depends("department_id")
    def _compute_company_ids(self):
        for member in self:
            if not member.company_ids:
                member.company_ids = member.department_id.company_id or self.env.company

    @api.constrains("company_ids")
    def _check_company_ids(self):
        if any(not member.company_ids for member in self):
            raise ValidationError(self.env._("A membership holds for at least one company."))

    def _hr_pairs(self):
        """(user id, department id) of the active employees, as HR records them today."""
        employees = self.env["hr.employee"].sudo().search_read(
            [("user_id", "!=", False), ("department_id", "!=", False)], ["user_id", "department_id"])
        return {(row["user_id"][0], row["department_id"][0]) for row in employees}

    def _compute_in_department(self):
        pairs = self._hr_pairs()
        for member in self:
            member.in_department = (member.user_id.id, member.department_id.id) in pairs

    def _search_in_department(self, operator, value):
        if operator not in ("=", "!="):
            raise ValueError("Unsupported operator %s for in_department" % operator)
        pairs = self._hr_pairs()
        matching = [member.id for member in self.search([]) if (member.user_id.id, member.department_id.id) in pairs]
        return [("id", "in" if (operator == "=") == bool(value) else "not in", matching)]

    @api.model_create_multi
    def create(self, vals_list):
        return super().create([self._stamp_confirmation(vals) for vals in vals_list])

    def write(self, vals):
        return super().write(self._stamp_confirmation(vals))

    def _stamp_confirmation(self, vals):
        """The values to store: who confirmed and when is recorded by the system, never typed in."""
        stamped = {key: value for key, value in vals.items() if key not in ("confirmed_by_id", "date_confirmed")}
        if stamped.get("state") == "confirmed":
            stamped.update(confirmed_by_id=self.env.uid, date_confirmed=fields.Datetime.now())
        return stamped

    def action_confirm(self):
        self.filtered(lambda member: member.state != "confirmed").write({"state": "confirmed"})

    def action_revoke(self):
        self.filtered(lambda member: member.state != "revoked").write({"state": "revoked"})
