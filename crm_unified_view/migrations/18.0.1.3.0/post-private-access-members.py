"""18.0.1.3.0: private information follows memberships a privacy officer confirmed, no longer
HR's departments. So that the upgrade cuts nobody off, the users who read a category through
their department before (active employees of a granted department) become confirmed members,
for the department's company (or their employee's), with a note in the membership's chatter."""
from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    departments = env["crm.private.category"].search([]).department_ids
    employees = env["hr.employee"].search([("department_id", "in", departments.ids), ("user_id", "!=", False)])
    seen, values = set(), []
    for employee in employees:
        key = (employee.user_id.id, employee.department_id.id)
        if key not in seen:
            seen.add(key)
            values.append({
                "user_id": key[0], "department_id": key[1], "state": "confirmed",
                "company_ids": (employee.department_id.company_id or employee.company_id).ids})
    members = env["crm.private.access.member"].create(values)
    for member in members:
        member.message_post(body=env._(
            "Carried over at the upgrade: this user read the department's private customer information "
            "as its employee. Revoke the membership if that is no longer right."))
