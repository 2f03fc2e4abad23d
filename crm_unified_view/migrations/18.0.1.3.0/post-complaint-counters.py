"""18.0.1.3.0: complaint counters on customers are counted on read, no longer stored.

Odoo leaves the column of a field that stops being stored: drop the per-company values.
"""
from odoo.tools import SQL
from odoo.tools.sql import column_exists


def migrate(cr, version):
    if not version:
        return
    for column in ("complaint_count", "open_complaint_count"):
        if column_exists(cr, "res_partner", column):
            cr.execute(SQL("ALTER TABLE res_partner DROP COLUMN %s", SQL.identifier(column)))
