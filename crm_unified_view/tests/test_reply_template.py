"""Reply templates chosen by keywords: Chinese words, simplified = traditional, scores, bad emails."""
from odoo.exceptions import ValidationError
from odoo.tests import BaseCase, tagged

from ..analytics import keywords
from .service_common import ServiceCommon


@tagged("post_install", "-at_install")
class TestKeywordScoring(BaseCase):
    """The pure matching (analytics/keywords.py)."""

    def test_words_not_substrings(self):
        # "和服" (kimono) is a substring of "和服务员" but not one of its words
        self.assertEqual(keywords.score_rule(keywords.parse_keywords("和服"), keywords.index_text("我们和服务员说了")), 0)
        self.assertEqual(keywords.score_rule(keywords.parse_keywords("服务员"), keywords.index_text("我们和服务员说了")), 1)

    def test_traditional_matches_simplified(self):
        rules = [(1, 10, "退款, 质量问题", 1)]
        self.assertEqual(keywords.best_rule(rules, "我購買的茶葉有質量問題，要求退款")[0], 1)
        rules = [(2, 10, "發票", 1)]
        self.assertEqual(keywords.best_rule(rules, "请重新开发票")[0], 2)

    def test_score_phrases_and_subject(self):
        parsed = keywords.parse_keywords("质量问题\n退款，refund")
        self.assertEqual(parsed, [("质量", "问题"), ("退款",), ("refund",)])
        body, subject = keywords.index_text("茶叶有质量问题。REFUND please"), keywords.index_text("要求退款")
        self.assertEqual(keywords.score_rule(parsed, body, subject), 2 + 2 + 1)

    def test_best_rule_ties_go_to_lowest_sequence(self):
        rules = [(1, 20, "发票", 1), (2, 10, "发票", 1), (3, 5, "物流", 1)]
        self.assertEqual(keywords.best_rule(rules, "发票抬头错了"), (2, 1))
        self.assertEqual(keywords.best_rule([(1, 1, "发票", 2)], "发票抬头错了"), (None, 0), "below its minimum")

    def test_any_input(self):
        rules = [(1, 1, "退款", 1)]
        for text in ("", None, "   ", "\x00\ud800", "🙂" * 1000, "a" * 5_000_000, "退" * 100_000,
                     "Ελληνικά русский 日本語のテキスト 한국어 退款"):
            with self.subTest(text=str(text)[:20]):
                keywords.best_rule(rules, text)
        self.assertEqual(keywords.best_rule(rules, "x " * 30000 + "退款")[0], None, "beyond the scanned part")


