"""Self-service for customers served through automated channels: a public article answers their email."""
from odoo.tests import new_test_user, tagged

from .service_common import ServiceCommon


@tagged("post_install", "-at_install")
class TestSelfService(ServiceCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer.with_company(cls.company).sudo().automated_service = True
        cls.article = cls.env["crm.knowledge.article"].create({
            "name": "如何办理退货", "keywords": "退货", "state": "approved", "is_published": True,
            "body": "<p>七天内可无理由退货。</p>"})
        cls.user_salesman = new_test_user(
            cls.env, "cuv_self_salesman", groups="sales_team.group_sale_salesman,crm_unified_view.group_customer_info_user",
            name="Salesperson", email="selfsales@company.example.com")

    # TOOLS
    def _answers(self, complaint):
        return complaint.message_ids.filtered(
            lambda m: m.message_type == "comment" and m.author_id == self.env.ref("base.partner_root"))

    def _complaint_from(self, subject, message_id, body="我想退货，怎么办？", **kwargs):
        self._process(self._raw_email(subject, body, message_id=message_id, **kwargs))
        return self.env["crm.complaint"].search([("subject", "=", subject)])

    def _clock(self, complaint):
        return self.env["crm.reply.clock"].search([("res_model", "=", "crm.complaint"), ("res_id", "=", complaint.id)])

    # TESTS
    def test_article_is_proposed_to_the_agent(self):
        complaint = self._complaint_from("退货咨询", "<self-1@xihutea.example.com>")
        self.assertEqual(complaint.self_service_article_id, self.article)
        self.assertEqual(self._clock(complaint).article_id, self.article)
        self.assertFalse(self._answers(complaint), "proposed, not sent")
        # the agent sends it with one click, in the composer
        action = complaint.with_user(self.user_salesman).action_reply_with_article()
        composer = self.env[action["res_model"]].with_user(self.user_salesman).with_context(**action["context"]).create({})
        self.assertIn("/help/article/%s" % self.article.id, composer.body)
        composer.action_send_mail()
        self.assertEqual(self._clock(complaint).state, "replied")

    def test_article_is_sent_when_the_company_says_so(self):
        self.env["res.config.settings"].create({"self_service_auto_send": True}).execute()
        complaint = self._complaint_from("退货咨询", "<self-2@xihutea.example.com>")
        answer = self._answers(complaint)
        self.assertEqual(len(answer), 1)
        self.assertIn("/help/article/%s" % self.article.id, answer.body)
        self.assertIn(self.contact, answer.partner_ids)
        self.assertEqual(self._clock(complaint).state, "replied")

    def test_loop_guard_applies(self):
        self.company.self_service_auto_send = True
        machine = self._complaint_from("退货 自动回复", "<self-3@xihutea.example.com>",
                                       extra_headers={"Auto-Submitted": "auto-replied"})
        self.assertEqual(machine.self_service_article_id, self.article, "still proposed")
        self.assertFalse(self._answers(machine), "no answer to an autoresponder")
        complaint = self._complaint_from("退货咨询", "<self-4@xihutea.example.com>")
        answer = self._answers(complaint)
        self._process(self._raw_email("Re: 退货咨询", "还是要退货", message_id="<self-5@xihutea.example.com>",
                                      extra_headers={"In-Reply-To": answer.message_id}))
        self.assertEqual(len(self._answers(complaint)), 1, "one automatic answer per thread per day")

    def test_only_customers_served_automatically(self):
        self.company.self_service_auto_send = True
        self.customer.with_company(self.company).sudo().automated_service = False
        complaint = self._complaint_from("退货咨询", "<self-6@xihutea.example.com>")
        self.assertFalse(complaint.self_service_article_id)
        self.assertFalse(self._answers(complaint))

    def test_only_public_articles(self):
        self.article.is_published = False
        complaint = self._complaint_from("退货咨询", "<self-7@xihutea.example.com>")
        self.assertFalse(complaint.self_service_article_id)

    def test_no_matching_article(self):
        complaint = self._complaint_from("发票", "<self-8@xihutea.example.com>", body="请开发票")
        self.assertFalse(complaint.self_service_article_id)
