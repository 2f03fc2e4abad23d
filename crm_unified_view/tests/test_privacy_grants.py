"""Who reads private information is decided by privacy officers alone.

Neither Odoo's *Employee Editing* setting (an employee writes their own department), nor an
HR officer moving employees, nor an import of employees grants anything; a grant stays within
the companies it was given for.
"""
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from .test_privacy_security import PRIVATE_FIELDS, PRIVATE_VALUES, PrivacyCommon


@tagged("post_install", "-at_install")
class TestPrivacySelfGrant(PrivacyCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_hr = new_test_user(
            cls.env, "cuv_hr_officer", name="人事 周婷",
            groups="base.group_user,base.group_allow_export,hr.group_hr_user,crm_unified_view.group_customer_info_user")
        cls.employee_hr = cls.env["hr.employee"].create({
            "name": "周婷", "user_id": cls.user_hr.id, "department_id": cls.dept_service.id})

    # ASSERTS
    def assertNoPrivateAccess(self, user, customer=None, companies=None):
        """``user`` (working in ``companies``) gets nothing of ``customer``'s private information."""
        customer = customer or self.customer
        self.env.invalidate_all()  # as on the next request
        env = self.env(user=user, context=dict(self.env.context, allowed_company_ids=(companies or user.company_id).ids))
        partner = customer.with_env(env)
        self.assertSeesNothing(partner.read(PRIVATE_FIELDS)[0])
        Partner = env["res.partner"]
        self.assertNotIn(customer, Partner.search([("income_level", "=", "high")]))
        self.assertNotIn(customer, Partner.search([("id_number", "=", PRIVATE_VALUES["id_number"])]))
        Info = env["crm.customer.private.info"]
        self.assertFalse(Info.search([("partner_id", "=", customer.id)]))
        self.assertFalse(Info.read_group([("partner_id", "=", customer.id)], ["partner_id:count"], ["income_level"]))
        rows = partner.export_data(["income_level", "home_address", "id_number"])["datas"]
        self.assertEqual(rows, [["", "", ""]])

    # ---- Employee Editing on: an employee moves themselves --------------------------------
    def test_self_edited_department_grants_nothing(self):
        self.env["ir.config_parameter"].sudo().set_param("hr.hr_employee_self_edit", True)
        # as the preferences form does: res.users applies its self-writeable fields as superuser
        self.user_other.with_user(self.user_other).write({"department_id": self.dept_marketing.id})
        self.assertEqual(self.employee_other.department_id, self.dept_marketing)
        self.assertNoPrivateAccess(self.user_other)

    # ---- an HR officer moves themselves and others ------------------------------------------
    def test_hr_officer_moving_themselves_gains_nothing(self):
        self.employee_hr.with_user(self.user_hr).department_id = self.dept_marketing
        self.assertNoPrivateAccess(self.user_hr)

    def test_hr_officer_moving_others_grants_nothing(self):
        self.employee_other.with_user(self.user_hr).department_id = self.dept_marketing
        self.assertNoPrivateAccess(self.user_other)

    def test_hr_officer_creating_an_employee_grants_nothing(self):
        newcomer = new_test_user(self.env, "cuv_newcomer", groups="base.group_user,base.group_allow_export,crm_unified_view.group_customer_info_user")
        self.env["hr.employee"].with_user(self.user_hr).create({
            "name": "新人", "user_id": newcomer.id, "department_id": self.dept_marketing.id})
        self.assertNoPrivateAccess(newcomer)

    # ---- an import of employees ------------------------------------------------------------
    def test_employee_import_grants_nothing(self):
        newcomer = new_test_user(self.env, "cuv_imported", groups="base.group_user,base.group_allow_export,crm_unified_view.group_customer_info_user")
        Employee = self.env["hr.employee"].with_user(self.user_hr)
        created = Employee.load(["name", "user_id/.id", "department_id/.id"],
                                [["导入员工", str(newcomer.id), str(self.dept_marketing.id)]])
        updated = Employee.load([".id", "department_id/.id"], [[str(self.employee_hr.id), str(self.dept_marketing.id)]])
        self.assertFalse(created["messages"] + updated["messages"])
        self.assertEqual((newcomer.employee_id | self.employee_hr).department_id, self.dept_marketing)
        self.assertNoPrivateAccess(newcomer)
        self.assertNoPrivateAccess(self.user_hr)

    # ---- a grant stays within its companies ---------------------------------------------------
    def test_grant_of_company_a_does_not_show_company_b(self):
        company_a = self.env.company
        company_b = self.env["res.company"].create({"name": "乙公司 Company B"})
        both = company_a | company_b
        (self.user_granted | self.user_officer).company_ids = both
        customer_b = self.env["res.partner"].create({"name": "乙公司客户", "company_id": company_b.id})
        customer_b.with_user(self.user_officer).with_company(company_b).write(PRIVATE_VALUES)
        # working in both companies at once
        self.assertNoPrivateAccess(self.user_granted, customer_b, companies=both)
        # the shared customers stay visible while the user works in company A, not in B alone
        self.env.invalidate_all()
        self.assertSeesAll(self.customer.with_user(self.user_granted).with_context(
            allowed_company_ids=both.ids).read(PRIVATE_FIELDS)[0])
        self.assertNoPrivateAccess(self.user_granted, self.customer, companies=company_b)
        # a privacy officer extends the membership to company B
        self.member_granted.with_user(self.user_officer).company_ids = both
        self.env.invalidate_all()
        self.assertSeesAll(customer_b.with_user(self.user_granted).with_context(
            allowed_company_ids=both.ids).read(PRIVATE_FIELDS)[0])

    # ---- the privacy officer's way: propose, confirm, revoke --------------------------------------
    def test_department_proposes_its_employees_for_confirmation(self):
        self.employee_other.department_id = self.dept_marketing
        action = self.dept_marketing.with_user(self.user_officer).action_propose_private_members()
        self.env.flush_all()
        self.env.cr.precommit.run()  # end of the request: the chatter records the proposal
        Member = self.env["crm.private.access.member"].with_user(self.user_officer)
        proposed = Member.search(action["domain"] + [("state", "=", "proposed")])
        self.assertEqual(proposed.user_id, self.user_other, "the confirmed member is not proposed again")
        self.assertTrue(proposed.in_department)
        self.assertNoPrivateAccess(self.user_other)
        proposed.action_confirm()
        self.env.flush_all()
        self.env.cr.precommit.run()
        self.env.invalidate_all()
        self.assertSeesAll(self.customer.with_user(self.user_other).read(PRIVATE_FIELDS)[0])
        self.assertEqual(proposed.confirmed_by_id, self.user_officer)
        self.assertLessEqual(self.member_granted | proposed, self.category_income.with_user(self.user_officer).member_ids)
        proposed.action_revoke()
        self.env.flush_all()
        self.env.cr.precommit.run()
        tracked = proposed.sudo().message_ids.tracking_value_ids.filtered(lambda value: value.field_id.name == "state")
        self.assertEqual(sorted(tracked.mapped("new_value_char")), ["Confirmed", "Revoked"])
        # a revocation is the officer's decision: proposing again leaves it alone
        self.dept_marketing.with_user(self.user_officer).action_propose_private_members()
        self.assertEqual(Member.search([("user_id", "=", self.user_other.id)]).state, "revoked")
        self.assertNoPrivateAccess(self.user_other)

    def test_member_moved_out_by_hr_keeps_access_until_revoked(self):
        self.employee_granted.with_user(self.user_hr).department_id = self.dept_service
        Member = self.env["crm.private.access.member"].with_user(self.user_officer)
        self.assertEqual(Member.search([("in_department", "=", False)]), self.member_granted)
        self.env.invalidate_all()
        self.assertSeesAll(self.customer.with_user(self.user_granted).read(PRIVATE_FIELDS)[0])
        self.member_granted.with_user(self.user_officer).action_revoke()
        self.assertNoPrivateAccess(self.user_granted)

    @mute_logger("odoo.models", "odoo.addons.base.models.ir_model", "odoo.addons.base.models.ir_rule")
    def test_only_privacy_officers_confirm_members(self):
        for user in (self.user_hr, self.user_granted, self.user_other):
            with self.subTest(user=user.name):
                Member = self.env["crm.private.access.member"].with_user(user)
                with self.assertRaises(AccessError):
                    Member.create({"user_id": user.id, "department_id": self.dept_marketing.id, "state": "confirmed"})
                with self.assertRaises(AccessError):
                    self.member_granted.with_user(user).write({"user_id": user.id})
                with self.assertRaises(AccessError):
                    self.dept_marketing.with_user(user).action_propose_private_members()
                with self.assertRaises(AccessError):
                    self.dept_service.with_user(user).write({"private_category_ids": [(4, self.category_income.id)]})
        self.assertNoPrivateAccess(self.user_hr)
        self.assertNoPrivateAccess(self.user_other)
