"""Private values of one customer in one private category, guarded by record rules."""
from odoo import api, fields, models

INCOME_LEVELS = [
    ("low", "Low"),
    ("lower_middle", "Lower Middle"),
    ("middle", "Middle"),
    ("upper_middle", "Upper Middle"),
    ("high", "High"),
]
# Private partner fields and the private category (code) each belongs to.
PRIVATE_FIELDS = {
    "home_address": "address",
    "income_level": "income",
    "household_size": "household",
    "id_number": "identity",
    "date_of_birth": "identity",
}


class CrmCustomerPrivateInfo(models.Model):
    _name = "crm.customer.private.info"
    _description = "Private Customer Information"
    _rec_name = "category_id"

    partner_id = fields.Many2one("res.partner", "Customer", required=True, ondelete="cascade", index=True)
    category_id = fields.Many2one("crm.private.category", required=True, ondelete="restrict")
    category_code = fields.Char(related="category_id.code", store=True, index=True)
    company_id = fields.Many2one(related="partner_id.company_id", store=True)
    home_address = fields.Text()
    income_level = fields.Selection(INCOME_LEVELS)
    household_size = fields.Integer()
    id_number = fields.Char("ID Number")
    date_of_birth = fields.Date()

    _sql_constraints = [(
        "partner_category_unique", "UNIQUE(partner_id, category_id)",
        "A customer has one set of private information per category.")]

    @api.model_create_multi
    def create(self, vals_list):
        # Checked before the insert: the unique constraint must not reveal hidden records.
        self._check_categories_granted((vals.get("category_id"), vals.get("partner_id")) for vals in vals_list)
        return super().create(vals_list)

    def write(self, vals):
        if "category_id" in vals or "partner_id" in vals:
            self._check_categories_granted(
                [(info.category_id.id, info.partner_id.id) for info in self]
                + [(vals.get("category_id", info.category_id.id), vals.get("partner_id", info.partner_id.id))
                   for info in self])
        return super().write(vals)

    def _check_categories_granted(self, category_partner_ids):
        """Refuse (category id, partner id) pairs whose category is not granted for the partner's company."""
        if self.env.su:
            return
        Category = self.env["crm.private.category"]
        for category_id, partner_id in set(category_partner_ids):
            if category_id:
                company = self.env["res.partner"].sudo().browse(partner_id).company_id
                Category._check_granted(Category.sudo().browse(category_id).code, company)

    @api.depends("partner_id", "category_id")
    def _compute_display_name(self):
        for info in self:
            info.display_name = "%s – %s" % (info.partner_id.display_name, info.category_id.name)
