"""Create an Email Marketing mailing to exactly the chosen customers of one company."""
from odoo import Command, api, fields, models
from odoo.exceptions import UserError


class CrmMailingCreate(models.TransientModel):
    _name = "crm.mailing.create"
    _description = "Create a Mailing to Customers"

    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    run_id = fields.Many2one("crm.segmentation.run", "Segmented by",
                             help="The run whose segments the response is reported by.")
    partner_ids = fields.Many2many("res.partner", string="Selected Customers")
    customer_count = fields.Integer("Customers", compute="_compute_customer_count")
    campaign_id = fields.Many2one("utm.campaign", help="Left empty, a campaign of the subject is created.")
    subject = fields.Char(required=True)
    response_window_days = fields.Integer("Response Window (days)", default=30, required=True)

    @api.depends("partner_ids")
    def _compute_customer_count(self):
        for wizard in self:
            wizard.customer_count = len(wizard.partner_ids)

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        model, ids = self.env.context.get("active_model"), self.env.context.get("active_ids") or []
        records = self.env[model].browse(ids) if model in ("crm.segment", "crm.segmentation.result",
                                                           "res.partner") else None
        if records is None:
            return values
        if model == "res.partner":
            partners, run = records.commercial_partner_id, self.env["crm.segmentation.run"]
            company = self.env.company
        else:
            run = records.run_id[:1]
            company = run.company_id
            if model == "crm.segment":
                results = self.env["crm.segmentation.result"].search([("segment_id", "in", records.ids)])
            else:
                results = records
            partners = results.partner_id
            values["subject"] = ", ".join(records.mapped("name")) if model == "crm.segment" else False
        values.update(company_id=company.id, run_id=run.id or self._latest_run(company).id,
                      partner_ids=[Command.set(self._customers_of(partners, company).ids)])
        return values

    @api.model
    def _latest_run(self, company):
        # the run that segmented the company's customers last (a back-test is an earlier day)
        return self.env["crm.segmentation.run"].search(
            [("company_id", "=", company.id), ("state", "=", "done")], limit=1)

    @api.model
    def _customers_of(self, partners, company):
        """Active customers of ``company`` (or shared by all companies) among ``partners``
        that the user may read."""
        return self.env["res.partner"].search([("id", "in", partners.ids), ("company_id", "in", [False, company.id])])

    def action_create(self):
        self.ensure_one()
        customers = self._customers_of(self.partner_ids, self.company_id)
        if not customers:
            raise UserError(self.env._("None of these customers belongs to %s.", self.company_id.name))
        campaign = self.campaign_id or self.env["utm.campaign"].create({"name": self.subject})
        mailing = self.env["mailing.mailing"].create({
            "subject": self.subject, "campaign_id": campaign.id,
            "mailing_model_id": self.env["ir.model"]._get_id("res.partner"),
            "mailing_domain": repr([("id", "in", customers.ids)]),
            "crm_company_id": self.company_id.id, "segmentation_run_id": self.run_id.id,
            "response_window_days": self.response_window_days,
        })
        return {
            "type": "ir.actions.act_window", "res_model": "mailing.mailing", "res_id": mailing.id,
            "view_mode": "form", "views": [(False, "form")], "target": "current",
        }

    @api.model
    def _action_open(self, records):
        """The wizard for ``records`` (segments, run results or partners)."""
        return {
            "type": "ir.actions.act_window", "name": self.env._("Create a Mailing"), "res_model": self._name,
            "view_mode": "form", "views": [(False, "form")], "target": "new",
            "context": {"active_model": records._name, "active_ids": records.ids},
        }
