"""Every user-visible term has a Simplified and a Traditional Chinese translation."""
import re
from pathlib import Path

import polib

from odoo.tests import TransactionCase, tagged
from odoo.tools.translate import CodeTranslations

I18N = Path(__file__).resolve().parent.parent / "i18n"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]")
LANGUAGES = ("zh_CN", "zh_TW")


@tagged("post_install", "-at_install")
class TestTranslations(TransactionCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.template = polib.pofile(str(I18N / "crm_unified_view.pot"))

    def test_template_covers_the_new_fields(self):
        msgids = {entry.msgid for entry in self.template}
        fields = self.env["ir.model.fields"].search([
            ("id", "in", self.env["ir.model.data"].search([
                ("module", "=", "crm_unified_view"), ("model", "=", "ir.model.fields")]).mapped("res_id"))])
        self.assertTrue(fields)
        missing = sorted({field.field_description for field in fields} - msgids)
        self.assertFalse(missing, "terms missing from the .pot: regenerate it with tools/cuv.py pot")

    def test_every_term_is_translated(self):
        for lang in LANGUAGES:
            catalog = polib.pofile(str(I18N / ("%s.po" % lang)))
            translated = {entry.msgid: entry.msgstr for entry in catalog if entry.msgstr and not entry.fuzzy}
            # Odoo's reader needs the module of every entry: one without it stops the whole file.
            orphans = [entry.msgid for entry in catalog if not entry.comment.startswith("module: crm_unified_view")]
            self.assertFalse(orphans, "%s: entries without '#. module: crm_unified_view'" % lang)
            missing = [entry.msgid for entry in self.template if entry.msgid not in translated]
            self.assertFalse(missing, "%s: untranslated terms" % lang)
            broken = [entry.msgid for entry in self.template
                      if sorted(PLACEHOLDER.findall(entry.msgid)) != sorted(PLACEHOLDER.findall(translated[entry.msgid]))]
            self.assertFalse(broken, "%s: placeholders differ" % lang)

    def test_every_python_term_is_translated_at_run_time(self):
        # Odoo reads the .po files merged with the .pot: an entry run into the one before it
        # (a damaged merge) loses its translation in code without any error
        # (terms of the web client's code and of the dashboard load through its own translations)
        code_terms = {entry.msgid for entry in self.template
                      if any(occurrence.startswith("code:") and occurrence.endswith(".py")
                             for occurrence, _line in entry.occurrences)}
        self.assertTrue(code_terms)
        for lang in LANGUAGES:
            loaded = CodeTranslations._get_code_translations(
                "crm_unified_view", lang, lambda row: row.get("value") and "odoo-python" in row["comments"])
            self.assertFalse(sorted(code_terms - set(loaded)), "%s: terms in code not translated" % lang)

    def test_translations_load_in_odoo(self):
        for lang, label in (("zh_CN", "客户"), ("zh_TW", "客戶")):
            self.env["res.lang"]._activate_lang(lang)
            self.env["ir.module.module"].search([("name", "=", "crm_unified_view")])._update_translations(lang)
            action = self.env.ref("crm_unified_view.res_partner_action_customer_360").with_context(lang=lang)
            self.assertIn(label, action.name + action.help, lang)
