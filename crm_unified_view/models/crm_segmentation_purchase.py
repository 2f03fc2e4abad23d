from odoo import fields, models
from odoo.tools import SQL

COLUMNS = ("company_id", "partner_id", "product_id", "amount", "known_amount", "known_margin")


class CrmSegmentationPurchase(models.Model):
    """Each customer's order lines summed per product, as of the company's latest run on orders,
    kept for the next run: it reads these instead of every order line, and sums again only the
    lines of the customers whose orders changed since.

    A table without foreign keys: PostgreSQL checks each key row by row, and a first run keeps
    millions of rows. Rows of a partner or product deleted since are never read: a deleted
    partner is no active customer, and a product on an order cannot be deleted."""
    _name = "crm.segmentation.purchase"
    _description = "Customer Purchases per Product, Kept for the Next Run"
    _auto = False
    _log_access = False
    _order = "company_id, partner_id, product_id"

    company_id = fields.Many2one("res.company", readonly=True)
    partner_id = fields.Many2one("res.partner", "Customer", readonly=True)
    product_id = fields.Many2one("product.product", readonly=True)
    amount = fields.Float("Revenue", readonly=True, help="Net of credit notes, in the company's currency.")
    known_amount = fields.Float("Revenue of Known Cost", readonly=True)
    known_margin = fields.Float("Margin of Known Cost", readonly=True)

    def init(self):
        # no index but the key: a run reads a company's rows in one scan, and deletes those of the
        # customers changed since in another
        self.env.cr.execute(SQL("""
            CREATE TABLE IF NOT EXISTS crm_segmentation_purchase (
                id serial PRIMARY KEY, company_id integer NOT NULL, partner_id integer NOT NULL,
                product_id integer NOT NULL, amount float8, known_amount float8, known_margin float8)
        """))

    def _of_company(self, company, lines):
        """The query ``lines`` (summed lines: partner_id, product_id, amount, known_amount,
        known_margin) as rows of :data:`COLUMNS`, of ``company``."""
        return SQL("SELECT %s AS company_id, * FROM (%s) lines", company.id, lines)

    def _keep_file(self, company, file, customer_ids=None):
        """Replace the purchases kept for ``company`` (of the customers ``customer_ids`` only, when
        given) by the ``file`` of rows of :data:`COLUMNS` in COPY's binary format, as
        :meth:`_of_company` makes them: an ``INSERT`` of the summing query would run it without
        PostgreSQL's parallel workers, which sum the lines twice as fast."""
        only = SQL("AND partner_id = ANY(%s)", list(customer_ids)) if customer_ids is not None else SQL()
        self.env.cr.execute(SQL("DELETE FROM crm_segmentation_purchase WHERE company_id = %s %s", company.id, only))
        file.seek(0)
        self.env.cr.copy_expert(self.env.cr.mogrify(SQL(
            "COPY crm_segmentation_purchase (%s) FROM STDIN WITH BINARY", self._columns())).decode(), file)

    def _kept(self, company):
        """The query of the purchases kept for ``company`` (rows of :data:`COLUMNS`)."""
        return SQL("SELECT %s FROM crm_segmentation_purchase WHERE company_id = %s", self._columns(), company.id)

    def _columns(self):
        return SQL(", ").join(map(SQL.identifier, COLUMNS))
