"""Automatic answers never feed a mail loop: autoresponders, bulk mail and bounces get none,
one answer per thread per day, a configurable number per sender."""
from datetime import timedelta

from odoo.exceptions import ValidationError
from odoo.tests import BaseCase, tagged

from ..analytics import auto_reply
from .service_common import ServiceCommon


@tagged("post_install", "-at_install")
class TestAutoReplyHeaders(BaseCase):
    """The pure decision (analytics/auto_reply.py): headers and sender -> may we answer?"""

    CUSTOMER = "王芳 <wangfang@xihutea.example.com>"

    def test_a_person_is_answered(self):
        self.assertTrue(auto_reply.may_auto_answer({}, self.CUSTOMER))
        self.assertTrue(auto_reply.may_auto_answer({"Auto-Submitted": "no"}, self.CUSTOMER))
        self.assertTrue(auto_reply.may_auto_answer({"AUTO-SUBMITTED": " No "}, self.CUSTOMER))
        self.assertTrue(auto_reply.may_auto_answer({"Precedence": "first-class"}, self.CUSTOMER))
        self.assertTrue(auto_reply.may_auto_answer({"Subject": "Auto-Submitted: no-reply"}, self.CUSTOMER))

    def test_machines_are_not_answered(self):
        cases = {
            "auto-replied": {"Auto-Submitted": "auto-replied"},
            "auto-generated": {"auto-submitted": "auto-generated; owner-email=\"x@example.com\""},
            "auto-notified": {"Auto-Submitted": "auto-notified"},
            "bulk": {"Precedence": "bulk"},
            "junk": {"Precedence": "Junk"},
            "list": {"Precedence": "list"},
            "x-autoreply": {"X-Autoreply": "yes"},
            "x-autorespond": {"X-Autorespond": "Out of office"},
            "suppress": {"X-Auto-Response-Suppress": "All"},
            "mailing list": {"List-Id": "<customers.lists.example.com>"},
            "null sender": {"Return-Path": "<>"},
            "delivery report": {"Content-Type": "multipart/report; report-type=delivery-status; boundary=x"},
        }
        for name, headers in cases.items():
            with self.subTest(case=name):
                self.assertFalse(auto_reply.may_auto_answer(headers, self.CUSTOMER))
                self.assertTrue(auto_reply.refusal(headers, self.CUSTOMER))

    def test_robot_senders_are_not_answered(self):
        for sender in ("MAILER-DAEMON@mx.example.com", "Mail Delivery System <mailer-daemon@mx.example.com>",
                       "postmaster@example.com", "noreply@shop.example.com", "no-reply@shop.example.com",
                       "No_Reply+1234@shop.example.com", "donotreply@bank.example.com",
                       "do-not-reply@bank.example.com", "", None, "not an address"):
            with self.subTest(sender=sender):
                self.assertFalse(auto_reply.may_auto_answer({}, sender))
        for sender in ("norma@example.com", "replyman@example.com", "daemon@example.com"):
            with self.subTest(sender=sender):
                self.assertTrue(auto_reply.may_auto_answer({}, sender))

    def test_bounce_flag(self):
        self.assertFalse(auto_reply.may_auto_answer({}, self.CUSTOMER, is_bounce=True))

    def test_autoresponders(self):
        for headers in ({"Auto-Submitted": "auto-replied"}, {"Precedence": "auto_reply"}, {"X-Autoreply": "yes"},
                        {"X-Autorespond": "1"}):
            self.assertTrue(auto_reply.is_autoresponder(headers), headers)
        for headers in ({"Auto-Submitted": "auto-generated"}, {"Auto-Submitted": "no"}, {"Precedence": "bulk"}, {}):
            self.assertFalse(auto_reply.is_autoresponder(headers), headers)

    def test_any_input(self):
        for headers in ({"Auto-Submitted": None}, {"Precedence": ""}, {"Auto-Submitted": "\x00" * 10000},
                        {None: "x"}, {"X-Autoreply": ""}):
            with self.subTest(headers=str(headers)[:40]):
                auto_reply.refusal(headers, self.CUSTOMER)


