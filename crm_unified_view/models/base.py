"""What the foreign keys of the columns without one would do on deletion (see ``UnkeyedMany2one``)."""
from odoo import models, tools
from odoo.tools import SQL

from .unkeyed_many2one import UnkeyedMany2one


class Base(models.AbstractModel):
    _inherit = "base"

    def unlink(self):
        # What the foreign key's ON DELETE would do, for the columns without one: once the records
        # are gone (a deletion refused changes nothing).
        references = self._unkeyed_references() if self.ids else ()
        for model, _column, _ondelete in references:
            self.env[model].flush_model()
        ids = self.ids
        result = super().unlink()
        for model, column, ondelete in references:
            table, column_sql = SQL.identifier(self.env[model]._table), SQL.identifier(column)
            if ondelete == "cascade":
                self.env.cr.execute(SQL("DELETE FROM %s WHERE %s = ANY(%s)", table, column_sql, ids))
            else:
                self.env.cr.execute(SQL("UPDATE %s SET %s = NULL WHERE %s = ANY(%s)", table, column_sql, column_sql,
                                        ids))
            self.env[model].invalidate_model()
        return result

    @tools.ormcache()
    def _unkeyed_references(self):
        """The columns referring to this model without a foreign key: (model, column, ondelete)."""
        return tuple(
            (model._name, field.name, field.ondelete)
            for model in self.env.registry.values() if model._auto and not model._abstract
            for field in model._fields.values()
            if isinstance(field, UnkeyedMany2one) and field.store and field.comodel_name == self._name
        )
