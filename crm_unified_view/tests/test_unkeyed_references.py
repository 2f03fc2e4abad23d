"""The columns a segmentation run fills a row per customer at a time have no foreign key: the ORM
follows the deletions the key would, and the partner merge moves their rows."""
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged
from odoo.tools import SQL

from .common import CustomerViewCommon

UNKEYED = {
    "crm.segmentation.result": ("run_id", "partner_id", "segment_id"),
    "crm.segmentation.suggestion": ("run_id", "partner_id", "product_id"),
    "crm.lifecycle.history": ("partner_id", "company_id", "run_id", "user_id"),
}


@tagged("post_install", "-at_install")
class TestUnkeyedReferences(CustomerViewCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.buyers = cls._repeat_buyers(3)
        cls.salesperson = new_test_user(cls.env, "cuv_unkeyed_seller", groups="sales_team.group_sale_salesman")
        # contacts without orders, so that they may be deleted
        cls.prospect = cls.env["res.partner"].create({"name": "潜在客户", "user_id": cls.salesperson.id})
        cls.duplicate = cls.env["res.partner"].create({"name": "潜在客户（重复）"})
        cls.analysis = cls._new_run()

    @classmethod
    def _new_run(cls):
        run = cls.env["crm.segmentation.run"].create({"n_segments": 2})
        run.action_run()
        return run

    def _rows(self, model, column, ids):
        """The ids of ``model``'s rows whose ``column`` is one of ``ids``, read in SQL."""
        self.env.flush_all()
        self.env.cr.execute(SQL("SELECT id FROM %s WHERE %s = ANY(%s) ORDER BY id",
                                SQL.identifier(self.env[model]._table), SQL.identifier(column), list(ids)))
        return [row[0] for row in self.env.cr.fetchall()]

    def _suggest(self, partner, run=None):
        return self.env["crm.segmentation.suggestion"].create({
            "run_id": (run or self.analysis).id, "partner_id": partner.id, "product_id": self.product_cup.id,
            "rank": 1, "share": 0.5})

    def test_the_columns_have_no_foreign_key_and_the_others_keep_theirs(self):
        def keyed(model, column):
            self.env.cr.execute("""
                SELECT 1 FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY(c.conkey)
                 WHERE c.contype = 'f' AND c.conrelid = %s::regclass AND a.attname = %s
            """, (self.env[model]._table, column))
            return bool(self.env.cr.fetchone())
        for model, columns in UNKEYED.items():
            for column in columns:
                self.assertFalse(keyed(model, column), "%s.%s" % (model, column))
        self.assertTrue(keyed("crm.segment", "run_id"))
        self.assertTrue(keyed("crm.segmentation.run", "company_id"))

    def test_the_tables_a_run_fills_for_every_customer_have_no_foreign_key_at_all(self):
        # nor the audit columns' keys to the users: who ran it and when live on the run
        for model in ("crm.segmentation.result", "crm.segmentation.suggestion"):
            self.env.cr.execute("SELECT conname FROM pg_constraint WHERE contype = 'f' AND conrelid = %s::regclass",
                                [self.env[model]._table])
            self.assertEqual(self.env.cr.fetchall(), [], model)
            self.assertFalse(self.env[model]._log_access, model)

    def test_deleting_a_contact_deletes_its_rows(self):
        self._suggest(self.prospect)
        for model in UNKEYED:
            self.assertTrue(self._rows(model, "partner_id", self.prospect.ids), model)
        prospect_id = self.prospect.id
        self.prospect.unlink()
        for model in UNKEYED:
            self.assertEqual(self._rows(model, "partner_id", [prospect_id]), [], model)
        self.assertEqual(len(self.analysis.result_ids), self.analysis.customer_count - 1)

    def test_deleting_a_run_deletes_its_lines_and_empties_the_history(self):
        later = self._new_run()
        self._suggest(self.prospect)
        history = self._rows("crm.lifecycle.history", "run_id", self.analysis.ids)
        self.assertTrue(history)
        run_id = self.analysis.id
        self.analysis.unlink()
        self.assertEqual(self._rows("crm.segmentation.result", "run_id", [run_id]), [])
        self.assertEqual(self._rows("crm.segmentation.suggestion", "run_id", [run_id]), [])
        self.assertEqual(self._rows("crm.lifecycle.history", "run_id", [run_id]), [])
        kept = self.env["crm.lifecycle.history"].browse(history)
        self.assertEqual(len(kept.exists()), len(history), "the history outlives the run")
        self.assertFalse(kept.run_id)
        self.assertEqual(len(later.result_ids), later.customer_count)

    def test_a_refused_deletion_keeps_the_rows(self):
        lines = self._rows("crm.segmentation.result", "run_id", self.analysis.ids)
        # caught without a savepoint (assertRaises would roll back whatever the deletion wrote)
        try:
            self.analysis.with_user(self.user_sales).unlink()
        except AccessError:
            pass
        else:
            self.fail("a salesperson may not delete a segmentation run")
        self.assertEqual(self._rows("crm.segmentation.result", "run_id", self.analysis.ids), lines)

    def test_deleting_a_segment_empties_the_segment_of_its_customers(self):
        segment = self.analysis.segment_ids[:1]
        members = self.analysis.result_ids.filtered(lambda result: result.segment_id == segment)
        self.assertTrue(members)
        segment.unlink()
        self.assertEqual(len(members.exists()), len(members))
        self.assertFalse(members.segment_id)

    def test_deleting_a_user_empties_the_salesperson_of_the_history(self):
        rows = self.env["crm.lifecycle.history"].browse(
            self._rows("crm.lifecycle.history", "user_id", self.salesperson.ids))
        self.assertEqual(rows.partner_id, self.prospect)
        self.salesperson.unlink()
        self.assertEqual(len(rows.exists()), len(rows))
        self.assertFalse(rows.user_id)

    def test_merging_contacts_moves_their_rows_to_the_one_kept(self):
        suggestion = self._suggest(self.duplicate)
        wizard = self.env["base.partner.merge.automatic.wizard"].create({})
        wizard._merge((self.prospect | self.duplicate).ids, self.prospect)
        self.assertFalse(self.duplicate.exists())
        self.assertEqual(suggestion.partner_id, self.prospect)
        for model in UNKEYED:
            self.assertEqual(self._rows(model, "partner_id", self.duplicate.ids), [], model)
        # one line per customer and run, one open stage per customer: the kept contact's stay
        self.assertEqual(len(self.analysis.result_ids.filtered(lambda result: result.partner_id == self.prospect)), 1)
        self.assertEqual(len(self.env["crm.lifecycle.history"].search(
            [("partner_id", "=", self.prospect.id), ("date_to", "=", False)])), 1)
