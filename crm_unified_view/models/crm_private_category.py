"""A kind of private customer information, and the departments allowed to see it."""
from odoo import api, fields, models
from odoo.exceptions import AccessError

PRIVACY_OFFICER_GROUP = "crm_unified_view.group_customer_privacy_officer"


class CrmPrivateCategory(models.Model):
    _name = "crm.private.category"
    _description = "Private Information Category"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True, readonly=True, help="Technical key used by the partner fields.")
    sequence = fields.Integer(default=10)
    description = fields.Text(translate=True)
    department_ids = fields.Many2many(
        "hr.department", "crm_private_category_hr_department_rel", "crm_private_category_id",
        "hr_department_id", string="Departments Granted",
        help="The confirmed members of these departments see and edit this information. Nobody else "
             "does, except privacy officers.")
    member_ids = fields.Many2many(
        "crm.private.access.member", compute="_compute_member_ids", string="Who Reads It",
        groups=PRIVACY_OFFICER_GROUP, help="The confirmed members of the departments granted.")

    _sql_constraints = [("code_unique", "UNIQUE(code)", "The code of a private category must be unique.")]

    @api.depends("department_ids")
    def _compute_member_ids(self):
        members = self.env["crm.private.access.member"].search([
            ("department_id", "in", self.department_ids.ids), ("state", "=", "confirmed")])
        for category in self:
            category.member_ids = members.filtered(lambda member: member.department_id in category.department_ids)

    @api.model
    def _granted_domain(self, company_ids):
        """Categories granted to the current user for the customers of ``company_ids``: through a
        department whose membership a privacy officer confirmed. Same path as the record rules."""
        return [("department_ids.private_member_ids", "any", [
            ("user_id", "=", self.env.uid), ("state", "=", "confirmed"), ("company_ids", "in", company_ids)])]

    @api.model
    def _granted_codes(self, company=None):
        """Codes of the categories the current (real) user may see and change on the customers of
        ``company``; by default on the customers shared by all companies."""
        if self.env.user.has_group(PRIVACY_OFFICER_GROUP):
            return set(self.sudo().search([]).mapped("code"))
        # A customer of a company outside the active ones is out of reach anyway (company rules).
        company_ids = company.ids if company else self.env.companies.ids
        return set(self.sudo().search(self._granted_domain(company_ids)).mapped("code"))

    @api.model
    def _check_granted(self, code, company=None):
        if code not in self._granted_codes(company):
            category = self.sudo().search([("code", "=", code)], limit=1)
            raise AccessError(self.env._(
                "You are not allowed to see or change the private information “%(category)s” of customers. "
                "A privacy officer grants it to a department and confirms its members.",
                category=category.name or code))
