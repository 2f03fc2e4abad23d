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
        help="Members of these departments see and edit this information. Nobody else does, "
             "except privacy officers.")

    _sql_constraints = [("code_unique", "UNIQUE(code)", "The code of a private category must be unique.")]

    @api.model
    def _granted_domain(self, user):
        """Categories granted to ``user``'s department, resolved in SQL (same path as the rules)."""
        return [("department_ids.member_ids", "any", [("user_id", "=", user.id), ("active", "=", True)])]

    @api.model
    def _granted_codes(self):
        """Codes of the categories the current (real) user may see and change."""
        user = self.env.user
        domain = [] if user.has_group(PRIVACY_OFFICER_GROUP) else self._granted_domain(user)
        return set(self.sudo().search(domain).mapped("code"))

    @api.model
    def _check_granted(self, code):
        if code not in self._granted_codes():
            category = self.sudo().search([("code", "=", code)], limit=1)
            raise AccessError(self.env._(
                "You are not allowed to see or change the private information “%(category)s” of customers. "
                "A privacy officer can grant it to your department.", category=category.name or code))
