"""Consents are evidence: the system records who and when, users cannot rewrite it, changes are tracked."""
from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestCustomerConsent(TransactionCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        groups = "base.group_user,crm_unified_view.group_customer_info_user"
        cls.user_info = new_test_user(cls.env, "cuv_consent_user", groups=groups, name="客服 林娜")
        cls.user_manager = new_test_user(cls.env, "cuv_consent_manager", name="经理 何平",
                                         groups="base.group_user,crm_unified_view.group_customer_info_manager")
        cls.customer = cls.env["res.partner"].create({"name": "孙强"})
        cls.other_customer = cls.env["res.partner"].create({"name": "周敏"})
        cls.consent = cls.env["crm.customer.consent"].with_user(cls.user_info).create({
            "partner_id": cls.customer.id, "purpose": "marketing", "channel": "paper", "date_given": "2024-03-01"})

    def test_recorder_is_set_by_the_system(self):
        consent = self.env["crm.customer.consent"].with_user(self.user_info).create({
            "partner_id": self.customer.id, "purpose": "analytics", "channel": "web",
            "recorded_by_id": self.user_manager.id, "state": "withdrawn", "date_withdrawn": "2024-01-01"})
        self.assertEqual(consent.recorded_by_id, self.user_info)
        self.assertEqual((consent.state, consent.date_withdrawn), ("given", False))
        self.assertEqual(self.consent.recorded_by_id, self.user_info)

    def test_consent_cannot_be_rewritten(self):
        rewrites = {"recorded_by_id": self.user_manager.id, "date_given": "2020-01-01", "state": "withdrawn",
                    "date_withdrawn": "2024-04-01", "partner_id": self.other_customer.id, "purpose": "third_party"}
        for user in (self.user_info, self.user_manager):
            for fname, value in rewrites.items():
                with self.subTest(user=user.login, field=fname), self.assertRaises(AccessError):
                    self.consent.with_user(user).write({fname: value})
        self.assertEqual((self.consent.recorded_by_id, str(self.consent.date_given), self.consent.state),
                         (self.user_info, "2024-03-01", "given"))

    def test_changes_are_tracked(self):
        self.assertIn("message_ids", self.consent._fields, "consents keep their history in the chatter")
        self.env.cr.flush()  # the creation is committed: what follows is a change
        self.consent.with_user(self.user_info).write({"channel": "in_person", "notes": "原件存档"})
        self.consent.with_user(self.user_manager).action_withdraw()
        self.env.cr.flush()  # tracking values are written just before the commit
        self.env.invalidate_all()
        tracked = self.consent.sudo().message_ids.tracking_value_ids.field_id.mapped("name")
        self.assertTrue({"channel", "state", "date_withdrawn"} <= set(tracked), tracked)
