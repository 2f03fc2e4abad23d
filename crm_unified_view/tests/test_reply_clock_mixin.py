"""Reply clocks and keyword rules are opt-in: complaints, leads and partners keep them, every other
document with a chatter gets Odoo's mail gateway unchanged."""
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from unittest.mock import patch

from odoo.tests import TransactionCase, tagged

from .service_common import ServiceCommon

ORDERS = "orders@xihutea-shop.example.com"  # no alias: the email goes to the order it is given


@tagged("post_install", "-at_install")
class TestReplyClockOptIn(ServiceCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.order = cls.env["sale.order"].create({"partner_id": cls.contact.id})
        cls.order_template = cls.env["mail.template"].create({
            "name": "退款答复（订单）", "model_id": cls.env["ir.model"]._get_id("sale.order"),
            "subject": "关于您的退款", "body_html": "<p>您的退款申请已受理。</p>"})
        cls.order_rule = cls.env["crm.reply.rule"].create({
            "name": "订单退款", "keywords": "退款", "template_id": cls.order_template.id, "auto_send": True})

    # TOOLS
    @staticmethod
    def _undecodable_email(charset, message_id, subject="退款", to="complaints@service.example.com"):
        """A customer email whose text part declares a charset Python cannot decode with."""
        message = MIMEMultipart()
        message["From"] = "wangfang@xihutea.example.com"
        message["To"] = to
        message["Subject"] = subject
        message["Message-ID"] = message_id
        text = MIMEText("要求退款", "plain", "utf-8")
        text.set_param("charset", charset)
        message.attach(text)
        message.attach(MIMEText("<p>茶叶受潮，要求退款</p>", "html", "utf-8"))
        return message.as_string()

    def _to_order(self, raw):
        return self.env["mail.thread"].message_process("sale.order", raw, thread_id=self.order.id)

    def _clocks(self, record):
        return self.env["crm.reply.clock"].search([("res_model", "=", record._name), ("res_id", "=", record.id)])

    # TESTS
    def test_only_complaints_leads_and_partners_keep_reply_clocks(self):
        self.assertEqual(sorted(self.env["crm.reply.clock.mixin"]._reply_clock_models()),
                         ["crm.complaint", "crm.lead", "res.partner"])
        for model in ("sale.order", "account.move", "hr.employee", "mail.thread"):
            with self.subTest(model=model):
                self.assertFalse(self.env["crm.reply.clock.mixin"]._reply_clock_enabled(model))

    def test_keyword_email_to_another_document_starts_nothing(self):
        self.order.message_post(body="茶叶受潮，要求退款", message_type="email", author_id=self.contact.id,
                                subtype_xmlid="mail.mt_comment")
        self._to_order(self._raw_email("Re: 订单", "要求退款", message_id="<so-1@xihutea.example.com>", to=ORDERS))
        self.assertFalse(self._clocks(self.order), "no reply clock on a sales order")
        self.assertEqual(self.order.message_ids.filtered(lambda m: m.message_type == "email").mapped("author_id"),
                         self.contact, "the emails are on the order as Odoo files them")
        self.assertFalse(self.order.message_ids.filtered(lambda m: "退款申请已受理" in (m.body or "")),
                         "no automatic answer")

    def test_undecodable_email_to_another_document_is_refused_as_odoo_does(self):
        raw = self._undecodable_email("x-unknown-charset", "<so-2@xihutea.example.com>", to=ORDERS)
        with self.assertRaises(LookupError), self.env.cr.savepoint():
            self._to_order(raw)
        self.assertFalse(self.order.message_ids.filtered(lambda m: m.message_type == "email"))

    def test_undecodable_email_to_a_complaint_is_read(self):
        # "idna" refuses errors="replace": the text of the part is read as UTF-8 instead
        self._process(self._undecodable_email("idna", "<cpl-idna@xihutea.example.com>", subject="退款 idna"))
        complaint = self.env["crm.complaint"].search([("subject", "=", "退款 idna")])
        self.assertEqual(len(complaint), 1)
        self.assertIn("要求退款", complaint.message_ids.filtered(lambda m: m.message_type == "email").body)

    def test_parser_bugs_are_not_swallowed(self):
        raw = self._raw_email("退款", "<p>要求退款</p>", message_id="<bug-1@xihutea.example.com>", subtype="html")
        with patch("odoo.addons.mail.models.mail_thread.html_sanitize", side_effect=TypeError("a bug")), \
                self.assertRaises(TypeError):
            self._process(raw)


@tagged("post_install", "-at_install")
class TestReplyRuleText(TransactionCase):
    """The text a keyword rule reads from an email body."""

    def test_markup_lxml_cannot_read_is_scanned_raw(self):
        Rule = self.env["crm.reply.rule"]
        for body in ("<!DOCTYPE html>退款", "<?xml version='1.0' encoding='utf-8'?><p>退款</p>", "<\ud800退款"):
            with self.subTest(body=body):
                self.assertIn("退款", Rule._email_text(body))

    def test_bugs_are_not_swallowed(self):
        with patch("odoo.addons.crm_unified_view.models.crm_reply_rule.html2plaintext",
                   side_effect=TypeError("a bug")), self.assertRaises(TypeError):
            self.env["crm.reply.rule"]._email_text("<p>退款</p>")
