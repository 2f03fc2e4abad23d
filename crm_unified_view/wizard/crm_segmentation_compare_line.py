"""One cell of the migration matrix between two segmentation runs."""
from odoo import fields, models


class CrmSegmentationCompareLine(models.TransientModel):
    _name = "crm.segmentation.compare.line"
    _description = "Segment Migration"
    _order = "customer_count desc"

    compare_id = fields.Many2one("crm.segmentation.compare", required=True, ondelete="cascade")
    segment_from_id = fields.Many2one("crm.segment", "From Segment")
    segment_to_id = fields.Many2one("crm.segment", "To Segment")
    customer_count = fields.Integer("Customers")
