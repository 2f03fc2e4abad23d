from odoo import api, models


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        # a suggested product on a quotation, whether added from the suggestion or typed in
        lines.env["crm.segmentation.suggestion"]._of_order_lines(lines).filtered(
            lambda suggestion: not suggestion.is_quoted).write({"is_quoted": True})
        return lines
