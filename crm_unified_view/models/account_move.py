from odoo import models


class AccountMove(models.Model):
    _inherit = "account.move"

    def _post(self, soft=True):
        posted = super()._post(soft=soft)
        posted._refresh_customer_figures()
        return posted

    def button_draft(self):
        counted = self.filtered(lambda move: move.state == "posted")
        result = super().button_draft()
        counted._refresh_customer_figures()
        return result

    def _refresh_customer_figures(self):
        """These customer invoices or credit notes started or stopped counting: the customers'
        live figures, and their RFM in each move's company when its runs count invoices."""
        sales = self.filtered(lambda move: move.is_sale_document())
        if not sales:  # vendor bills, journal entries: no customer figure moves
            return
        self.env.flush_all()  # what posting changed, written at once: the queries below read part of it
        customers = sales.commercial_partner_id
        customers._recompute_customer_360_for_commercial(data_quality=False)
        # The data quality counts the net invoiced only as there or not: it appears with the first
        # invoice, and a credit note may bring it back to nothing (the nightly rescoring sees the rest).
        refunded = sales.filtered(lambda move: move.move_type == "out_refund").commercial_partner_id
        (customers._with_one_invoice_at_most() | refunded)._recompute_customer_360_for_commercial()
        for company, moves in sales.grouped("company_id").items():
            moves.commercial_partner_id.with_company(company)._refresh_rfm_from_latest_run("invoices")
