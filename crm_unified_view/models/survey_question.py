"""Mark which survey questions measure satisfaction, loyalty and the Net Promoter Score for the Customer 360."""
from odoo import api, fields, models
from odoo.exceptions import ValidationError


class SurveyQuestion(models.Model):
    _inherit = "survey.question"

    cuv_measure = fields.Selection(
        [("satisfaction", "Customer Satisfaction"), ("loyalty", "Customer Loyalty"),
         ("nps", "Net Promoter Score (0-10)")],
        "Customer 360 Measure",
        help="Scale answers to this question feed the customer's satisfaction (scaled to 0-5), loyalty (scaled to "
             "low / medium / high) or Net Promoter class (0-6 detractor, 7-8 passive, 9-10 promoter; it feeds the "
             "loyalty too).")

    @api.constrains("cuv_measure", "question_type", "scale_min", "scale_max")
    def _check_cuv_measure_nps(self):
        for question in self.filtered(lambda q: q.cuv_measure == "nps"):
            if question.question_type != "scale" or (question.scale_min, question.scale_max) != (0, 10):
                raise ValidationError(self.env._(
                    "A Net Promoter Score question is a scale from 0 to 10."))
