"""Accuracy and completeness: the pure formulas, then the stored scores on partners."""
from datetime import timedelta

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import BaseCase, new_test_user, tagged
from odoo.tools import SQL

from ..analytics import data_quality
from ..models.sql_expressions import phone_key, vat_key
from .common import CustomerViewCommon


@tagged("post_install", "-at_install")
class TestDataQualityFormulas(BaseCase):

    def test_validators(self):
        self.assertTrue(data_quality.is_valid_email("wang.fang@xihutea.com.cn"))
        for bad in ("wang.fang@", "wang fang@xihu.cn", "@xihu.cn", "wang@xihu", ""):
            self.assertFalse(data_quality.is_valid_email(bad), bad)
        self.assertTrue(data_quality.is_valid_phone("+86 139 1234 5678"))
        self.assertTrue(data_quality.is_valid_phone("021-62345678", "CN"))
        self.assertFalse(data_quality.is_valid_phone("12345", "CN"))
        self.assertTrue(data_quality.is_valid_vat("91110000600037341L", "CN"))
        self.assertFalse(data_quality.is_valid_vat("91110000600037341X", "CN"))
        self.assertTrue(data_quality.is_valid_vat("DE136695976", "DE"))

    def test_one_normalisation_of_tax_ids_and_emails(self):
        # what people type between the characters of a tax ID does not make another one
        for typed in ("91110000600037341L", "9111 0000 6000 37341l", "9111-0000.6000/37341L", " 91110000600037341L\n"):
            self.assertEqual(data_quality.vat_key(typed), "91110000600037341L", typed)
        self.assertEqual(data_quality.vat_key("/"), "")
        self.assertTrue(data_quality.is_valid_vat("9111-0000.6000/37341L", "CN"))
        # Odoo's rule for one plain address
        self.assertFalse(data_quality.is_valid_email("王芳 <wangfang@xihutea.example.com>"))
        self.assertTrue(data_quality.is_valid_email(" Wang.Fang+tea@XiHuTea.example.com "))

    def test_accuracy_formula(self):
        self.assertEqual(data_quality.accuracy_score([(1, True), (1, True)], False, 0), 100.0)
        self.assertEqual(data_quality.accuracy_score([(3, True), (1, False)], False, 0), 85.0)
        self.assertEqual(data_quality.accuracy_score([(1, True)], True, 0), 80.0)
        self.assertEqual(data_quality.accuracy_score([(1, True)], False, None), 80.0)
        self.assertEqual(data_quality.accuracy_score([(1, True)], False, 730), 90.0)  # half-way faded
        self.assertEqual(data_quality.accuracy_score([], False, 0), 0.0)

    def test_completeness_formula(self):
        self.assertEqual(data_quality.completeness_score([(2, True), (1, False), (1, True)]), 75.0)
        self.assertEqual(data_quality.completeness_score([]), 0.0)


