from odoo import models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    def _action_confirm(self):
        result = super()._action_confirm()
        self.partner_id._recompute_customer_360_for_commercial()
        for company, orders in self.grouped("company_id").items():
            # Figures are per company: rescore with the edges of the order's company's last run.
            orders.partner_id.with_company(company)._refresh_rfm_from_latest_run()
        return result

    def _action_cancel(self):
        result = super()._action_cancel()
        self.partner_id._recompute_customer_360_for_commercial()
        return result
