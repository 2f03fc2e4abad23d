"""Satisfaction surveys after a resolved complaint feed the customer's satisfaction and loyalty."""
from odoo.exceptions import UserError
from odoo.tests import tagged

from .service_common import ServiceCommon


@tagged("post_install", "-at_install")
class TestComplaintSurvey(ServiceCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.survey = cls.env.ref("crm_unified_view.survey_complaint_satisfaction")
        cls.q_satisfaction = cls.env.ref("crm_unified_view.survey_complaint_satisfaction_q1")
        cls.q_loyalty = cls.env.ref("crm_unified_view.survey_complaint_satisfaction_q2")

    # TOOLS
    def _answer(self, complaint, satisfaction, loyalty=None):
        answer = complaint.survey_input_ids.filtered(lambda a: a.state != "done")
        self.assertEqual(len(answer), 1)
        answer._save_lines(self.q_satisfaction, str(satisfaction))
        if loyalty is not None:
            answer._save_lines(self.q_loyalty, str(loyalty))
        # the customer answers anonymously through the token link
        answer.with_user(self.env.ref("base.public_user")).sudo()._mark_done()
        return answer

    def test_send_button_after_resolution(self):
        complaint = self._complaint()
        with self.assertRaises(UserError):
            complaint.with_user(self.user_agent).action_send_satisfaction_survey()
        complaint.stage_id = self.stage_resolved
        self.assertFalse(complaint.survey_sent, "automatic sending is off by default")
        complaint.with_user(self.user_agent).action_send_satisfaction_survey()
        self.assertTrue(complaint.survey_sent)
        answer = complaint.survey_input_ids
        self.assertEqual((answer.survey_id, answer.partner_id), (self.survey, self.contact))
        invitation = complaint.message_ids.filtered(lambda m: answer.access_token in (m.body or ""))
        self.assertIn(self.contact, invitation.partner_ids)

    def test_sent_automatically_on_resolution(self):
        self.env["res.config.settings"].create({"complaint_survey_auto": True}).execute()
        complaint = self._complaint()
        complaint.stage_id = self.env.ref("crm_unified_view.crm_complaint_stage_in_progress")
        self.assertFalse(complaint.survey_input_ids)
        complaint.stage_id = self.stage_resolved
        self.assertEqual(len(complaint.survey_input_ids), 1)
        complaint.stage_id = self.stage_closed
        self.assertEqual(len(complaint.survey_input_ids), 1, "sent once")

    def test_answers_feed_the_customer(self):
        first, second = self._complaint(), self._complaint(partner_id=self.customer.id)
        (first | second).stage_id = self.stage_resolved
        (first | second)._send_satisfaction_survey()
        self._answer(first, 4, loyalty=9)
        self.assertEqual(first.satisfaction_rating, 4.0)
        self.assertEqual(self.customer.satisfaction_score, 4.0)
        self.assertEqual(self.contact.satisfaction_score, 4.0, "contacts show their company's figures")
        self.assertEqual(self.customer.loyalty_level, "high")
        self._answer(second, 1, loyalty=6)
        self.assertEqual(self.customer.satisfaction_score, 2.5, "average of the customer's ratings")
        self.assertEqual(self.customer.loyalty_level, "medium", "latest loyalty answer")

    def test_configured_survey(self):
        other = self.survey.copy({"title": "另一份问卷"})
        self.env["res.config.settings"].create({"complaint_survey_id": other.id}).execute()
        complaint = self._complaint(stage_id=self.stage_resolved.id)
        complaint._send_satisfaction_survey()
        self.assertEqual(complaint.survey_input_ids.survey_id, other)
