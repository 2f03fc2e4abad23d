"""Complaints: every channel, the email alias, routing by category, counters and the digest."""
from odoo import fields
from odoo.tests import tagged

from .service_common import ServiceCommon


@tagged("post_install", "-at_install")
class TestComplaint(ServiceCommon):

    def test_channels_numbering_and_workflow(self):
        year = fields.Date.today().year
        for channel in ("phone", "letter", "visit", "web", "email"):
            with self.subTest(channel=channel):
                complaint = self._complaint(channel=channel, subject="投诉 %s" % channel)
                self.assertEqual(complaint.channel, channel)
                self.assertTrue(complaint.name.startswith("CPL/%s/" % year), complaint.name)
                self.assertEqual(complaint.stage_id, self.stage_new)
                self.assertFalse(complaint.is_closed)
        complaint = self._complaint(channel="phone")
        self.assertEqual(complaint.email_from, self.contact.email)
        complaint.stage_id = self.stage_closed
        self.assertTrue(complaint.is_closed)
        self.assertTrue(complaint.date_closed)
        complaint.stage_id = self.stage_new
        self.assertFalse(complaint.date_closed)

    def test_email_alias_creates_complaint(self):
        raw = self._raw_email("投诉：收到的龙井茶叶受潮发霉", "你好，\n我上周购买的西湖龙井茶叶受潮发霉了，要求退款。\n王芳")
        self._process(raw)
        complaint = self.env["crm.complaint"].search([("email_from", "ilike", "wangfang@xihutea.example.com"),
                                                      ("channel", "=", "email")])
        self.assertEqual(len(complaint), 1)
        self.assertEqual(complaint.subject, "投诉：收到的龙井茶叶受潮发霉")
        self.assertEqual(complaint.partner_id, self.contact)
        self.assertEqual(complaint.category_id, self.category_product)
        self.assertEqual(complaint.user_id, self.user_rnd, "routed to R&D by the alias's category")
        self.assertIn("受潮发霉", str(complaint.description))
        self.assertIn("要求退款", complaint.message_ids.filtered(lambda m: m.message_type == "email").body)

    def test_email_from_unknown_sender_creates_partner(self):
        raw = self._raw_email("產品質量問題", "您好，我收到的茶杯有裂縫。", email_from="chen@newcustomer.example.com",
                              name="陳先生", message_id="<new-1@newcustomer.example.com>")
        self._process(raw)
        complaint = self.env["crm.complaint"].search([("email_from", "ilike", "chen@newcustomer.example.com")])
        self.assertEqual(complaint.channel, "email")
        self.assertEqual(complaint.partner_id.email_normalized, "chen@newcustomer.example.com")
        self.assertEqual(complaint.partner_id.name, "陳先生")

    def test_email_reply_threads_on_the_complaint(self):
        self._process(self._raw_email("发票开错了", "发票抬头写错了。"))
        complaint = self.env["crm.complaint"].search([("subject", "=", "发票开错了")])
        reply = self._raw_email("Re: 发票开错了", "请尽快处理，谢谢。", message_id="<cpl-2@xihutea.example.com>",
                                extra_headers={"In-Reply-To": "<cpl-1@xihutea.example.com>"})
        self._process(reply)
        self.assertEqual(self.env["crm.complaint"].search_count([("subject", "ilike", "发票开错了")]), 1)
        self.assertEqual(len(complaint.message_ids.filtered(lambda m: m.message_type == "email")), 2)

    def test_routing_by_category(self):
        product = self._complaint(category_id=self.category_product.id, product_id=self.product.id)
        process = self._complaint(category_id=self.category_process.id)
        self.assertEqual(product.user_id, self.user_rnd)
        self.assertEqual(product.feedback_type, "product")
        self.assertEqual(process.user_id, self.user_boss)
        self.assertEqual(process.feedback_type, "process")
        # a person set by hand wins until the category changes again
        process.user_id = self.user_agent
        self.assertEqual(process.user_id, self.user_agent)
        process.category_id = self.category_product
        self.assertEqual(process.user_id, self.user_rnd)

    def test_partner_counters(self):
        first = self._complaint()
        second = self._complaint(partner_id=self.customer.id)
        self.env.invalidate_all()
        for partner in (self.customer, self.contact):
            self.assertEqual((partner.complaint_count, partner.open_complaint_count), (2, 2), partner.name)
        first.stage_id = self.stage_resolved
        self.env.invalidate_all()
        self.assertEqual((self.customer.complaint_count, self.customer.open_complaint_count), (2, 1))
        second.unlink()
        self.env.invalidate_all()
        self.assertEqual((self.contact.complaint_count, self.contact.open_complaint_count), (1, 0))

    def test_counters_are_current_within_a_transaction(self):
        self.assertEqual((self.customer.complaint_count, self.contact.open_complaint_count), (0, 0))
        complaint = self._complaint()
        self.assertEqual((self.customer.complaint_count, self.contact.open_complaint_count), (1, 1))
        complaint.stage_id = self.stage_closed
        self.assertEqual((self.customer.complaint_count, self.contact.open_complaint_count), (1, 0))
        complaint.unlink()
        self.assertEqual(self.customer.complaint_count, 0)

    def test_counters_follow_a_change_of_customer(self):
        other = self.env["res.partner"].create({"name": "李明"})
        complaint = self._complaint()
        complaint.partner_id = other
        self.env.invalidate_all()
        self.assertEqual(self.customer.complaint_count, 0)
        self.assertEqual(other.complaint_count, 1)

    def test_digest_goes_to_each_category(self):
        self._complaint(category_id=self.category_product.id, product_id=self.product.id)
        self._complaint(category_id=self.category_product.id, product_id=self.product.id).stage_id = self.stage_closed
        self._complaint(category_id=self.category_process.id)
        self.env["crm.complaint.category"]._cron_send_digest()
        mails = self.env["mail.mail"].sudo().search([("model", "=", "crm.complaint.category")])
        rnd_mail = mails.filtered(lambda mail: self.user_rnd.partner_id in mail.recipient_ids)
        boss_mail = mails.filtered(lambda mail: self.user_boss.partner_id in mail.recipient_ids)
        self.assertEqual(len(rnd_mail), 1)
        self.assertIn("西湖龙井", rnd_mail.body_html)
        self.assertNotIn(self.user_boss.partner_id, rnd_mail.recipient_ids)
        self.assertEqual(len(boss_mail), 1)
        lines = self.category_product._digest_lines(fields.Datetime.subtract(fields.Datetime.now(), days=1),
                                                    fields.Datetime.add(fields.Datetime.now(), days=1))
        self.assertEqual(lines, [{"product": "西湖龙井", "count": 2, "open": 1}])
