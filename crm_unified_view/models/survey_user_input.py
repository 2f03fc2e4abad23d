"""Completed complaint surveys feed the customer's satisfaction and loyalty."""
from odoo import api, fields, models

LOYALTY_HIGH, LOYALTY_MEDIUM = 0.8, 0.5


class SurveyUserInput(models.Model):
    _inherit = "survey.user_input"

    complaint_id = fields.Many2one(
        "crm.complaint", index="btree_not_null", ondelete="set null",
        groups="crm_unified_view.group_customer_info_user")

    def _mark_done(self):
        result = super()._mark_done()
        self._cuv_feed_customers()
        return result

    @staticmethod
    def _scaled(line):
        """A scale answer as a share of its question's range (0-1)."""
        question = line.question_id
        span = (question.scale_max - question.scale_min) or 1
        return min(max((line.value_scale - question.scale_min) / span, 0.0), 1.0)

    def _cuv_ratings(self):
        """{user_input: (satisfaction 0-5 or None, loyalty share 0-1 or None)}."""
        ratings = {}
        for answer in self:
            satisfaction, loyalty = [], []
            for line in answer.user_input_line_ids.filtered(lambda l: l.answer_type == "scale" and not l.skipped):
                if line.question_id.cuv_measure == "satisfaction":
                    satisfaction.append(5.0 * self._scaled(line))
                elif line.question_id.cuv_measure == "loyalty":
                    loyalty.append(self._scaled(line))
            ratings[answer] = (sum(satisfaction) / len(satisfaction) if satisfaction else None,
                               sum(loyalty) / len(loyalty) if loyalty else None)
        return ratings

    def _cuv_feed_customers(self):
        answers = self.sudo().filtered(lambda answer: answer.state == "done" and answer.complaint_id)
        for answer, (satisfaction, _loyalty) in answers._cuv_ratings().items():
            if satisfaction is not None:
                answer.complaint_id.satisfaction_rating = round(satisfaction, 2)
        self._cuv_update_partners(answers.partner_id.commercial_partner_id)

    @api.model
    def _cuv_update_partners(self, partners):
        """Satisfaction: average rating of the customer's completed complaint surveys;
        loyalty: from the latest loyalty answer (>= 80% high, >= 50% medium, else low)."""
        if not partners:
            return
        answers = self.sudo().search([
            ("state", "=", "done"), ("complaint_id", "!=", False),
            ("partner_id.commercial_partner_id", "in", partners.ids)], order="end_datetime, id")
        ratings = answers._cuv_ratings()
        values = {}
        for answer in answers:
            satisfaction, loyalty = ratings[answer]
            scores, last_loyalty = values.setdefault(answer.partner_id.commercial_partner_id, ([], None))
            if satisfaction is not None:
                scores.append(satisfaction)
            if loyalty is not None:
                values[answer.partner_id.commercial_partner_id] = (scores, loyalty)
        Partner = self.env["res.partner"].sudo().with_context(active_test=False)
        for commercial, (scores, loyalty) in values.items():
            vals = {}
            if scores:
                vals["satisfaction_score"] = round(sum(scores) / len(scores), 2)
            if loyalty is not None:
                vals["loyalty_level"] = "high" if loyalty >= LOYALTY_HIGH else "medium" if loyalty >= LOYALTY_MEDIUM \
                    else "low"
            if vals:
                Partner.search([("commercial_partner_id", "=", commercial.id)]).write(vals)
