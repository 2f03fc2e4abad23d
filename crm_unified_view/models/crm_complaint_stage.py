"""Stages of the complaint workflow (new, in progress, waiting for customer, resolved, closed)."""
from odoo import fields, models


class CrmComplaintStage(models.Model):
    _name = "crm.complaint.stage"
    _description = "Complaint Stage"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    fold = fields.Boolean("Folded in Kanban")
    is_closed = fields.Boolean(
        "Closing Stage", help="Complaints in this stage are settled: no longer open, closing date set.")
    send_survey = fields.Boolean(
        "Send Satisfaction Survey",
        help="When complaints reach this stage, the satisfaction survey is sent automatically "
             "(if enabled in Settings).")
    description = fields.Text(translate=True)
