"""Satisfaction surveys after purchases and periodically: timing, throttle, consent, NPS, the
customer's rolling satisfaction and the analysis' rights."""
from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import new_test_user, tagged

from ..analytics.nps import attitude_from_answers, nps, nps_class
from .common import CustomerViewCommon


@tagged("post_install", "-at_install")
class TestSatisfactionSurvey(CustomerViewCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.survey = cls.env.ref("crm_unified_view.survey_customer_satisfaction")
        cls.q_nps = cls.env.ref("crm_unified_view.survey_customer_satisfaction_q_nps")
        cls.q_satisfaction = cls.env.ref("crm_unified_view.survey_customer_satisfaction_q_satisfaction")
        cls.env.company.write({
            "satisfaction_post_purchase_survey_id": cls.survey.id, "satisfaction_post_purchase_days": 7,
            "satisfaction_periodic_survey_id": cls.survey.id, "satisfaction_periodic_months": 6,
            "satisfaction_throttle_days": 30,
        })
        cls.person.email = "liming@example.com"
        cls.user_owner = new_test_user(
            cls.env, "cuv_survey_owner", groups="base.group_user,crm_unified_view.group_customer_info_user",
            name="Owner of the person")
        cls.user_other = new_test_user(cls.env, "cuv_survey_other", groups="sales_team.group_sale_salesman",
                                       name="Owner of the company")
        cls.person.user_id = cls.user_owner
        cls.customer.user_id = cls.user_other

    # TOOLS
    def _send(self, days_later=0):
        return self.env["survey.survey"]._cron_send_satisfaction_surveys(today=self.today + timedelta(days=days_later))

    def _invoiced_order(self, partner, days_ago=0, lines=None):
        order = self._confirmed_order(partner, lines or [(self.product_tea, 1, 100.0)], days_ago=days_ago)
        order.user_id = self.user_other
        invoice = order._create_invoices()
        invoice.invoice_date = self.today - timedelta(days=days_ago)
        invoice.action_post()
        return order

    def _survey_of(self, partner, trigger="complaint", days_ago=0):
        answer = self.survey.sudo()._create_answer(partner=partner, check_attempts=False, satisfaction_trigger=trigger,
                                            satisfaction_company_id=self.env.company.id)
        self._backdate(answer, "create_date", days_ago)
        return answer

    def _backdate(self, answers, column, days_ago):
        answers.flush_recordset()
        self.env.cr.execute(f"UPDATE survey_user_input SET {column} = %s WHERE id = ANY(%s)",  # noqa: SQL injection
                            (fields.Datetime.now() - timedelta(days=days_ago), answers.ids))
        answers.invalidate_recordset()

    def _answer(self, answer, nps_value=None, satisfaction=None, days_ago=0):
        answer = answer.sudo()
        if nps_value is not None:
            answer._save_lines(self.q_nps, str(nps_value))
        if satisfaction is not None:
            answer._save_lines(self.q_satisfaction, str(satisfaction))
        # the customer answers anonymously through the token link
        answer.with_user(self.env.ref("base.public_user")).sudo()._mark_done()
        if days_ago:
            self._backdate(answer, "end_datetime", days_ago)
        return answer

    # TESTS
    def test_throttle_periodic(self):
        """A customer surveyed 10 days ago gets no periodic survey; 30 days after it does."""
        self._confirmed_order(self.person, [(self.product_tea, 1, 100.0)], days_ago=20)
        self._survey_of(self.person, days_ago=10)
        self.assertFalse(self._send(), "complaint surveys count in the throttle")
        self.assertFalse(self._send(days_later=19), "29 days after the last survey")
        sent = self._send(days_later=20)
        self.assertEqual((sent.customer_id, sent.satisfaction_trigger, sent.partner_id),
                         (self.person, "periodic", self.person))
        self.assertEqual(sent.salesperson_id, self.user_owner)
        self.assertFalse(self._send(days_later=80), "no periodic survey again before 6 months")
        self.assertTrue(self._send(days_later=20 + 184), "again after 6 months")

    def test_periodic_active_customers_only(self):
        self._confirmed_order(self.person, [(self.product_tea, 1, 100.0)], days_ago=400)
        self.assertFalse(self._send(), "no purchase in the last 12 months: not active")

    def test_post_purchase_timing(self):
        order = self._invoiced_order(self.contact)
        self.assertFalse(self._send(days_later=6))
        # the customer is also active: the periodic survey waits for the post-purchase one
        sent = self._send(days_later=7)
        self.assertEqual(len(sent), 1)
        self.assertEqual((sent.satisfaction_trigger, sent.sale_order_id, sent.partner_id, sent.customer_id),
                         ("post_purchase", order, self.contact, self.customer))
        self.assertEqual(sent.salesperson_id, self.user_other, "the order's salesperson")
        self.assertFalse(self._send(days_later=8))

    def test_post_purchase_too_late(self):
        """Orders invoiced long before the survey was set up are not surveyed."""
        self._invoiced_order(self.contact, days_ago=30)
        self.env.company.satisfaction_periodic_survey_id = False
        self.assertFalse(self._send())
        self._invoiced_order(self.contact, days_ago=10)
        self.assertEqual(self._send().satisfaction_trigger, "post_purchase", "within the grace days")

    def test_cron_idempotent(self):
        self._confirmed_order(self.person, [(self.product_tea, 1, 100.0)], days_ago=20)
        first = self._send()
        self.assertEqual(first.customer_id, self.person)
        self.assertFalse(self._send(), "rerun on the same day")
        invitations = self.person.message_ids.filtered(lambda m: first.access_token in (m.body or ""))
        self.assertEqual(len(invitations), 1, "logged once on the customer's chatter")
        self.assertIn(self.person, invitations.partner_ids, "emailed to the customer")

    def test_cron_batches(self):
        """The daily action sends a batch per call; the next call sends the rest."""
        self._confirmed_order(self.person, [(self.product_tea, 1, 100.0)], days_ago=20)
        self._confirmed_order(self.contact, [(self.product_tea, 1, 100.0)], days_ago=20)
        Survey = self.env["survey.survey"]
        first = Survey._cron_send_satisfaction_surveys(today=self.today, limit=1)
        second = Survey._cron_send_satisfaction_surveys(today=self.today, limit=1)
        self.assertEqual((len(first), len(second)), (1, 1))
        self.assertEqual((first | second).customer_id, self.person | self.customer)
        self.assertFalse(Survey._cron_send_satisfaction_surveys(today=self.today, limit=1))

    def test_archived_survey(self):
        self._confirmed_order(self.person, [(self.product_tea, 1, 100.0)], days_ago=20)
        self.survey.active = False
        self.assertFalse(self._send(), "nothing sent, and no error for the other companies")

    def test_consent_respected(self):
        self._confirmed_order(self.person, [(self.product_tea, 1, 100.0)], days_ago=20)
        self._confirmed_order(self.contact, [(self.product_tea, 1, 100.0)], days_ago=20)
        Consent = self.env["crm.customer.consent"]
        Consent.create({"partner_id": self.person.id, "purpose": "marketing", "channel": "web",
                        "date_given": self.today - timedelta(days=100)}).action_withdraw()
        Consent.create({"partner_id": self.contact.id, "purpose": "survey", "channel": "web",
                        "date_given": self.today - timedelta(days=100)}).action_withdraw()
        self.assertFalse(self._send(), "a contact's refusal covers its company")
        Consent.create({"partner_id": self.person.id, "purpose": "marketing", "channel": "web",
                        "date_given": self.today})
        self.assertEqual(self._send(days_later=1).customer_id, self.person, "consent given again")

    def test_blacklisted_email(self):
        self._confirmed_order(self.person, [(self.product_tea, 1, 100.0)], days_ago=20)
        self.env["mail.blacklist"].create({"email": self.person.email})
        self.assertFalse(self._send())

    def test_nps_classes(self):
        self.assertEqual([nps_class(score) for score in (0, 6, 7, 8, 9, 10, None)],
                         ["detractor", "detractor", "passive", "passive", "promoter", "promoter", None])
        self.assertEqual(nps([10, 9, 8, 3]), 25.0)
        self.assertIsNone(nps([]))
        answers = [self._answer(self._survey_of(partner, trigger="periodic"), nps_value=value, satisfaction=4)
                   for partner, value in ((self.person, 10), (self.customer, 9), (self.contact, 8),
                                          (self.env["res.partner"].create({"name": "赵雷"}), 3))]
        self.assertEqual([answer.nps_class for answer in answers], ["promoter", "promoter", "passive", "detractor"])
        self.assertEqual(self.person.nps_class, "promoter")
        self.assertEqual(self.customer.nps_class, "passive", "the company's latest answer, from its contact")
        self.assertEqual(self.person.loyalty_level, "high", "an NPS answer measures loyalty too")
        self.assertEqual(self.person.with_user(self.user_info).attitude_from_answers, "positive")
        self.assertEqual(self.customer.attitude_from_answers, "neutral", "a passive")
        self.assertEqual(answers[3].partner_id.attitude_from_answers, "negative", "a detractor")
        Analysis = self.env["crm.satisfaction.analysis"]
        [(figure,)] = Analysis._read_group([("user_input_id", "in", [a.id for a in answers])], [], ["nps:avg"])
        self.assertEqual(figure, 25.0, "%promoters - %detractors")

    def test_attitude_from_satisfaction_without_nps(self):
        self.assertEqual([attitude_from_answers(None, value) for value in (0, 1.5, 3, 3.9, 4, 5)],
                         [None, "negative", "neutral", "neutral", "positive", "positive"])
        self.assertEqual(attitude_from_answers("detractor", 5), "negative", "the NPS answer first")
        self._answer(self._survey_of(self.person, trigger="complaint"), satisfaction=2)
        self.assertEqual(self.person.attitude_from_answers, "negative")

    def test_nps_question_is_0_to_10(self):
        with self.assertRaises(ValidationError):
            self.q_satisfaction.cuv_measure = "nps"

    def test_rolling_satisfaction(self):
        """Mean over the surveys answered in the last 12 months, complaint surveys included."""
        self._answer(self._survey_of(self.person, trigger="complaint"), satisfaction=1, days_ago=400)
        self._answer(self._survey_of(self.person, trigger="periodic"), satisfaction=3, days_ago=360)
        self.assertEqual(self.person.satisfaction_score, 3.0, "the old answer is out of the window")
        self._answer(self._survey_of(self.person, trigger="complaint"), satisfaction=5, nps_value=2)
        self.assertEqual(self.person.satisfaction_score, 4.0)
        self.assertEqual(self.person.nps_class, "detractor")
        self._send(days_later=10)
        self.assertEqual(self.person.satisfaction_score, 5.0, "the nightly run drops the answer leaving the window")

    def test_analysis_and_security(self):
        order = self._invoiced_order(self.contact, lines=[(self.product_tea, 1, 100.0), (self.product_cup, 2, 10.0)])
        post = self._send(days_later=7)
        self.assertEqual(post.sale_order_id, order)
        self._answer(post, nps_value=10, satisfaction=5)
        self._answer(self._survey_of(self.person, trigger="periodic"), nps_value=0, satisfaction=1)
        Analysis = self.env["crm.satisfaction.analysis"]
        row = Analysis.search([("partner_id", "=", self.customer.id)])
        self.assertEqual((row.product_id, row.trigger, row.user_id, row.nps), (self.product_tea, "post_purchase",
                                                                               self.user_other, 100.0))
        # the salesperson of the person sees its rows only, not those of another's customer
        own = Analysis.with_user(self.user_owner).search([])
        self.assertEqual(own.partner_id, self.person)
        self.assertEqual(Analysis.with_user(self.user_manager).search_count([]), 2)
        with self.assertRaises(AccessError):
            Analysis.with_user(self.user_employee).search([])
