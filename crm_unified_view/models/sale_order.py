from odoo import models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    def _action_confirm(self):
        result = super()._action_confirm()
        self._refresh_customer_figures()
        return result

    def _action_cancel(self):
        result = super()._action_cancel()
        self._refresh_customer_figures()
        return result

    def _refresh_customer_figures(self):
        """These orders started or stopped counting: the customers' live figures, and their RFM
        in each order's company (figures are per company) when its runs count orders."""
        self.partner_id._recompute_customer_360_for_commercial()
        for company, orders in self.grouped("company_id").items():
            orders.partner_id.with_company(company)._refresh_rfm_from_latest_run("orders")
