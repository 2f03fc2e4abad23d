"""Private customer information: one test per role and path (survey/tests/test_survey_security.py style).

Roles: a user of a granted department, a user of another department, a privacy officer,
a portal user and the anonymous website visitor.
"""
from unittest.mock import patch

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import TransactionCase, new_test_user, tagged
from odoo.tools import mute_logger

PRIVATE_FIELDS = ["home_address", "income_level", "household_size", "id_number", "date_of_birth"]
PRIVATE_VALUES = {
    "home_address": "上海市徐汇区漕溪北路 88 号 12 楼", "income_level": "high", "household_size": 4,
    "id_number": "11010519491231002X",
}


@tagged("post_install", "-at_install")
class PrivacyCommon(TransactionCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dept_marketing = cls.env["hr.department"].create({"name": "市场部"})
        cls.dept_service = cls.env["hr.department"].create({"name": "客服部"})
        base_groups = "base.group_user,base.group_partner_manager,base.group_allow_export,"\
                      "crm_unified_view.group_customer_info_user"
        cls.user_granted = new_test_user(cls.env, "cuv_granted", groups=base_groups, name="市场部 张敏")
        cls.user_other = new_test_user(cls.env, "cuv_other", groups=base_groups, name="客服部 刘洋")
        cls.user_officer = new_test_user(
            cls.env, "cuv_officer", groups=base_groups + ",crm_unified_view.group_customer_privacy_officer",
            name="隐私官 陈静")
        cls.user_portal = new_test_user(cls.env, "cuv_portal", groups="base.group_portal", name="门户用户")
        cls.user_public = cls.env.ref("base.public_user")
        Employee = cls.env["hr.employee"]
        cls.employee_granted = Employee.create({
            "name": "张敏", "user_id": cls.user_granted.id, "department_id": cls.dept_marketing.id})
        cls.employee_other = Employee.create({
            "name": "刘洋", "user_id": cls.user_other.id, "department_id": cls.dept_service.id})
        cls.category_address = cls.env.ref("crm_unified_view.private_category_address")
        cls.category_income = cls.env.ref("crm_unified_view.private_category_income")
        cls.category_household = cls.env.ref("crm_unified_view.private_category_household")
        cls.category_identity = cls.env.ref("crm_unified_view.private_category_identity")
        (cls.category_address | cls.category_income | cls.category_household | cls.category_identity).write({
            "department_ids": [(6, 0, cls.dept_marketing.ids)]})
        # a privacy officer confirms who belongs to the department: HR's records alone grant nothing
        cls.member_granted = cls.env["crm.private.access.member"].with_user(cls.user_officer).create({
            "user_id": cls.user_granted.id, "department_id": cls.dept_marketing.id, "state": "confirmed"})
        cls.customer = cls.env["res.partner"].create({"name": "赵磊", "email": "zhaolei@example.com"})
        cls.customer.with_user(cls.user_officer).write(PRIVATE_VALUES)

    # ASSERTS
    def assertSeesNothing(self, values):
        for fname in PRIVATE_FIELDS:
            self.assertFalse(values.get(fname), fname)

    def assertSeesAll(self, values):
        for fname, value in PRIVATE_VALUES.items():
            self.assertEqual(values[fname], value, fname)


@tagged("post_install", "-at_install")
class TestPrivacySecurity(PrivacyCommon):

    # ---- privacy by default --------------------------------------------------------
    def test_no_department_is_granted_at_installation(self):
        categories = self.env["crm.private.category"].search([]) - (
            self.category_address | self.category_income | self.category_household | self.category_identity)
        self.assertFalse(categories.department_ids)
        self.category_income.department_ids = False
        self.env.invalidate_all()
        self.assertFalse(self.customer.with_user(self.user_granted).income_level)

    # ---- reading: form (web_read), read, search_read, server code in sudo mode ------------
    def _reading_paths(self, user):
        partner = self.customer.with_user(user)
        return {
            "web_read": lambda: partner.web_read({fname: {} for fname in PRIVATE_FIELDS})[0],
            "read": lambda: partner.read(PRIVATE_FIELDS)[0],
            "search_read": lambda: self.env["res.partner"].with_user(user).search_read(
                [("id", "=", self.customer.id)], PRIVATE_FIELDS)[0],
            # related fields and server code read as superuser: the values follow the real user
            "read in sudo mode": lambda: partner.sudo().read(PRIVATE_FIELDS)[0],
        }

    def test_reading_paths(self):
        """A granted member and a privacy officer (without a department) read every value; a user
        of another department reads none, on every path."""
        for user, sees_all in ((self.user_granted, True), (self.user_officer, True), (self.user_other, False)):
            for path, read in self._reading_paths(user).items():
                with self.subTest(user=user.login, path=path):
                    self.env.invalidate_all()
                    if sees_all:
                        self.assertSeesAll(read())
                    else:
                        self.assertSeesNothing(read())

    def test_other_form_hides_private_fields(self):
        partner = self.customer.with_user(self.user_other)
        self.assertFalse(partner.private_access_codes)
        self.assertEqual(self.customer.with_user(self.user_granted).private_access_codes,
                         "address,household,identity,income")

    def test_no_private_record_is_read_without_a_grant(self):
        """A user granted no category reads no private record (the record rules would let none
        through); a granted one does."""
        cr = self.env.cr
        execute = cr.execute
        tables = []

        def spy(query, params=None, log_exceptions=True):
            tables.append("crm_customer_private_info" in str(getattr(query, "code", query)))
            return execute(query, params, log_exceptions)

        for user, reads in ((self.user_other, False), (self.user_granted, True)):
            with self.subTest(user=user.login):
                tables.clear()
                self.env.invalidate_all()
                with patch.object(cr, "execute", spy):
                    values = self.customer.with_user(user).web_read({fname: {} for fname in PRIVATE_FIELDS})[0]
                self.assertEqual(any(tables), reads)
                (self.assertSeesAll if reads else self.assertSeesNothing)(values)

    # ---- search on a private field: no yes/no oracle ------------------------------------------
    def test_granted_search(self):
        Partner = self.env["res.partner"].with_user(self.user_granted)
        self.assertEqual(Partner.search([("income_level", "=", "high")]), self.customer)
        self.assertEqual(Partner.search([("home_address", "ilike", "漕溪北路")]), self.customer)
        self.assertNotIn(self.customer, Partner.search([("income_level", "=", False)]))

    def test_other_search(self):
        Partner = self.env["res.partner"].with_user(self.user_other)
        self.assertFalse(Partner.search([("income_level", "=", "high")]))
        self.assertFalse(Partner.search([("home_address", "ilike", "漕溪北路")]))
        self.assertFalse(Partner.search([("household_size", ">", 3)]))
        self.assertFalse(Partner.search([("id_number", "=like", "1101%")]))
        # the customer looks exactly like one without private information
        self.assertIn(self.customer, Partner.search([("income_level", "=", False)]))
        self.assertIn(self.customer, Partner.search([("income_level", "!=", "high")]))

    # ---- read_group / group by -------------------------------------------------------------
    def test_granted_read_group(self):
        groups = self.env["crm.customer.private.info"].with_user(self.user_granted).read_group(
            [("category_code", "=", "income")], ["partner_id:count"], ["income_level"])
        self.assertEqual([(group["income_level"], group["income_level_count"]) for group in groups], [("high", 1)])

    def test_other_read_group(self):
        groups = self.env["crm.customer.private.info"].with_user(self.user_other).read_group(
            [], ["partner_id:count"], ["income_level"])
        self.assertFalse(groups)

    def test_nobody_groups_partners_by_a_private_field(self):
        for user in (self.user_granted, self.user_other):
            with self.assertRaises(ValueError):
                self.env["res.partner"].with_user(user).read_group([], ["id:count"], ["income_level"])

    # ---- export / import ---------------------------------------------------------------
    def test_granted_export(self):
        rows = self.customer.with_user(self.user_granted).export_data(["name", "income_level", "home_address"])
        self.assertEqual(rows["datas"][0][2], PRIVATE_VALUES["home_address"])

    def test_other_export(self):
        rows = self.customer.with_user(self.user_other).export_data(
            ["name", "income_level", "home_address", "household_size", "id_number"])
        self.assertEqual(rows["datas"], [["赵磊", "", "", 0, ""]])

    def test_granted_import(self):
        result = self.env["res.partner"].with_user(self.user_granted).load(
            ["name", "income_level", "household_size"], [["孙丽", "middle", "3"]])
        self.assertFalse(result["messages"])
        partner = self.env["res.partner"].browse(result["ids"])
        self.assertEqual((partner.income_level, partner.household_size), ("middle", 3))

    def test_other_import(self):
        with mute_logger("odoo.sql_db", "odoo.models"):
            result = self.env["res.partner"].with_user(self.user_other).load(
                ["name", "income_level"], [["孙丽", "middle"]])
        self.assertTrue(result["messages"])
        self.assertFalse(self.env["res.partner"].search([("name", "=", "孙丽")]))
        self.assertFalse(self.env["crm.customer.private.info"].search([("partner_id.name", "=", "孙丽")]))

    # ---- write ------------------------------------------------------------------------
    def test_granted_write(self):
        self.customer.with_user(self.user_granted).income_level = "middle"
        self.assertEqual(self.customer.with_user(self.user_officer).income_level, "middle")

    def test_other_write(self):
        for fname, value in (("income_level", "low"), ("home_address", "x")):
            with self.subTest(field=fname), self.assertRaises(AccessError):
                self.customer.with_user(self.user_other).write({fname: value})
        self.env.invalidate_all()
        self.assertEqual(self.customer.with_user(self.user_officer).income_level, "high")

    def test_other_cannot_touch_private_records_directly(self):
        Info = self.env["crm.customer.private.info"].with_user(self.user_other)
        self.assertFalse(Info.search([]))
        with self.assertRaises(AccessError):
            Info.create({"partner_id": self.customer.id, "category_id": self.category_income.id,
                         "income_level": "low"})

    # ---- chatter tracking and notifications ----------------------------------------------
    def test_no_tracking_or_notification_of_private_values(self):
        self.customer.message_subscribe(partner_ids=self.user_other.partner_id.ids)
        self.customer.with_user(self.user_granted).write({"income_level": "middle", "home_address": "杭州市西湖区"})
        self.customer.with_user(self.user_granted).message_post(body="已更新资料", message_type="comment",
                                                                 subtype_xmlid="mail.mt_comment")
        self.env.flush_all()
        trackings = self.customer.message_ids.tracking_value_ids
        self.assertFalse(set(trackings.field_id.mapped("name")) & set(PRIVATE_FIELDS))
        for value in trackings.mapped("old_value_char") + trackings.mapped("new_value_char"):
            self.assertNotIn("杭州市西湖区", value or "")
        mails = self.env["mail.mail"].sudo().search([("model", "=", "res.partner"), ("res_id", "=", self.customer.id)])
        for body in self.customer.message_ids.mapped("body") + mails.mapped("body_html"):
            self.assertNotIn("杭州市西湖区", str(body))
            self.assertNotIn("middle", str(body))

    # ---- related and computed fields elsewhere --------------------------------------------
    def test_related_field_on_users(self):
        customer_user = new_test_user(self.env, "cuv_customer_portal", groups="base.group_portal",
                                      partner_id=self.customer.id)
        as_other = customer_user.with_user(self.user_other).sudo()
        self.assertFalse(as_other.income_level)
        self.assertEqual(customer_user.with_user(self.user_granted).sudo().income_level, "high")

    # ---- name_search / display name ----------------------------------------------------
    def test_other_name_search(self):
        Partner = self.env["res.partner"].with_user(self.user_other)
        self.assertFalse(Partner.name_search("漕溪北路"))
        self.assertFalse(Partner.name_search("11010519491231002X"))
        self.assertNotIn("漕溪", self.customer.with_user(self.user_other).display_name)

    # ---- mail templates and QWeb reports -------------------------------------------------
    def _render_template_as(self, user):
        template = self.env["mail.template"].create({
            "name": "Private test", "model_id": self.env.ref("base.model_res_partner").id,
            "body_html": "<p>收入 <t t-out=\"object.income_level or ''\"/> 地址 <t t-out=\"object.home_address or ''\"/></p>",
        })
        return str(template.with_user(user)._render_field("body_html", self.customer.ids)[self.customer.id])

    def _render_report_as(self, user):
        view = self.env["ir.ui.view"].create({
            "name": "crm_unified_view.test_private_report", "type": "qweb",
            "arch": "<t t-name=\"crm_unified_view.test_private_report\"><t t-foreach=\"docs\" t-as=\"doc\">"
                    "<span t-field=\"doc.home_address\"/><span t-out=\"doc.id_number\"/></t></t>",
        })
        docs = self.customer.with_user(user)
        return str(self.env["ir.qweb"].with_user(user)._render(view.id, {"docs": docs}))

    def test_rendering_paths(self):
        """Mail templates and QWeb reports render what the user rendering them may read."""
        rendered_values = [
            ("_render_template_as", [PRIVATE_VALUES["home_address"], "high"]),
            ("_render_report_as", [PRIVATE_VALUES["home_address"], PRIVATE_VALUES["id_number"]]),
        ]
        for render, values in rendered_values:
            for user, shown in ((self.user_granted, True), (self.user_other, False)):
                with self.subTest(path=render, user=user.login):
                    output = getattr(self, render)(user)
                    for value in values:
                        (self.assertIn if shown else self.assertNotIn)(value, output)

    # ---- copy and merge --------------------------------------------------------------------
    def test_granted_copy(self):
        copy = self.customer.with_user(self.user_granted).copy()
        self.assertSeesAll(copy.with_user(self.user_officer).read(PRIVATE_FIELDS)[0])

    def test_other_copy(self):
        copy = self.customer.with_user(self.user_other).copy()
        self.assertSeesNothing(copy.with_user(self.user_officer).read(PRIVATE_FIELDS)[0])

    def test_merge_keeps_private_information_and_hides_it(self):
        duplicate = self.env["res.partner"].create({"name": "赵磊", "email": "zhaolei@example.com"})
        duplicate.with_user(self.user_officer).write({"income_level": "low", "date_of_birth": "1990-05-01"})
        wizard = self.env["base.partner.merge.automatic.wizard"].create({})
        wizard._merge((self.customer | duplicate).ids, self.customer)
        self.env.invalidate_all()
        self.assertSeesNothing(self.customer.with_user(self.user_other).read(PRIVATE_FIELDS)[0])
        merged = self.customer.with_user(self.user_granted)
        self.assertEqual(merged.income_level, "high", "the destination's own value wins")
        self.assertEqual(str(merged.date_of_birth), "1990-05-01", "values only the source had are kept")
        self.assertEqual(self.env["crm.customer.private.info"].search_count(
            [("partner_id", "=", self.customer.id)]), 4)

    # ---- grants and confirmed members take effect at once ---------------------------------------
    def test_confirmation_takes_effect_on_next_request(self):
        partner = self.customer.with_user(self.user_other)
        self.employee_other.department_id = self.dept_marketing
        self.env.invalidate_all()
        self.assertFalse(partner.income_level, "HR's department alone grants nothing")
        member = self.env["crm.private.access.member"].with_user(self.user_officer).create({
            "user_id": self.user_other.id, "department_id": self.dept_marketing.id})
        self.env.invalidate_all()
        self.assertFalse(partner.income_level, "a proposed member reads nothing")
        member.action_confirm()
        self.env.invalidate_all()
        self.assertEqual(partner.income_level, "high")
        self.assertEqual((member.confirmed_by_id, member.state), (self.user_officer, "confirmed"))
        member.action_revoke()
        self.env.invalidate_all()
        self.assertFalse(partner.income_level, "a revoked member reads nothing")

    def test_grant_change_takes_effect_on_next_request(self):
        partner = self.customer.with_user(self.user_other)
        self.env["crm.private.access.member"].with_user(self.user_officer).create({
            "user_id": self.user_other.id, "department_id": self.dept_service.id, "state": "confirmed"})
        self.env.invalidate_all()
        self.assertFalse(partner.home_address)
        self.category_address.with_user(self.user_officer).department_ids += self.dept_service
        self.env.invalidate_all()
        self.assertEqual(partner.home_address, PRIVATE_VALUES["home_address"])
        self.assertFalse(partner.income_level)

    # ---- officer, access log, consent ----------------------------------------------------------
    @mute_logger("odoo.models", "odoo.addons.base.models.ir_model")
    def test_only_officers_grant_categories(self):
        with self.assertRaises(AccessError):
            self.category_income.with_user(self.user_granted).department_ids += self.dept_service

    @mute_logger("odoo.addons.base.models.ir_model")
    def test_access_log_of_private_reads(self):
        Log = self.env["crm.private.access.log"]
        self.customer.with_user(self.user_granted).read(["income_level", "home_address"])
        self.env.invalidate_all()
        self.customer.with_user(self.user_granted).read(["income_level"])  # same hour: not logged twice
        self.customer.with_user(self.user_other).read(["income_level"])  # saw nothing: nothing logged
        logs = Log.with_user(self.user_officer).search([("user_id", "=", self.user_granted.id),
                                                        ("operation", "=", "read")])
        self.assertEqual(len(logs), 4)  # one per category the read computed
        self.assertEqual(logs.partner_id, self.customer)
        self.assertFalse(Log.with_user(self.user_officer).search([("user_id", "=", self.user_other.id)]))
        with self.assertRaises(AccessError):
            Log.with_user(self.user_granted).search([])

    def test_consent_is_recorded_and_withdrawn(self):
        consent = self.env["crm.customer.consent"].with_user(self.user_other).create({
            "partner_id": self.customer.id, "purpose": "marketing", "channel": "web"})
        consent.action_withdraw()
        self.assertEqual(consent.state, "withdrawn")
        with self.assertRaises(AccessError):
            consent.date_withdrawn = "2000-01-01"
        with self.assertRaises(ValidationError):
            consent.sudo().date_withdrawn = "2000-01-01"


@tagged("post_install", "-at_install")
class TestPrivacyOutsiders(PrivacyCommon):
    """Portal users, the anonymous visitor and the customer's own portal login: every path ends
    in an access error, never a value."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the customer's own login may read the customer record: record rules alone do not stop it
        cls.user_customer = new_test_user(cls.env, "cuv_customer_self", groups="base.group_portal",
                                          partner_id=cls.customer.id, name="赵磊",
                                          email="zhaolei@example.com")

    def _paths(self, user):
        """{path: (call, the error that must end it)}"""
        partner = self.customer.with_user(user)
        Partner = self.env["res.partner"].with_user(user)
        Info = self.env["crm.customer.private.info"].with_user(user)
        return {
            "read": (lambda: partner.read(["income_level"]), AccessError),
            "web_read": (lambda: partner.web_read({"home_address": {}}), AccessError),
            "search_read": (lambda: Partner.search_read([("id", "=", self.customer.id)], ["id_number"]), AccessError),
            "search": (lambda: Partner.search([("household_size", ">", 1)]), AccessError),
            "search by income": (lambda: Partner.search([("income_level", "=", "high")]), AccessError),
            "read_group": (lambda: Info.read_group([], ["partner_id:count"], ["income_level"]), AccessError),
            "export": (lambda: partner.export_data(["income_level"]), UserError),  # no right to export
            "write": (lambda: partner.write({"income_level": "low"}), AccessError),
            "private records": (lambda: Info.search([]), AccessError),
            "access log": (lambda: self.env["crm.private.access.log"].with_user(user).search([]), AccessError),
            "consents": (lambda: self.env["crm.customer.consent"].with_user(user).search([]), AccessError),
        }

    def _assert_no_path_leaks(self, user):
        for path, (call, error) in self._paths(user).items():
            with self.subTest(path=path), mute_logger("odoo.models", "odoo.addons.base.models.ir_model"), \
                    self.assertRaises(error):
                call()
        with self.subTest(path="import"), mute_logger("odoo.sql_db", "odoo.models"):
            result = self.env["res.partner"].with_user(user).load(["name", "income_level"], [["外人导入", "low"]])
            self.assertTrue(result["messages"], "an import by an outsider must fail")
            self.assertFalse(self.env["res.partner"].search([("name", "=", "外人导入")]))
        self.env.invalidate_all()
        self.assertSeesAll(self.customer.with_user(self.user_officer).read(PRIVATE_FIELDS)[0])

    def test_portal_user_on_every_path(self):
        self._assert_no_path_leaks(self.user_portal)

    def test_anonymous_visitor_on_every_path(self):
        self._assert_no_path_leaks(self.user_public)

    def test_the_customer_itself_on_every_path(self):
        self._assert_no_path_leaks(self.user_customer)
        # what it reads of its own record holds nothing private
        customer = self.customer.with_user(self.user_customer)
        self.assertEqual(customer.read(["display_name", "email"]),
                         [{"id": self.customer.id, "display_name": "赵磊", "email": "zhaolei@example.com"}])
