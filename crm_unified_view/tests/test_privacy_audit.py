"""The access log of private information: every path leaves a trace, and the trace stays."""
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from .test_privacy_security import PrivacyCommon


@tagged("post_install", "-at_install")
class TestPrivacyAudit(PrivacyCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Info = cls.env["crm.customer.private.info"].with_user(cls.user_granted)
        cls.info_income = cls.Info.sudo().search([("partner_id", "=", cls.customer.id),
                                                  ("category_id", "=", cls.category_income.id)])

    # ASSERTS
    def _logs(self, operation, user=None, category=None):
        return self.env["crm.private.access.log"].search([
            ("user_id", "=", (user or self.user_granted).id), ("operation", "=", operation),
            ("partner_id", "=", self.customer.id)] + ([("category_id", "=", category.id)] if category else []))

    def assertLogged(self, operation, category, count=1, user=None):
        logs = self._logs(operation, user=user, category=category)
        self.assertEqual(len(logs), count, "%s of %s" % (operation, category.code))
        return logs

    # ---- reads: every ORM path, logged once -----------------------------------------------
    def test_direct_read_is_logged(self):
        self.info_income.with_user(self.user_granted).read(["income_level"])
        self.assertLogged("read", self.category_income)

    def test_direct_search_read_is_logged_once(self):
        rows = self.Info.search_read([("partner_id", "=", self.customer.id)], ["income_level", "home_address"])
        self.assertEqual(len(rows), 4)
        for category in (self.category_address, self.category_income, self.category_household,
                         self.category_identity):
            self.assertLogged("read", category)

    def test_web_search_read_is_logged_once(self):
        result = self.Info.web_search_read([("category_code", "=", "income")], {"income_level": {}})
        self.assertEqual(result["records"][0]["income_level"], "high")
        self.assertLogged("read", self.category_income)

    def test_reading_only_the_category_is_not_a_read_of_values(self):
        self.Info.search_read([("partner_id", "=", self.customer.id)], ["category_id", "partner_id"])
        self.assertFalse(self._logs("read"))

    def test_read_group_on_private_values_is_logged(self):
        self.Info.read_group([("category_code", "=", "household")], ["household_size:max"], ["partner_id"])
        self.assertLogged("read", self.category_household)

    def test_export_is_logged_as_export(self):
        self.info_income.with_user(self.user_granted).export_data(["partner_id", "income_level"])
        self.assertLogged("export", self.category_income)
        self.assertFalse(self._logs("read"))
        self.customer.with_user(self.user_granted).export_data(["name", "id_number"])
        self.assertLogged("export", self.category_identity)

    def test_other_reads_nothing_and_leaves_nothing(self):
        self.env["crm.customer.private.info"].with_user(self.user_other).search_read([], ["income_level"])
        self.assertFalse(self._logs("read", user=self.user_other))

    # ---- searches on private values ---------------------------------------------------------
    def test_direct_search_on_a_private_value_is_logged(self):
        self.assertEqual(self.Info.search_count([("income_level", "=", "high")]), 1)
        self.assertLogged("search", self.category_income)

    def test_partner_search_on_a_private_field_is_logged(self):
        Partner = self.env["res.partner"].with_user(self.user_granted)
        self.assertEqual(Partner.search([("id_number", "=like", "1101%")]), self.customer)
        self.assertLogged("search", self.category_identity)
        self.assertFalse(self._logs("read"), "a search shows no value")

    # ---- changes ------------------------------------------------------------------------------
    def test_direct_write_create_and_unlink_are_logged(self):
        info = self.info_income.with_user(self.user_granted)
        info.write({"income_level": "low"})
        self.assertLogged("write", self.category_income)
        info.unlink()
        self.assertLogged("unlink", self.category_income)
        self.Info.create({"partner_id": self.customer.id, "category_id": self.category_income.id,
                          "income_level": "middle"})
        self.assertLogged("create", self.category_income)

    def test_partner_write_is_logged_once(self):
        self.customer.with_user(self.user_granted).write({"household_size": 5})
        self.assertLogged("write", self.category_household)
        self.assertFalse(self._logs("write", category=self.category_income))

    def test_deleting_a_partner_logs_the_deletion_of_its_private_information(self):
        partner = self.env["res.partner"].create({"name": "钱伟"})
        partner.with_user(self.user_granted).income_level = "low"
        partner.with_user(self.user_granted).unlink()
        logs = self.env["crm.private.access.log"].search([("partner_name", "=", "钱伟"), ("operation", "=", "unlink")])
        self.assertEqual(logs.category_id, self.category_income)

    # ---- the log outlives what it names and cannot be changed --------------------------------
    def test_log_outlives_the_partner_and_the_user(self):
        user = new_test_user(self.env, "cuv_leaver", name="离职员工 吴刚",
                             groups="base.group_user,crm_unified_view.group_customer_info_user")
        employee = self.env["hr.employee"].create({
            "name": "吴刚", "user_id": user.id, "department_id": self.dept_marketing.id})
        self.env["crm.private.access.member"].with_user(self.user_officer).create({
            "user_id": user.id, "department_id": self.dept_marketing.id, "state": "confirmed"})
        partner = self.env["res.partner"].create({"name": "郑洁"})
        partner.with_user(self.user_officer).home_address = "南京市鼓楼区"
        self.env.invalidate_all()  # the next request
        partner.with_user(user).read(["home_address"])
        partner.unlink()
        employee.unlink()
        user.unlink()
        logs = self.env["crm.private.access.log"].search([("partner_name", "=", "郑洁")])
        self.assertEqual(set(logs.mapped("operation")), {"create", "read"})
        read = logs.filtered(lambda log: log.operation == "read")
        self.assertEqual((read.user_name, read.user_login, read.category_id), ("离职员工 吴刚", "cuv_leaver",
                                                                             self.category_address))
        self.assertFalse(read.partner_id)
        self.assertFalse(read.user_id)
        self.assertIn(read, self.env["crm.private.access.log"].with_user(self.user_officer).search([]),
                      "officers still see the entries of a deleted customer")

    @mute_logger("odoo.addons.base.models.ir_model")
    def test_log_is_append_only(self):
        self.customer.with_user(self.user_granted).read(["income_level"])
        log = self._logs("read")[:1]
        self.assertTrue(log)
        for user in (self.user_officer, self.user_granted):
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    log.with_user(user).write({"operation": "write"})
                with self.assertRaises(AccessError):
                    log.with_user(user).unlink()
                with self.assertRaises(AccessError):
                    self.env["crm.private.access.log"].with_user(user).create({"operation": "read"})
        admin = new_test_user(self.env, "cuv_admin_audit", groups="base.group_system")
        with self.assertRaises(AccessError):
            log.with_user(admin).unlink()
        with self.assertRaises(UserError):
            log.sudo().write({"user_id": self.user_other.id})
        with self.assertRaises(UserError):
            log.sudo().unlink()
        self.assertTrue(log.exists())


@tagged("post_install", "-at_install")
class TestPrivacyAuditRpc(PrivacyCommon, HttpCase):
    """Over JSON-RPC, reads run in a read-only transaction: the log must still be written."""

    def test_jsonrpc_search_read_of_private_records_is_logged(self):
        self.authenticate("cuv_granted", "cuv_granted")
        with mute_logger("odoo.http"):  # the read-only attempt is retried with a read/write cursor
            rows = self.make_jsonrpc_request("/web/dataset/call_kw/crm.customer.private.info/search_read", {
                "model": "crm.customer.private.info", "method": "search_read",
                "args": [[("category_code", "=", "identity")], ["id_number"]], "kwargs": {}})
        self.assertEqual(rows[0]["id_number"], "11010519491231002X")
        logs = self.env["crm.private.access.log"].search([
            ("user_id", "=", self.user_granted.id), ("category_id", "=", self.category_identity.id),
            ("operation", "=", "read")])
        self.assertEqual(len(logs), 1)
