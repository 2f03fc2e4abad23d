"""Departments: the private categories a privacy officer grants them, and their confirmed members."""
from odoo import fields, models

PRIVACY_OFFICER_GROUPS = "crm_unified_view.group_customer_privacy_officer"


class HrDepartment(models.Model):
    _inherit = "hr.department"

    private_category_ids = fields.Many2many(
        "crm.private.category", "crm_private_category_hr_department_rel", "hr_department_id",
        "crm_private_category_id", string="Private Customer Information", groups=PRIVACY_OFFICER_GROUPS,
        help="Private categories of customer information the confirmed members of this department see.")
    private_member_ids = fields.One2many(
        "crm.private.access.member", "department_id", "Confirmed Members", groups=PRIVACY_OFFICER_GROUPS,
        help="Who a privacy officer confirmed as a member of this department: they alone read its "
             "private customer information, whatever HR records.")

    def action_propose_private_members(self):
        """Propose the department's current employees (as HR records them) for confirmation.

        Users already proposed, confirmed or revoked for the department are left as they are: a
        revocation is a privacy officer's decision, not undone by HR's records.
        """
        Member = self.env["crm.private.access.member"]
        known = {(member.user_id.id, member.department_id.id)
                 for member in Member.search([("department_id", "in", self.ids)])}
        proposals = []
        for department in self:
            # HR's list is read as superuser: only the users are taken, for a privacy officer to confirm.
            for employee in department.sudo().member_ids.filtered("user_id"):
                if (employee.user_id.id, department.id) not in known:
                    known.add((employee.user_id.id, department.id))
                    proposals.append({
                        "user_id": employee.user_id.id, "department_id": department.id,
                        "company_ids": (department.company_id or employee.company_id).ids})
        Member.create(proposals)
        return {
            "type": "ir.actions.act_window", "name": self.env._("Confirmed Members"),
            "res_model": "crm.private.access.member", "view_mode": "list,form",
            "domain": [("department_id", "in", self.ids)],
            "context": {"search_default_proposed": 1, "default_department_id": self[:1].id},
        }
