"""Service by value: reply limits per value tier, high-value complaints, an alarm that reaches a person."""
from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo.exceptions import ValidationError
from odoo.tests import new_test_user, tagged

from .service_common import ServiceCommon

RECEIVED = "2026-03-02 01:00:00"  # a Monday, 09:00 in Shanghai


@tagged("post_install", "-at_install")
class TestServiceLevels(ServiceCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Clock = cls.env["crm.reply.clock"]
        cls.overdue_type = cls.env.ref("crm_unified_view.mail_activity_type_reply_overdue")
        cls.user_salesman = new_test_user(
            cls.env, "cuv_svc_salesman", groups="sales_team.group_sale_salesman,crm_unified_view.group_customer_info_user",
            name="Salesperson", email="salesman@company.example.com")
        cls.user_sales_manager = new_test_user(
            cls.env, "cuv_svc_sales_manager",
            groups="sales_team.group_sale_manager,crm_unified_view.group_customer_info_manager,base.group_system",
            name="Sales manager", email="salesmanager@company.example.com")
        cls.customer.user_id = cls.user_salesman

    # TOOLS
    def _set_tier(self, partner, tier, company=None):
        partner.with_company(company or self.company).sudo().write({"value_tier": tier})

    def _clock(self, record):
        return self.Clock.search([("res_model", "=", record._name), ("res_id", "=", record.id)])

    def _customer_email(self, record, author=None):
        return record.message_post(body="请问我的投诉处理得怎么样了？", message_type="email",
                                   author_id=(author or self.contact).id, subtype_xmlid="mail.mt_comment")

    def _overdue_activities(self, record, user):
        return record.activity_ids.filtered(
            lambda activity: activity.activity_type_id == self.overdue_type and activity.user_id == user)

    # TESTS
    def test_reply_limits_by_value_tier(self):
        expected = {"high": (4, 8), "medium": (12, 24), "low": (24, 48), False: (12, 24)}
        for tier, hours in expected.items():
            with self.subTest(tier=tier):
                self._set_tier(self.customer, tier)
                with freeze_time(RECEIVED):
                    complaint = self._complaint(user_id=self.user_agent.id)
                    self._customer_email(complaint)
                clock = self._clock(complaint)
                self.assertEqual(clock.value_tier, tier)
                self.assertEqual((clock.date_deadline - clock.date_received, clock.date_escalation - clock.date_received),
                                 (timedelta(hours=hours[0]), timedelta(hours=hours[1])))

    def test_high_value_alarm_fires_after_four_hours(self):
        self._set_tier(self.customer, "high")
        with freeze_time(RECEIVED):
            complaint = self._complaint(user_id=self.user_agent.id)
            self._customer_email(complaint)
        with freeze_time("2026-03-02 04:59:00"):
            self.Clock._cron_check_deadlines()
        self.assertEqual(self._clock(complaint).state, "open")
        with freeze_time("2026-03-02 05:01:00"):
            self.Clock._cron_check_deadlines()
        self.assertEqual(self._clock(complaint).state, "alarmed")
        self.assertTrue(self._overdue_activities(complaint, self.user_agent))

    def test_tier_limits_are_set_per_company_in_settings(self):
        settings = self.env["res.config.settings"].with_user(self.user_sales_manager).create({
            "reply_limit_high_hours": 2, "reply_escalation_high_hours": 3})
        settings.execute()
        self.assertEqual((self.company.reply_limit_high_hours, self.company.reply_escalation_high_hours), (2, 3))
        other = self.env["res.company"].create({"name": "乙公司"})
        self.assertEqual((other.reply_limit_high_hours, other.reply_escalation_high_hours), (4, 8))
        self._set_tier(self.customer, "high")
        with freeze_time(RECEIVED):
            complaint = self._complaint(user_id=self.user_agent.id)
            self._customer_email(complaint)
        self.assertEqual(self._clock(complaint).date_deadline, datetime(2026, 3, 2, 3, 0))
        with self.assertRaises(ValidationError):
            self.company.write({"reply_limit_low_hours": 10, "reply_escalation_low_hours": 5})
        with self.assertRaises(ValidationError):
            self.company.reply_limit_medium_hours = 0

    def test_tier_of_the_document_company(self):
        other = self.env["res.company"].create({"name": "乙公司"})
        self._set_tier(self.customer, "low", company=other)
        self._set_tier(self.customer, "high")
        with freeze_time(RECEIVED):
            complaint = self._complaint(user_id=self.user_agent.id)
            self._customer_email(complaint)
        self.assertEqual(self._clock(complaint).value_tier, "high")

    def test_high_value_complaint_goes_to_the_account_manager(self):
        self._set_tier(self.customer, "high")
        complaint = self.env["crm.complaint"].with_user(self.user_salesman).create({
            "subject": "茶叶受潮", "partner_id": self.contact.id, "channel": "phone",
            "category_id": self.category_product.id})
        self.assertEqual(complaint.user_id, self.user_salesman, "the account manager, not the category's R&D")
        self.assertEqual(complaint.priority, "2")
        # a customer of another tier keeps the category's routing and normal priority
        self._set_tier(self.customer, "medium")
        complaint = self.env["crm.complaint"].with_user(self.user_salesman).create({
            "subject": "包装破损", "partner_id": self.contact.id, "category_id": self.category_product.id})
        self.assertEqual((complaint.user_id, complaint.priority), (self.user_rnd, "0"))

    def test_high_value_complaint_keeps_an_explicit_priority(self):
        self._set_tier(self.customer, "high")
        complaint = self._complaint(priority="3")
        self.assertEqual(complaint.priority, "3")

    def test_high_value_email_complaint_goes_to_the_account_manager(self):
        self._set_tier(self.customer, "high")
        self._process(self._raw_email("茶叶有霉味", "买的龙井有霉味。", message_id="<vip-1@xihutea.example.com>"))
        complaint = self.env["crm.complaint"].search([("subject", "=", "茶叶有霉味")])
        self.assertEqual((complaint.user_id, complaint.priority), (self.user_salesman, "2"))
        self.assertEqual(self._clock(complaint).user_id, self.user_salesman)


@tagged("post_install", "-at_install")
class TestAlarmReachesAPerson(ServiceCommon):
    """An unanswered email complaint from a new address has no responsible: the alarm still reaches someone."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Clock = cls.env["crm.reply.clock"]
        cls.overdue_type = cls.env.ref("crm_unified_view.mail_activity_type_reply_overdue")
        cls.user_default = new_test_user(
            cls.env, "cuv_svc_default", groups="base.group_user,crm_unified_view.group_customer_info_user",
            name="值班客服 李娜", email="duty@company.example.com", tz="Asia/Shanghai")
        cls.user_default.partner_id.mobile = "+86 139 0000 0001"
        cls.category_inbox = cls.env["crm.complaint.category"].create({"name": "客服信箱", "alias_name": "help"})

    # TOOLS
    def _email_complaint(self, subject="快递丢件"):
        self._process(self._raw_email(subject, "我的包裹丢了，请尽快处理。", email_from="newbuyer@example.com",
                                      name="新客户", to="help@service.example.com",
                                      message_id="<lost-1@example.com>"))
        return self.env["crm.complaint"].search([("subject", "=", subject)])

    def _overdue_activities(self, record, user):
        return record.activity_ids.filtered(
            lambda activity: activity.activity_type_id == self.overdue_type and activity.user_id == user)

    # TESTS
    def test_alarm_without_responsible_reaches_the_default_responsible(self):
        self.env["res.config.settings"].create({"service_user_id": self.user_default.id}).execute()
        self.assertEqual(self.company.service_user_id, self.user_default)
        with freeze_time(RECEIVED):
            complaint = self._email_complaint()
        self.assertEqual(len(complaint), 1)
        self.assertFalse(complaint.user_id)
        clock = self.Clock.search([("res_model", "=", "crm.complaint"), ("res_id", "=", complaint.id)])
        self.assertFalse(clock.user_id)
        with freeze_time("2026-03-02 13:30:00"):
            self.Clock._cron_check_deadlines()
        self.assertEqual((clock.state, clock.user_id), ("alarmed", self.user_default))
        self.assertEqual(len(self._overdue_activities(complaint, self.user_default)), 1)
        notification = self.env["mail.message"].search([
            ("model", "=", "crm.complaint"), ("res_id", "=", complaint.id), ("message_type", "=", "user_notification")])
        self.assertIn(self.user_default.partner_id, notification.partner_ids)
        sms = self.env["sms.sms"].sudo().search([("partner_id", "=", self.user_default.partner_id.id)])
        self.assertEqual(len(sms), 1)
        # the default responsible sees the complaint the alarm is about
        self.assertEqual(complaint.with_user(self.user_default).subject, "快递丢件")

    def test_alarm_goes_to_whoever_is_responsible_by_then(self):
        self.env["res.config.settings"].create({"service_user_id": self.user_default.id}).execute()
        with freeze_time(RECEIVED):
            complaint = self._email_complaint()
        complaint.user_id = self.user_agent
        with freeze_time("2026-03-02 13:30:00"):
            self.Clock._cron_check_deadlines()
        self.assertTrue(self._overdue_activities(complaint, self.user_agent))
        self.assertFalse(self._overdue_activities(complaint, self.user_default))

    def test_escalation_without_manager_reaches_the_default_responsible(self):
        self.company.service_user_id = self.user_default
        with freeze_time(RECEIVED):
            complaint = self._complaint(user_id=self.user_rnd.id)
            complaint.message_post(body="还没回复？", message_type="email", author_id=self.contact.id,
                                   subtype_xmlid="mail.mt_comment")
        with freeze_time("2026-03-02 13:30:00"):
            self.Clock._cron_check_deadlines()
        with freeze_time("2026-03-03 01:30:00"):
            self.Clock._cron_check_deadlines()
        self.assertTrue(self._overdue_activities(complaint, self.user_default))

    def test_default_responsible_is_per_company(self):
        other = self.env["res.company"].create({"name": "乙公司"})
        self.company.service_user_id = self.user_default
        self.assertFalse(other.service_user_id)