@tagged("post_install", "-at_install")
class TestAutoReplyGateway(ServiceCommon):
    """Through the mail gateway, as a mail server delivers them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.template = cls.env["mail.template"].create({
            "name": "退款答复", "model_id": cls.env["ir.model"]._get_id("crm.complaint"),
            "subject": "关于您的退款申请", "body_html": "<p>您好，您的退款申请已受理，三个工作日内处理完毕。</p>"})
        cls.rule = cls.env["crm.reply.rule"].create({
            "name": "退款", "keywords": "退款", "template_id": cls.template.id, "auto_send": True})

    # TOOLS
    def _answers(self, complaint):
        return complaint.message_ids.filtered(
            lambda m: m.message_type == "comment" and m.author_id == self.env.ref("base.partner_root"))

    def _complaint_from(self, subject, message_id, **kwargs):
        self._process(self._raw_email(subject, "茶叶受潮，要求退款。", message_id=message_id, **kwargs))
        return self.env["crm.complaint"].search([("subject", "=", subject)])

    # TESTS
    def test_out_of_office_reply_gets_no_answer(self):
        complaint = self._complaint_from("要求退款", "<loop-1@xihutea.example.com>")
        self.assertEqual(len(self._answers(complaint)), 1, "the customer is answered")
        answer = self._answers(complaint)
        # the customer's out-of-office quotes our answer, keyword included, on the same thread
        out_of_office = self._raw_email(
            "自动回复: 关于您的退款申请", "我正在休假。\n> 您好，您的退款申请已受理", message_id="<loop-2@xihutea.example.com>",
            extra_headers={"In-Reply-To": answer.message_id, "References": answer.message_id,
                           "Auto-Submitted": "auto-replied", "X-Autoreply": "yes"})
        self._process(out_of_office)
        self.assertEqual(len(complaint.message_ids.filtered(lambda m: m.message_type == "email")), 2,
                         "the out-of-office reply is on the complaint")
        self.assertEqual(len(self._answers(complaint)), 1, "no answer to an autoresponder")
        self.assertEqual(complaint.reply_rule_id, self.rule, "the template is still proposed to the agent")
        clocks = self.env["crm.reply.clock"].search([("res_model", "=", "crm.complaint"), ("res_id", "=", complaint.id)])
        self.assertEqual(clocks.mapped("state"), ["replied"], "an out-of-office reply starts no reply clock")

    def test_machine_mail_gets_no_answer(self):
        cases = {
            "auto-generated": {"extra_headers": {"Auto-Submitted": "auto-generated"}},
            "bulk": {"extra_headers": {"Precedence": "bulk"}},
            "list": {"extra_headers": {"Precedence": "list"}},
            "junk": {"extra_headers": {"Precedence": "junk"}},
            "x-autorespond": {"extra_headers": {"X-Autorespond": "yes"}},
            "x-autoreply": {"extra_headers": {"X-Autoreply": "yes"}},
            "noreply": {"email_from": "noreply@shop.example.com", "name": "Shop"},
            "postmaster": {"email_from": "postmaster@mx.example.com", "name": "Mail Delivery System"},
        }
        for index, (name, kwargs) in enumerate(cases.items()):
            with self.subTest(case=name):
                complaint = self._complaint_from("退款 %s" % name, "<machine-%s@x.example.com>" % index, **kwargs)
                self.assertEqual(len(complaint), 1)
                self.assertEqual(complaint.suggested_template_id, self.template, "proposed to the agent")
                self.assertFalse(self._answers(complaint), "but not sent")
                clock = self.env["crm.reply.clock"].search([("res_model", "=", "crm.complaint"),
                                                            ("res_id", "=", complaint.id)])
                self.assertEqual(clock.state, "open", "staff still has to answer")

    def test_bounce_gets_no_answer(self):
        answers = self.env["mail.message"].search_count([("author_id", "=", self.env.ref("base.partner_root").id)])
        self._process(self._raw_email("Undelivered Mail Returned to Sender: 退款", "退款", name="Mail Delivery System",
                                      email_from="MAILER-DAEMON@mx.example.com", message_id="<bounce-1@mx.example.com>"))
        self.assertEqual(
            self.env["mail.message"].search_count([("author_id", "=", self.env.ref("base.partner_root").id)]), answers)

    def test_auto_submitted_no_is_answered(self):
        complaint = self._complaint_from("退款 no", "<as-no@xihutea.example.com>",
                                         extra_headers={"Auto-Submitted": "no"})
        self.assertEqual(len(self._answers(complaint)), 1)

    def test_one_answer_per_thread_per_day(self):
        complaint = self._complaint_from("要求退款", "<day-1@xihutea.example.com>")
        first = self._answers(complaint)
        self.assertEqual(len(first), 1)
        again = self._raw_email("Re: 要求退款", "还是要求退款！", message_id="<day-2@xihutea.example.com>",
                                extra_headers={"In-Reply-To": first.message_id})
        self._process(again)
        self.assertEqual(len(complaint.message_ids.filtered(lambda m: m.message_type == "email")), 2)
        self.assertEqual(len(self._answers(complaint)), 1, "one automatic answer per thread per day")
        # a day later the thread may be answered again
        answered = self.env["crm.reply.clock"].search([("res_id", "=", complaint.id), ("date_auto_reply", "!=", False)])
        self.assertEqual(len(answered), 1)
        answered.date_auto_reply -= timedelta(days=1, minutes=1)
        self._process(self._raw_email("Re: 要求退款", "退款呢？", message_id="<day-3@xihutea.example.com>",
                                      extra_headers={"In-Reply-To": first.message_id}))
        self.assertEqual(len(self._answers(complaint)), 2)

    def test_answers_per_sender_are_limited_by_the_setting(self):
        self.env["res.config.settings"].create({"reply_auto_sender_limit": 2}).execute()
        self.assertEqual(self.env["ir.config_parameter"].sudo().get_param(
            "crm_unified_view.reply_auto_sender_limit"), "2")
        complaints = self.env["crm.complaint"]
        for index in range(4):
            complaints |= self._complaint_from("退款 %s" % index, "<sender-%s@xihutea.example.com>" % index)
        answered = complaints.filtered(self._answers)
        self.assertEqual(len(answered), 2, "two automatic answers per sender and day")
        self.assertTrue(all(complaint.suggested_template_id == self.template for complaint in complaints))
        # another sender is not held back by the first one
        other = self._complaint_from("退款 other", "<other-1@newcustomer.example.com>",
                                     email_from="chen@newcustomer.example.com", name="陳先生")
        self.assertEqual(len(self._answers(other)), 1)

    def test_sender_limit_setting_is_positive(self):
        with self.assertRaises(ValidationError):
            self.env["res.config.settings"].create({"reply_auto_sender_limit": 0})
