from odoo import models


class BasePartnerMergeAutomaticWizard(models.TransientModel):
    _inherit = "base.partner.merge.automatic.wizard"

    def _update_foreign_keys(self, src_partners, dst_partner):
        # Private information is unique per customer and category: merge it value by value
        # instead of letting the generic key update drop the rows that collide.
        Info = self.env["crm.customer.private.info"].sudo()
        dst_infos = {info.category_id: info for info in Info.search([("partner_id", "=", dst_partner.id)])}
        for info in Info.search([("partner_id", "in", src_partners.ids)], order="id"):
            target = dst_infos.get(info.category_id)
            if not target:
                info.partner_id = dst_partner
                dst_infos[info.category_id] = info
                continue
            fnames = [fname for fname in ("home_address", "income_level", "household_size", "id_number",
                                          "date_of_birth") if info[fname] and not target[fname]]
            target.write({fname: info[fname] for fname in fnames})
            info.unlink()
        return super()._update_foreign_keys(src_partners, dst_partner)

    def _get_fk_on(self, table):
        # the columns without a foreign key move to the kept partner as those with one do
        unkeyed = [(self.env[referring]._table, column) for model in self.env.registry.values() if model._table == table
                   for referring, column, _ondelete in self.env[model._name]._unkeyed_references()]
        return super()._get_fk_on(table) + unkeyed
