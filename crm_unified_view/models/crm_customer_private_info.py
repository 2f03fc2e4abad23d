"""Private values of one customer in one private category, guarded by record rules.

Every path that reads, searches, exports or changes the values is logged in
``crm.private.access.log``: the hooks sit on the low-level ORM methods that all the public
ones (read, search_read, web_read, web_search_read, read_group, export, the partner's
private fields, reports and templates) go through, so that each is logged once.
"""
from contextlib import contextmanager
from contextvars import ContextVar

from odoo import api, fields, models
from odoo.osv import expression
from odoo.tools import SQL

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
# Loaded together, apart from the other fields: reading the customer or the category of a
# record does not load (and log) its values.
PRIVATE_VALUE = {"prefetch": "private_values"}
PRIVATE_VALUE_FIELDS = tuple(PRIVATE_FIELDS)

# What a fetch of values is logged as: "export" while an export runs. Not in the context,
# which a caller controls.
_fetch_operation = ContextVar("crm_private_fetch_operation", default="read")


@contextmanager
def logged_as(operation):
    token = _fetch_operation.set(operation)
    try:
        yield
    finally:
        _fetch_operation.reset(token)


class CrmCustomerPrivateInfo(models.Model):
    _name = "crm.customer.private.info"
    _description = "Private Customer Information"
    _rec_name = "category_id"

    partner_id = fields.Many2one("res.partner", "Customer", required=True, ondelete="cascade", index=True)
    category_id = fields.Many2one("crm.private.category", required=True, ondelete="restrict")
    category_code = fields.Char(related="category_id.code", store=True, index=True)
    company_id = fields.Many2one(related="partner_id.company_id", store=True)
    home_address = fields.Text(**PRIVATE_VALUE)
    income_level = fields.Selection(INCOME_LEVELS, **PRIVATE_VALUE)
    household_size = fields.Integer(**PRIVATE_VALUE)
    id_number = fields.Char("ID Number", **PRIVATE_VALUE)
    date_of_birth = fields.Date(**PRIVATE_VALUE)

    _sql_constraints = [(
        "partner_category_unique", "UNIQUE(partner_id, category_id)",
        "A customer has one set of private information per category.")]

    @api.depends("partner_id", "category_id")
    def _compute_display_name(self):
        for info in self:
            info.display_name = "%s – %s" % (info.partner_id.display_name, info.category_id.name)

    # ------------------------------------------------------------------
    # CRUD, each logged
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        # Checked before the insert: the unique constraint must not reveal hidden records.
        self._check_categories_granted((vals.get("category_id"), vals.get("partner_id")) for vals in vals_list)
        records = super().create(vals_list)
        records._log_records("create")
        return records

    def write(self, vals):
        moved = []
        if "category_id" in vals or "partner_id" in vals:
            self._check_categories_granted(
                [(info.category_id.id, info.partner_id.id) for info in self]
                + [(vals.get("category_id", info.category_id.id), vals.get("partner_id", info.partner_id.id))
                   for info in self])
            # moved to another customer or category: the old ones are logged too
            moved = self.env.execute_query(self._log_rows())
        result = super().write(vals)
        rows = self._log_rows()
        if moved:
            rows = SQL("%s UNION SELECT * FROM unnest(%s::int[], %s::int[])", rows,
                       [partner_id for partner_id, _category_id in moved],
                       [category_id for _partner_id, category_id in moved])
        self.env["crm.private.access.log"].sudo()._log("write", rows)
        return result

    def unlink(self):
        self._log_records("unlink")
        return super().unlink()

    def _check_categories_granted(self, category_partner_ids):
        """Refuse (category id, partner id) pairs whose category is not granted for the partner's company."""
        if self.env.su:
            return
        Category = self.env["crm.private.category"]
        for category_id, partner_id in set(category_partner_ids):
            if category_id:
                company = self.env["res.partner"].sudo().browse(partner_id).company_id
                Category._check_granted(Category.sudo().browse(category_id).code, company)

    # ------------------------------------------------------------------
    # Reads, searches and exports, each logged
    # ------------------------------------------------------------------
    def _fetch_query(self, query, fields):
        # Every load of values from the database ends here: read, search_read, web_read,
        # export, the partner's private fields, reports and templates.
        fetched = super()._fetch_query(query, fields)
        if fetched and any(field.name in PRIVATE_VALUE_FIELDS for field in fields):
            fetched._log_records(_fetch_operation.get())
        return fetched

    @api.model
    def _search(self, domain, offset=0, limit=None, order=None):
        query = super()._search(domain, offset=offset, limit=limit, order=order)
        if not query.is_empty() and self._domain_has_private_values(domain):
            self._log_query("search", query)
        return query

    @api.model
    def _read_group(self, domain, groupby=(), aggregates=(), having=(), offset=0, limit=None, order=None):
        result = super()._read_group(domain, groupby, aggregates, having, offset, limit, order)
        specs = list(groupby) + list(aggregates) + [leaf[0] for leaf in having if isinstance(leaf, (list, tuple))]
        if result and any(spec.split(":")[0].split(".")[0] in PRIVATE_VALUE_FIELDS for spec in specs):
            # grouped by a value or aggregating one shows it: a read of every record grouped
            self._log_query("read", super()._search(domain))
        return result

    def export_data(self, fields_to_export):
        with logged_as("export"):
            return super().export_data(fields_to_export)

    # ------------------------------------------------------------------
    # Logging helpers
    # ------------------------------------------------------------------
    @api.model
    def _domain_has_private_values(self, domain):
        return any(
            expression.is_leaf(leaf) and isinstance(leaf[0], str) and leaf[0].split(".")[0] in PRIVATE_VALUE_FIELDS
            for leaf in expression.normalize_domain(domain or [])
            if not expression.is_operator(leaf))

    def _log_rows(self):
        """SQL of the (customer, category) pairs of ``self``, as the database has them now."""
        self.flush_recordset(["partner_id", "category_id"])
        return SQL("SELECT partner_id, category_id FROM crm_customer_private_info WHERE id = ANY(%s)", list(self.ids))

    def _log_records(self, operation):
        if self.ids:
            self.env["crm.private.access.log"].sudo()._log(operation, self._log_rows())

    @api.model
    def _log_query(self, operation, query):
        self.env["crm.private.access.log"].sudo()._log(operation, SQL(
            "SELECT partner_id, category_id FROM crm_customer_private_info WHERE id IN %s", query.subselect()))

    @api.model
    def _log_partner_deletion(self, partner_ids):
        """The private information of deleted customers goes with them (cascade): log it first."""
        self.env["crm.private.access.log"].sudo()._log("unlink", SQL(
            "SELECT partner_id, category_id FROM crm_customer_private_info WHERE partner_id = ANY(%s)",
            list(partner_ids)))
