"""The many2one columns a segmentation run fills a row per customer at a time lose their foreign
key (see ``UnkeyedMany2one``): the ORM now follows their deletions."""
from odoo import SUPERUSER_ID, api
from odoo.tools import SQL
from odoo.tools.sql import make_identifier


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    for model in env.registry.values():
        if model._abstract:
            continue
        for referring, column, _ondelete in env[model._name]._unkeyed_references():
            table = env[referring]._table
            name = make_identifier(f"{table}_{column}_fkey")
            cr.execute(SQL("ALTER TABLE %s DROP CONSTRAINT IF EXISTS %s", SQL.identifier(table), SQL.identifier(name)))
            cr.execute(SQL("DELETE FROM ir_model_constraint WHERE name = %s AND type = 'f'", name))
