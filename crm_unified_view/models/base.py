from odoo import models, tools
from odoo.tools import SQL

from .unkeyed_many2one import UnkeyedMany2one


class Base(models.AbstractModel):
    _inherit = "base"

    def unlink(self):
        # What the foreign key's ON DELETE would do, for the columns without one: before the
        # records go, as PostgreSQL's cascade goes with the deletion.
        references = self._unkeyed_references()
        if references and self.ids:
            self.env.flush_all()
            for table, column, ondelete in references:
                if ondelete == "cascade":
                    query = SQL("DELETE FROM %s WHERE %s = ANY(%s)", SQL.identifier(table), SQL.identifier(column),
                                self.ids)
                else:
                    query = SQL("UPDATE %s SET %s = NULL WHERE %s = ANY(%s)", SQL.identifier(table),
                                SQL.identifier(column), SQL.identifier(column), self.ids)
                self.env.cr.execute(query)
            self.env.invalidate_all()
        return super().unlink()

    @tools.ormcache()
    def _unkeyed_references(self):
        """The columns referring to this model without a foreign key: (table, column, ondelete)."""
        return tuple(
            (model._table, field.name, field.ondelete)
            for model in self.env.registry.values() if model._auto and not model._abstract
            for field in model._fields.values()
            if isinstance(field, UnkeyedMany2one) and field.store and field.comodel_name == self._name
        )
