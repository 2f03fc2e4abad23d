"""Satisfaction surveys of customers (after a complaint, a purchase, or periodically): who was
asked and why, and, once answered, the ratings that feed the customer's satisfaction,
loyalty and Net Promoter class."""
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL

from ..analytics.nps import NPS_CLASSES, nps_class

LOYALTY_HIGH, LOYALTY_MEDIUM = 0.8, 0.5
# The customer's satisfaction is the mean rating of the surveys answered in this many last days.
SATISFACTION_WINDOW_DAYS = 365
CUSTOMER_INFO_GROUPS = "crm_unified_view.group_customer_info_user"
SURVEY_TRIGGERS = [("post_purchase", "After a Purchase"), ("periodic", "Periodic"), ("complaint", "After a Complaint")]


class SurveyUserInput(models.Model):
    _inherit = "survey.user_input"

    complaint_id = fields.Many2one(
        "crm.complaint", index="btree_not_null", ondelete="set null",
        groups="crm_unified_view.group_customer_info_user")
    # Set when a satisfaction survey is sent to a customer: what the throttle counts and the analysis reads.
    satisfaction_trigger = fields.Selection(
        SURVEY_TRIGGERS, "Survey Trigger", readonly=True, index="btree_not_null", groups=CUSTOMER_INFO_GROUPS)
    customer_id = fields.Many2one(
        "res.partner", "Surveyed Customer", readonly=True, index="btree_not_null", ondelete="set null",
        groups=CUSTOMER_INFO_GROUPS, help="The company or person (commercial partner) the survey was sent to.")
    satisfaction_company_id = fields.Many2one(
        "res.company", "Surveying Company", readonly=True, groups=CUSTOMER_INFO_GROUPS)
    sale_order_id = fields.Many2one(
        "sale.order", "Surveyed Order", readonly=True, index="btree_not_null", ondelete="set null",
        groups=CUSTOMER_INFO_GROUPS)
    salesperson_id = fields.Many2one("res.users", readonly=True, groups=CUSTOMER_INFO_GROUPS)
    satisfaction_rating = fields.Float(
        readonly=True, aggregator="avg", groups=CUSTOMER_INFO_GROUPS,
        help="Mean of the answer's satisfaction questions, from 0 to 5; empty without one.")
    nps_score = fields.Integer("NPS Answer", readonly=True, groups=CUSTOMER_INFO_GROUPS,
                               help="The 0-10 answer to the survey's Net Promoter Score question.")
    nps_class = fields.Selection(NPS_CLASSES, "NPS Class", readonly=True, groups=CUSTOMER_INFO_GROUPS)

    @api.model_create_multi
    def create(self, vals_list):
        # A complaint's survey counts as a satisfaction survey of the complaint's customer.
        complaints = self.env["crm.complaint"].sudo().browse(
            [vals["complaint_id"] for vals in vals_list if vals.get("complaint_id")])
        by_id = {complaint.id: complaint for complaint in complaints}
        for vals in vals_list:
            complaint = by_id.get(vals.get("complaint_id"))
            if complaint and not vals.get("satisfaction_trigger"):
                vals.update(satisfaction_trigger="complaint", satisfaction_company_id=complaint.company_id.id)
            if vals.get("satisfaction_trigger") and vals.get("partner_id"):
                customer = self.env["res.partner"].sudo().browse(vals["partner_id"]).commercial_partner_id
                vals.setdefault("customer_id", customer.id)
                vals.setdefault("salesperson_id", customer.user_id.id)
        return super().create(vals_list)

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
        """{user_input: (satisfaction 0-5 or None, loyalty share 0-1 or None, NPS answer 0-10 or None)}.
        An NPS question also measures loyalty."""
        ratings = {}
        for answer in self:
            satisfaction, loyalty, nps = [], [], None
            for line in answer.user_input_line_ids.filtered(lambda l: l.answer_type == "scale" and not l.skipped):
                measure = line.question_id.cuv_measure
                if measure == "satisfaction":
                    satisfaction.append(5.0 * self._scaled(line))
                elif measure in ("loyalty", "nps"):
                    loyalty.append(self._scaled(line))
                if measure == "nps":
                    nps = line.value_scale
            ratings[answer] = (sum(satisfaction) / len(satisfaction) if satisfaction else None,
                               sum(loyalty) / len(loyalty) if loyalty else None, nps)
        return ratings

    def _cuv_store_ratings(self):
        """Keep each answered survey's ratings on it, for the customer's figures and the analysis."""
        for answer, (satisfaction, _loyalty, nps) in self._cuv_ratings().items():
            answer.write({
                "satisfaction_rating": round(satisfaction, 2) if satisfaction is not None else None,
                "nps_score": nps if nps is not None else None,
                "nps_class": nps_class(nps),
            })
            if satisfaction is not None and answer.complaint_id:
                answer.complaint_id.satisfaction_rating = round(satisfaction, 2)

    def _cuv_feed_customers(self):
        answers = self.sudo().filtered(lambda answer: answer.state == "done" and answer.satisfaction_trigger)
        answers._cuv_store_ratings()
        self._cuv_update_partners(answers.customer_id)

    @api.model
    def _cuv_update_partners(self, partners, today=None):
        """Satisfaction: mean rating of the customer's satisfaction surveys (of every trigger,
        complaints included) answered in the last SATISFACTION_WINDOW_DAYS days, empty without one;
        loyalty: from the latest loyalty or NPS answer (>= 80% high, >= 50% medium, else low);
        NPS class: of the latest NPS answer. Written on the customer and its contacts."""
        if not partners:
            return
        self.flush_model(["state", "satisfaction_trigger", "customer_id", "end_datetime", "satisfaction_rating",
                          "nps_class"])
        since = (fields.Datetime.to_datetime(today) if today else fields.Datetime.now()) \
            - timedelta(days=SATISFACTION_WINDOW_DAYS)
        self.env.cr.execute(SQL("""
            SELECT customer_id, AVG(satisfaction_rating) FILTER (WHERE end_datetime >= %(since)s)
              FROM survey_user_input
             WHERE state = 'done' AND satisfaction_trigger IS NOT NULL AND customer_id = ANY(%(ids)s)
          GROUP BY customer_id""", since=since, ids=partners.ids))
        satisfaction = dict(self.env.cr.fetchall())
        self.env.cr.execute(SQL("""
            SELECT DISTINCT ON (customer_id) customer_id, nps_class
              FROM survey_user_input
             WHERE state = 'done' AND satisfaction_trigger IS NOT NULL AND customer_id = ANY(%(ids)s)
                   AND nps_class IS NOT NULL
          ORDER BY customer_id, end_datetime DESC, id DESC""", ids=partners.ids))
        nps_classes = dict(self.env.cr.fetchall())
        # loyalty answers are few per customer: read in Python from the latest answers that hold one
        answers = self.sudo().search([
            ("state", "=", "done"), ("satisfaction_trigger", "!=", False), ("customer_id", "in", partners.ids),
            ("user_input_line_ids.question_id.cuv_measure", "in", ["loyalty", "nps"])], order="end_datetime, id")
        loyalty = {}
        for answer, (_satisfaction, share, _nps) in answers._cuv_ratings().items():
            if share is not None:
                loyalty[answer.customer_id.id] = share
        Partner = self.env["res.partner"].sudo().with_context(active_test=False)
        for commercial in partners:
            vals = {"satisfaction_score": round(satisfaction[commercial.id], 2)
                    if satisfaction.get(commercial.id) is not None else 0.0}
            if commercial.id in nps_classes:
                vals["nps_class"] = nps_classes[commercial.id]
            share = loyalty.get(commercial.id)
            if share is not None:
                vals["loyalty_level"] = "high" if share >= LOYALTY_HIGH else "medium" if share >= LOYALTY_MEDIUM \
                    else "low"
            Partner.search([("commercial_partner_id", "=", commercial.id)]).write(vals)
