"""Mark which survey questions measure satisfaction and loyalty for the Customer 360."""
from odoo import fields, models


class SurveyQuestion(models.Model):
    _inherit = "survey.question"

    cuv_measure = fields.Selection(
        [("satisfaction", "Customer Satisfaction"), ("loyalty", "Customer Loyalty")],
        "Customer 360 Measure",
        help="Scale answers to this question feed the customer's satisfaction (scaled to 0-5) "
             "or loyalty (scaled to low / medium / high).")
