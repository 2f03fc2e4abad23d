from odoo import fields, models


class HrDepartment(models.Model):
    _inherit = "hr.department"

    private_category_ids = fields.Many2many(
        "crm.private.category", "crm_private_category_hr_department_rel", "hr_department_id",
        "crm_private_category_id", string="Private Customer Information",
        groups="crm_unified_view.group_customer_privacy_officer",
        help="Private categories of customer information the members of this department see.")
