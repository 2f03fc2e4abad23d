from odoo import models


class AccountMove(models.Model):
    _inherit = "account.move"

    def _post(self, soft=True):
        posted = super()._post(soft=soft)
        posted.filtered(lambda move: move.is_sale_document()).commercial_partner_id._recompute_customer_360_for_commercial()
        return posted
