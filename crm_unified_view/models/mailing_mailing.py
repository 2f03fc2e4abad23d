"""A mailing to customers remembers whose customers and which run they were segmented by."""
from odoo import fields, models


class MailingMailing(models.Model):
    _inherit = "mailing.mailing"

    crm_company_id = fields.Many2one(
        "res.company", "Customers of", index="btree_not_null", readonly=True,
        help="The company whose customers the mailing was built for: their orders in it are its response.")
    segmentation_run_id = fields.Many2one(
        "crm.segmentation.run", "Segmented by", index="btree_not_null", readonly=True, ondelete="set null",
        help="The run whose segments the response is reported by.")
    response_window_days = fields.Integer(
        "Response Window (days)", default=30,
        help="Orders the customer confirms within this many days after the email count as its response.")

    _sql_constraints = [
        ("response_window_days_positive", "CHECK(response_window_days IS NULL OR response_window_days > 0)",
         "The response window is at least one day."),
    ]

