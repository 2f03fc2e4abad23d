"""One point of a run's whale curve: the share of the profit made by the most profitable customers."""
from odoo import fields, models


class CrmSegmentationWhalePoint(models.Model):
    _name = "crm.segmentation.whale.point"
    _description = "Whale Curve Point"
    _order = "run_id, customer_percent"

    run_id = fields.Many2one("crm.segmentation.run", required=True, ondelete="cascade", index=True)
    customer_percent = fields.Integer(
        "Customers (%)", help="Share of the customers ranked by profit, the most profitable first.")
    profit_share = fields.Float(
        "Cumulative Profit (%)", aggregator="max",
        help="Profit those customers make, as a share of the total profit: above 100 where the others lose money.")