@tagged("post_install", "-at_install")
class TestReplyTemplate(ServiceCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Template = cls.env["mail.template"]
        cls.template_refund = Template.create({
            "name": "退款答复", "model_id": cls.env["ir.model"]._get_id("crm.complaint"),
            "subject": "关于您的退款申请", "body_html": "<p>您好，您的退款申请已受理，三个工作日内处理完毕。</p>"})
        cls.template_invoice = Template.create({
            "name": "发票答复", "model_id": cls.env["ir.model"]._get_id("crm.complaint"),
            "subject": "关于发票", "body_html": "<p>您好，我们会重新开具发票。</p>"})
        cls.template_lead = Template.create({
            "name": "报价答复", "model_id": cls.env["ir.model"]._get_id("crm.lead"),
            "subject": "报价", "body_html": "<p>报价单请见附件。</p>"})
        Rule = cls.env["crm.reply.rule"]
        cls.rule_refund = Rule.create({"name": "退款", "keywords": "退款\n退货, 质量问题", "sequence": 10,
                                       "template_id": cls.template_refund.id})
        cls.rule_invoice = Rule.create({"name": "发票", "keywords": "发票，开票", "sequence": 20,
                                        "template_id": cls.template_invoice.id})
        cls.rule_lead = Rule.create({"name": "报价", "keywords": "报价", "template_id": cls.template_lead.id})

    def _complaint_from_email(self, subject, body, message_id="<kw-1@xihutea.example.com>", subtype="plain"):
        self._process(self._raw_email(subject, body, message_id=message_id, subtype=subtype))
        return self.env["crm.complaint"].search([("subject", "=", subject)])

    def test_simplified_email_proposes_template(self):
        complaint = self._complaint_from_email("茶叶质量问题", "收到的茶叶发霉了，我要退货退款。")
        self.assertEqual(complaint.reply_rule_id, self.rule_refund)
        self.assertEqual(complaint.suggested_template_id, self.template_refund)
        action = complaint.action_reply_with_template()
        self.assertEqual(action["context"]["default_template_id"], self.template_refund.id)
        # the composer opened on the complaint proposes it too
        composer = self.env["mail.compose.message"].with_user(self.user_agent).with_context(
            default_model="crm.complaint", default_res_ids=complaint.ids, default_composition_mode="comment",
        ).new({})
        defaults = composer.default_get(["template_id"])
        self.assertEqual(defaults.get("template_id"), self.template_refund.id)

    def test_traditional_email_matches_simplified_rule(self):
        complaint = self._complaint_from_email("發票問題", "您好，上次的發票抬頭開錯了，請重新開票。")
        self.assertEqual(complaint.suggested_template_id, self.template_invoice)

    def test_traditional_rule_matches_simplified_email(self):
        self.rule_invoice.keywords = "發票"
        complaint = self._complaint_from_email("发票", "发票抬头开错了")
        self.assertEqual(complaint.reply_rule_id, self.rule_invoice)

    def test_rules_apply_to_their_model_only(self):
        complaint = self._complaint_from_email("报价", "请给我报价")
        self.assertFalse(complaint.suggested_template_id)
        lead = self.env["crm.lead"].create({"name": "询价", "partner_id": self.contact.id})
        lead.message_post(body="请给我一份报价", message_type="email", author_id=self.contact.id)
        clock = self.env["crm.reply.clock"].search([("res_model", "=", "crm.lead"), ("res_id", "=", lead.id)])
        self.assertEqual(clock.template_id, self.template_lead)

    def test_auto_send_replies_and_stops_the_clock(self):
        self.rule_refund.auto_send = True
        complaint = self._complaint_from_email("要求退款", "茶叶有质量问题，要求退款")
        reply = complaint.message_ids.filtered(lambda m: m.subtype_id == self.env.ref("mail.mt_comment")
                                               and m.message_type == "comment")
        self.assertEqual(len(reply), 1)
        self.assertIn("退款申请已受理", reply.body)
        self.assertIn(self.contact, reply.partner_ids)
        clock = self.env["crm.reply.clock"].search([("res_model", "=", "crm.complaint"), ("res_id", "=", complaint.id)])
        self.assertEqual(clock.state, "replied")

    def test_html_and_mixed_scripts(self):
        body = "<html><body><p style='color:red'>Dear team,</p><div>我们的<b>發票</b>有問題 — 請處理。" \
               "<script>alert(1)</script></div></body></html>"
        complaint = self._complaint_from_email("Invoice / 发票", body, subtype="html")
        self.assertEqual(complaint.suggested_template_id, self.template_invoice)

    def test_bad_emails_are_processed_safely(self):
        cases = {
            "empty": self._raw_email("", "", message_id="<bad-1@x.example.com>"),
            "huge": self._raw_email("巨大的邮件", "没有关键词的内容。" * 200000 + "退款", message_id="<bad-2@x.example.com>"),
            "huge-html": self._raw_email("巨大的HTML", "<div>" * 20000 + "退款" + "</div>" * 20000,
                                         message_id="<bad-3@x.example.com>", subtype="html"),
        }
        for name, raw in cases.items():
            with self.subTest(case=name):
                self._process(raw)
        self.assertEqual(self.env["crm.complaint"].search_count([("channel", "=", "email")]), 3)
        huge = self.env["crm.complaint"].search([("subject", "=", "巨大的邮件")])
        self.assertFalse(huge.suggested_template_id, "only the first 20,000 characters are scanned")
        # malformed MIME: broken base64, unknown charset, a boundary that never ends
        malformed = (
            "From: someone@broken.example.com\r\nTo: complaints@service.example.com\r\n"
            "Subject: =?utf-8?b?5oqV6K+J?=\r\nMessage-ID: <bad-4@broken.example.com>\r\n"
            "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"XX\"\r\n\r\n"
            "--XX\r\nContent-Type: text/plain; charset=\"x-unknown-charset\"\r\n"
            "Content-Transfer-Encoding: base64\r\n\r\n5oiR6KaB6YCA5qy+!!!not base64\r\n"
            "--XX\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>unclosed <b>退款\r\n")
        self._process(malformed)
        self.assertTrue(self.env["crm.complaint"].search([("email_from", "ilike", "someone@broken.example.com")]))

    def test_rule_needs_keywords(self):
        with self.assertRaises(ValidationError):
            self.env["crm.reply.rule"].create({"name": "空", "keywords": " ,，\n", "template_id": self.template_refund.id})
