from odoo import api, fields, models

from .res_partner import SALES_GROUPS


class SaleOrder(models.Model):
    _inherit = "sale.order"

    cross_sell_suggestion_ids = fields.Many2many(
        "crm.segmentation.suggestion", string="Suggested Products", compute="_compute_cross_sell_suggestion_ids",
        groups=SALES_GROUPS,
        help="What customers of the same segment buy and this customer has not bought yet (latest segmentation "
             "of the order's company).")

    @api.depends("partner_id", "company_id", "order_line.product_id")
    def _compute_cross_sell_suggestion_ids(self):
        for order in self:
            customer = order.partner_id.commercial_partner_id.with_company(order.company_id)
            suggestions = customer.cross_sell_suggestion_ids if customer else self.env["crm.segmentation.suggestion"]
            order.cross_sell_suggestion_ids = suggestions.filtered(
                lambda suggestion: suggestion.product_id not in order.order_line.product_id)

    def action_confirm(self):
        result = super().action_confirm()
        # once the confirmation is done: what it changed is then written to the database once
        self._refresh_customer_figures()
        self.env["crm.segmentation.suggestion"]._of_order_lines(self.order_line).write(
            {"is_quoted": True, "is_sold": True})
        return result

    def _action_cancel(self):
        result = super()._action_cancel()
        self._refresh_customer_figures()
        return result

    def _refresh_customer_figures(self):
        """These orders started or stopped counting: the customers' live figures, and their RFM
        in each order's company (figures are per company) when its runs count orders."""
        # What the confirmation (cancellation) changed, written at once: the queries below read
        # part of it, and would have it written in two statements.
        self.env.flush_all()
        self.partner_id._recompute_customer_360_for_commercial(data_quality=False)
        self.partner_id._with_one_order_at_most()._recompute_customer_360_for_commercial()
        for company, orders in self.grouped("company_id").items():
            orders.partner_id.with_company(company)._refresh_rfm_from_latest_run("orders")
