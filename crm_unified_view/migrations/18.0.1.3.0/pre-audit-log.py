"""18.0.1.3.0: the access log names the user and the customer, so that it outlives them.

Before the new fields load, the snapshots of the entries already written are filled in one
statement (instead of one computation per entry by the ORM); the foreign keys become
"set null" when the fields load.
"""
from odoo.tools.sql import column_exists, create_column


def migrate(cr, version):
    if not version or column_exists(cr, "crm_private_access_log", "partner_name"):
        return
    for column, column_type in (("user_name", "varchar"), ("user_login", "varchar"),
                                ("partner_name", "varchar"), ("company_id", "int4")):
        create_column(cr, "crm_private_access_log", column, column_type)
    cr.execute("""
        UPDATE crm_private_access_log l
           SET user_name = up.name, user_login = u.login, partner_name = p.complete_name, company_id = p.company_id
          FROM res_users u, res_partner up, res_partner p
         WHERE u.id = l.user_id AND up.id = u.partner_id AND p.id = l.partner_id""")