@tagged("post_install", "-at_install")
class TestDataQualityScores(CustomerViewCommon):

    def test_accuracy_of_a_clean_verified_customer(self):
        partner = self.env["res.partner"].create({
            "name": "苏州丝绸有限公司", "is_company": True, "country_id": self.env.ref("base.cn").id,
            "email": "sales@suzhousilk.cn", "mobile": "+86 139 1234 5678", "vat": "91110000600037341L",
            "date_last_verified": self.today,
        })
        self.assertEqual(partner.data_accuracy, 100.0)
        self.assertFalse(partner.is_possible_duplicate)

    def test_invalid_duplicate_and_stale_data_lower_accuracy(self):
        partner = self.env["res.partner"].create({
            "name": "宁波港物流", "email": "not-an-email", "date_last_verified": self.today})
        # name valid (weight 2), email invalid (weight 2): 0.6 * 0.5 + 0.2 + 0.2
        self.assertEqual(partner.data_accuracy, 70.0)
        partner.email = "info@xihutea.example.com"  # the email of self.customer
        self.assertEqual(partner.data_accuracy, 80.0)
        self.assertTrue(partner.is_possible_duplicate)
        self.customer._recompute_data_quality()
        self.assertTrue(self.customer.is_possible_duplicate)
        self.assertFalse(self.contact.is_possible_duplicate, "contacts of one company are not duplicates")
        partner.date_last_verified = self.today - timedelta(days=4 * 365)
        self.assertEqual(partner.data_accuracy, 60.0)

    def test_the_same_tax_id_typed_differently_is_a_duplicate(self):
        first, second = self.env["res.partner"].create([
            {"name": "北京甲公司", "is_company": True, "vat": "91110000600037341L"},
            {"name": "北京甲公司（重复）", "is_company": True, "vat": "9111-0000.6000 37341l"}])
        (first | second)._recompute_data_quality()
        self.assertTrue(first.is_possible_duplicate)
        self.assertTrue(second.is_possible_duplicate)

    def test_sql_keys_are_the_python_keys(self):
        for value in ("91110000600037341L", "9111-0000.6000 37341l", "de 136/695.976", "/", "", "a\tb"):
            self.env.cr.execute(SQL("SELECT %s", vat_key(SQL("%s", value))))
            self.assertEqual(self.env.cr.fetchone()[0], data_quality.vat_key(value), value)
        for value in ("+86 139 1234 5678", "(0571) 8888-6666", "12345", ""):
            self.env.cr.execute(SQL("SELECT %s", phone_key(SQL("%s", value))))
            self.assertEqual(self.env.cr.fetchone()[0], data_quality.normalized_phone(value), value)

    def test_completeness_grows_with_behaviour(self):
        before = self.customer.data_completeness
        self._confirmed_order(self.contact, [(self.product_tea, 1, 100.0)])
        # confirming the contact's order rescored the company without waiting for the cron
        self.assertGreater(self.customer.data_completeness, before)
        self.assertEqual(self.customer.data_completeness, self.contact.data_completeness)

    def test_completeness_follows_the_net_invoiced(self):
        before = self.customer.data_completeness
        self._posted_invoice(self.contact, 100.0)
        # posting the first invoice rescored the company without waiting for the cron
        first = self.customer.data_completeness
        self.assertGreater(first, before)
        self._posted_invoice(self.contact, 50.0)
        self.assertEqual(self.customer.data_completeness, first)
        # credit notes that bring the net invoiced back to nothing rescored it again
        self._posted_invoice(self.contact, 150.0, move_type="out_refund")
        self.assertLess(self.customer.data_completeness, first)
        self.assertEqual(self.contact.data_completeness, self.customer.data_completeness)

    def test_completeness_follows_complaints_when_they_are_expected(self):
        self.env.ref("crm_unified_view.crm_customer_info_item_open_complaint_count").is_expected = True
        self.customer._recompute_data_quality()
        before = self.customer.data_completeness
        complaint = self.env["crm.complaint"].create({"subject": "茶叶受潮", "partner_id": self.contact.id})
        # filing a complaint on the contact rescored its company without waiting for the cron
        self.assertGreater(self.customer.data_completeness, before)
        self.assertEqual(self.contact.data_completeness, self.customer.data_completeness)
        complaint.stage_id = self.env.ref("crm_unified_view.crm_complaint_stage_closed")
        self.assertEqual(self.customer.data_completeness, before)

    def test_nightly_cron_rescores_in_batches(self):
        partners = self.customer | self.contact | self.person
        partners.flush_recordset()
        self.env.cr.execute("UPDATE res_partner SET data_quality_date = NULL, data_completeness = 0 WHERE id IN %s",
                            [tuple(partners.ids)])
        self.env.invalidate_all()
        # Counted over every partner: those of the database scored on an earlier day are stale too.
        Partner, stale = self.env["res.partner"], self.env["res.partner"]._data_quality_stale_domain()
        count = Partner.search_count(stale)
        done = Partner._cron_refresh_data_quality(batch_size=2)
        self.assertEqual(len(done), 2)
        self.assertEqual(Partner.search_count(stale), count - 2)
        Partner._cron_refresh_data_quality(batch_size=10000)
        self.assertFalse(Partner.search_count(stale))
        self.assertTrue(all(partners.mapped("data_quality_date")))

    def test_admin_reclassifies_an_item_without_code(self):
        item = self.env.ref("crm_unified_view.crm_customer_info_item_lifecycle_stage")
        self.customer.preferred_contact_channel = "wechat"
        before = self.customer.data_completeness
        self.assertGreater(before, 0)
        item.with_user(self.user_manager).is_expected = True
        self.customer._recompute_data_quality()
        self.assertLess(self.customer.data_completeness, before)
        with self.assertRaises(ValidationError):
            item.with_user(self.user_manager).weight = 0

    def test_mark_as_verified(self):
        self.customer.with_user(self.user_info).action_mark_verified()
        self.assertEqual(self.customer.date_last_verified, self.today)
        with self.assertRaises(AccessError):
            self.person.with_user(self.user_employee).action_mark_verified()

    def test_private_values_never_change_the_scores(self):
        officer = new_test_user(self.env, "cuv_dq_officer",
                                groups="base.group_partner_manager,crm_unified_view.group_customer_privacy_officer")
        income = self.env["ir.model.fields"]._get("res.partner", "income_level")
        # an item on a private field, classified before such items were refused
        item = self.env["crm.customer.info.item"].create({
            "name": "Notes", "field_id": self.env["ir.model.fields"]._get("res.partner", "comment").id,
            "category": "extended", "info_type": "behavioural", "is_expected": True})
        self.env.cr.execute("UPDATE crm_customer_info_item SET field_id = %s WHERE id = %s", [income.id, item.id])
        self.env.invalidate_all()
        self.customer.with_user(self.user_info).action_recompute_data_quality()
        before = self.customer.data_completeness
        self.customer.with_user(officer).income_level = "high"
        # whoever triggers the computation, the private value does not count
        for user in (officer, self.user_info, self.user_manager):
            with self.subTest(user=user.name):
                self.customer.with_user(user).action_recompute_data_quality()
                self.assertEqual(self.customer.data_completeness, before)
        with self.assertRaises(ValidationError):
            self.env["crm.customer.info.item"].create({
                "name": "Household", "field_id": self.env["ir.model.fields"]._get("res.partner", "household_size").id,
                "info_type": "behavioural"})
