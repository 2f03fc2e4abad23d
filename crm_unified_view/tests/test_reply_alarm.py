"""The reply alarm: a customer email starts a clock, staff's first reply stops it (time travel)."""
from datetime import datetime

from freezegun import freeze_time

from odoo.tests import tagged

from .service_common import ServiceCommon, nine_to_six

RECEIVED = "2026-03-02 01:00:00"  # a Monday, 09:00 in Shanghai


@tagged("post_install", "-at_install")
class TestReplyAlarm(ServiceCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Clock = cls.env["crm.reply.clock"]
        cls.overdue_type = cls.env.ref("crm_unified_view.mail_activity_type_reply_overdue")

    # TOOLS
    def _customer_email(self, record, body="请问我的投诉处理得怎么样了？", author=None):
        return record.message_post(body=body, message_type="email", author_id=(author or self.contact).id,
                                   subtype_xmlid="mail.mt_comment")

    def _staff_reply(self, record, user=None, subtype="mail.mt_comment"):
        return record.with_user(user or self.user_agent).message_post(
            body="您好，我们正在处理。", message_type="comment", subtype_xmlid=subtype)

    def _clock(self, record):
        return self.Clock.search([("res_model", "=", record._name), ("res_id", "=", record.id)])

    def _run_cron(self):
        self.Clock._cron_check_deadlines()

    def _overdue_activities(self, record, user):
        return record.activity_ids.filtered(
            lambda activity: activity.activity_type_id == self.overdue_type and activity.user_id == user)

    # TESTS
    def test_alarm_fires_after_the_limit_not_before(self):
        with freeze_time(RECEIVED):
            complaint = self._complaint(user_id=self.user_agent.id)
            self._customer_email(complaint)
        clock = self._clock(complaint)
        self.assertEqual(clock.state, "open")
        self.assertEqual(clock.user_id, self.user_agent)
        self.assertEqual(clock.date_deadline, datetime(2026, 3, 2, 13, 0))
        with freeze_time("2026-03-02 12:59:00"):
            self._run_cron()
        self.assertEqual(clock.state, "open")
        self.assertFalse(self._overdue_activities(complaint, self.user_agent))
        with freeze_time("2026-03-02 13:01:00"):
            self._run_cron()
        self.assertEqual(clock.state, "alarmed")
        self.assertEqual(len(self._overdue_activities(complaint, self.user_agent)), 1)
        notification = self.env["mail.message"].search([
            ("model", "=", "crm.complaint"), ("res_id", "=", complaint.id), ("message_type", "=", "user_notification")])
        self.assertIn(self.user_agent.partner_id, notification.partner_ids)
        # the cron does not warn twice
        with freeze_time("2026-03-02 13:10:00"):
            self._run_cron()
        self.assertEqual(len(self._overdue_activities(complaint, self.user_agent)), 1)

    def test_sms_when_a_mobile_is_known(self):
        if "sms.sms" not in self.env:
            self.skipTest("the sms module is not installed")  # never the case here: crm brings it
        self.user_agent.partner_id.mobile = "+86 138 0013 8000"
        with freeze_time(RECEIVED):
            complaint = self._complaint(user_id=self.user_agent.id)
            self._customer_email(complaint)
        with freeze_time("2026-03-02 13:30:00"):
            self._run_cron()
        sms = self.env["sms.sms"].sudo().search([("partner_id", "=", self.user_agent.partner_id.id)])
        self.assertEqual(len(sms), 1)
        self.assertIn(complaint.name, sms.body)

    def test_escalation_to_the_manager(self):
        with freeze_time(RECEIVED):
            complaint = self._complaint(user_id=self.user_agent.id)
            self._customer_email(complaint)
        with freeze_time("2026-03-02 14:00:00"):
            self._run_cron()
        self.assertFalse(self._overdue_activities(complaint, self.user_boss))
        with freeze_time("2026-03-03 00:59:00"):
            self._run_cron()
        self.assertEqual(self._clock(complaint).state, "alarmed")
        with freeze_time("2026-03-03 01:01:00"):
            self._run_cron()
        self.assertEqual(self._clock(complaint).state, "escalated")
        self.assertEqual(len(self._overdue_activities(complaint, self.user_boss)), 1)

    def test_limits_come_from_the_settings(self):
        self.env["res.config.settings"].create({"reply_limit_hours": 2, "reply_escalation_hours": 4}).execute()
        with freeze_time(RECEIVED):
            complaint = self._complaint(user_id=self.user_agent.id)
            self._customer_email(complaint)
        self.assertEqual(self._clock(complaint).date_deadline, datetime(2026, 3, 2, 3, 0))
        self.assertEqual(self._clock(complaint).date_escalation, datetime(2026, 3, 2, 5, 0))

    def test_first_staff_reply_stops_the_clock(self):
        with freeze_time(RECEIVED):
            complaint = self._complaint(user_id=self.user_agent.id)
            self._customer_email(complaint)
            self._customer_email(complaint, body="还在等回复")
        self.assertEqual(len(self._clock(complaint)), 1, "one clock per waiting conversation")
        with freeze_time("2026-03-02 05:00:00"):
            self._staff_reply(complaint, subtype="mail.mt_note")
            self.assertEqual(self._clock(complaint).state, "open", "an internal note is not a reply")
            self._staff_reply(complaint)
        clock = self._clock(complaint)
        self.assertEqual((clock.state, clock.replied_by_id), ("replied", self.user_agent))
        with freeze_time("2026-03-03 05:00:00"):
            self._run_cron()
        self.assertFalse(complaint.activity_ids)
        # the next customer email starts a new clock
        self._customer_email(complaint)
        self.assertEqual(self._clock(complaint).mapped("state"), ["replied", "open"])

    def test_customer_email_on_partner_and_lead(self):
        lead = self.env["crm.lead"].create({"name": "龙井茶批发询价", "partner_id": self.contact.id,
                                            "user_id": self.user_rnd.id})
        with freeze_time(RECEIVED):
            self._customer_email(self.contact)
            self._customer_email(lead)
        self.assertEqual(self._clock(self.contact).user_id, self.user_agent, "the customer's salesperson")
        self.assertEqual(self._clock(lead).user_id, self.user_rnd)
        with freeze_time("2026-03-02 13:30:00"):
            self._run_cron()
        self.assertTrue(self._overdue_activities(self.contact, self.user_agent))
        self.assertTrue(self._overdue_activities(lead, self.user_rnd))

    def test_no_clock_for_staff_or_notifications(self):
        complaint = self._complaint(user_id=self.user_agent.id)
        self._customer_email(complaint, author=self.user_rnd.partner_id)
        complaint.message_post(body="系统通知", message_type="notification")
        self.assertFalse(self._clock(complaint))

    def test_working_hours_skip_holidays_and_count_make_up_days(self):
        calendar = nine_to_six(self.env)
        calendar._load_chinese_holidays(2025)
        self.company.reply_calendar_id = calendar
        self.env["res.config.settings"].create({"reply_working_hours": True}).execute()
        # Friday 2025-09-26 16:00 in Shanghai; Saturday off, Sunday 28th is a make-up workday
        with freeze_time("2025-09-26 08:00:00"):
            complaint = self._complaint(user_id=self.user_agent.id)
            self._customer_email(complaint)
        clock = self._clock(complaint)
        self.assertEqual(clock.date_deadline, datetime(2025, 9, 29, 2, 0))
        with freeze_time("2025-09-28 12:00:00"):
            self._run_cron()
        self.assertEqual(clock.state, "open")
        with freeze_time("2025-09-29 02:01:00"):
            self._run_cron()
        self.assertEqual(clock.state, "alarmed")

    def test_nobody_responsible_leaves_a_note(self):
        partner = self.env["res.partner"].create({"name": "散客", "email": "walkin@example.com"})
        with freeze_time(RECEIVED):
            self._customer_email(partner, author=partner)
        with freeze_time("2026-03-02 13:30:00"):
            self._run_cron()
        self.assertEqual(self._clock(partner).state, "alarmed")
        self.assertTrue(partner.message_ids.filtered(lambda m: "overdue" in (m.body or "")))

    def test_due_clocks_are_read_through_a_partial_index(self):
        self.env.cr.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'crm_reply_clock_open_deadline_idx'")
        self.assertIn("WHERE", self.env.cr.fetchone()[0])

