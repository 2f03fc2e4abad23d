"""Revenue (and margin when known) of a product in a segmentation run: the unprofitable products."""
from odoo import fields, models


class CrmSegmentationProduct(models.Model):
    _name = "crm.segmentation.product"
    _description = "Product Profitability"
    _order = "run_id desc, revenue desc"

    run_id = fields.Many2one("crm.segmentation.run", required=True, ondelete="cascade", index=True)
    currency_id = fields.Many2one(related="run_id.currency_id")
    product_id = fields.Many2one("product.product", required=True, ondelete="cascade")
    revenue = fields.Monetary()
    margin = fields.Monetary()
