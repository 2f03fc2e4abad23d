"""Compare two segmentation runs: how many customers moved from each segment to each other."""
from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL


class CrmSegmentationCompare(models.TransientModel):
    _name = "crm.segmentation.compare"
    _description = "Compare Segmentation Runs"

    run_from_id = fields.Many2one("crm.segmentation.run", "From Run", required=True, domain=[("state", "=", "done")])
    run_to_id = fields.Many2one("crm.segmentation.run", "To Run", required=True, domain=[("state", "=", "done")])
    line_ids = fields.One2many("crm.segmentation.compare.line", "compare_id", "Migration Matrix", readonly=True)

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        runs = self.env["crm.segmentation.run"].search([("state", "=", "done")], limit=2)
        if len(runs) == 2 and "run_to_id" in fields_list:
            values.update(run_to_id=runs[0].id, run_from_id=runs[1].id)
        return values

    def action_compare(self):
        self.ensure_one()
        if self.run_from_id == self.run_to_id or self.run_from_id.company_id != self.run_to_id.company_id:
            raise UserError(self.env._("Compare two different runs of the same company."))
        (self.run_from_id | self.run_to_id).check_access("read")
        self.env.cr.execute(SQL("""
            SELECT a.segment_id, b.segment_id, COUNT(*)
              FROM crm_segmentation_result a
              JOIN crm_segmentation_result b ON b.partner_id = a.partner_id AND b.run_id = %s
             WHERE a.run_id = %s
          GROUP BY a.segment_id, b.segment_id
        """, self.run_to_id.id, self.run_from_id.id))
        self.line_ids = [(5, 0, 0)] + [
            (0, 0, {"segment_from_id": source, "segment_to_id": target, "customer_count": count})
            for source, target, count in self.env.cr.fetchall()]
        return {"type": "ir.actions.act_window", "res_model": self._name, "res_id": self.id,
                "view_mode": "form", "target": "new"}

