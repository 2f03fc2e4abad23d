"""A many2one column without a foreign key, for the tables a segmentation run fills a row per
customer at a time (results, suggestions, lifecycle history)."""
from odoo import fields


class UnkeyedMany2one(fields.Many2one):
    """A many2one whose column PostgreSQL does not check. A foreign key is checked row by row:
    a million suggestion rows went into PostgreSQL in 16.5 s with their three keys and in 2.8 s
    without. The deletion the key would follow (``ondelete``) is followed by the ORM instead, when
    the referenced record is deleted through it (see the ``base`` model's ``unlink``), and the
    partner merge moves the rows as it moves those of a key."""

    def update_db_foreign_key(self, model, column):
        return
