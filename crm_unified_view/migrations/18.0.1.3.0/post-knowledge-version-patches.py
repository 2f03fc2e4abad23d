"""18.0.1.3.0: article versions kept their whole text; they now keep Odoo's patch back to it.

Each version's patch goes from the text that followed it (the next version's, or the article's
for the newest) back to its own, as a save makes it now; then the column of whole texts goes.
"""
from odoo.tools.sql import column_exists

from odoo.addons.web_editor.models.diff_utils import generate_patch


def migrate(cr, version):
    if not version or not column_exists(cr, "crm_knowledge_version", "body"):
        return
    cr.execute("""SELECT v.id, v.article_id, v.body, a.body FROM crm_knowledge_version v
                    JOIN crm_knowledge_article a ON a.id = v.article_id
                   ORDER BY v.article_id, v.id DESC""")
    patches, article_id, newer = [], None, ""
    for version_id, version_article_id, body, article_body in cr.fetchall():
        if version_article_id != article_id:
            article_id, newer = version_article_id, article_body or ""
        patches.append((generate_patch(newer, body or ""), version_id))
        newer = body or ""
    cr.executemany("UPDATE crm_knowledge_version SET patch = %s WHERE id = %s", patches)
    cr.execute("ALTER TABLE crm_knowledge_version DROP COLUMN body")
