"""The statements a sale runs are prepared once per database session and planned once."""
from odoo.tests import tagged
from odoo.tools import SQL

from ..models.sql_expressions import PREPARED_PREFIX, execute
from .common import CustomerViewCommon

# What a sale prepares: its purpose, and how its text starts
STATEMENTS = {"rescoring": "UPDATE res_partner p SET", "first order": "SELECT c.id FROM",
              "suggestions": "SELECT s.id FROM"}


@tagged("post_install", "-at_install")
class TestPreparedStatements(CustomerViewCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.buyers = cls._repeat_buyers(4)
        cls.env["crm.segmentation.run"].create({"n_segments": 2}).action_run()

    def _generic_plans(self):
        """How many times the session ran the generic plans of the statements a sale prepares."""
        self.env.cr.execute(SQL(
            "SELECT statement, generic_plans FROM pg_prepared_statements WHERE starts_with(name, %s)",
            PREPARED_PREFIX))
        rows = self.env.cr.fetchall()
        return {purpose: sum(plans for statement, plans in rows if start in statement)
                for purpose, start in STATEMENTS.items()}

    def test_a_session_is_asked_for_its_statements_once_per_transaction(self):
        statement = SQL("SELECT $1::int + %s", 1)
        with self.registry.cursor() as cr:
            before = cr.sql_log_count
            self.assertEqual(execute(cr, statement, [("int", 41)]).fetchone()[0], 42)
            self.assertEqual(cr.sql_log_count - before, 3)  # asked, prepared, run
            before = cr.sql_log_count
            self.assertEqual(execute(cr, statement, [("int", 1)]).fetchone()[0], 2)
            self.assertEqual(cr.sql_log_count - before, 1)
            cr.rollback()
            # The next transaction may run in another session (a pooler in transaction mode),
            # which does not have the statement: it is asked again, and prepares it.
            cr.execute("DEALLOCATE ALL")
            self.assertEqual(execute(cr, statement, [("int", 2)]).fetchone()[0], 3)
            # a cursor of its own, which wrote nothing
            cr.commit()  # pylint: disable=invalid-commit
            cr.execute("DEALLOCATE ALL")
            self.assertEqual(execute(cr, statement, [("int", 3)]).fetchone()[0], 4)
            cr.rollback()

    def test_without_parameters_a_statement_is_run_as_it_is(self):
        with self.registry.cursor() as cr:
            before = cr.sql_log_count
            self.assertEqual(execute(cr, SQL("SELECT %s::int + 1", 1)).fetchone()[0], 2)
            self.assertEqual(cr.sql_log_count - before, 1)

    def test_the_statements_of_a_sale_run_on_one_plan_made_once(self):
        # Planning these statements took most of their time: PostgreSQL makes a generic plan after
        # five runs, if it costs no more than the plans made for each run.
        buyer = self.buyers[-1]
        before = self._generic_plans()
        for _order in range(8):
            self._confirmed_order(buyer, [(self.product_tea, 1, 100.0)])
        after = self._generic_plans()
        for purpose in STATEMENTS:
            self.assertGreater(after[purpose], before[purpose], purpose)
        self.assertEqual((buyer.rfm_frequency, buyer.rfm_recency_days), (5, 0))

    def test_a_customer_rescored_alone_or_with_others_gets_the_same_figures(self):
        buyers = self.buyers[1:]
        for buyer in buyers:
            self.env["sale.order"].create({
                "partner_id": buyer.id, "order_line": [(0, 0, {"product_id": self.product_cup.id, "price_unit": 999.0,
                                                               "tax_id": [(5,)]})]}).action_confirm()
        figures = ["rfm_frequency", "rfm_monetary", "rfm_r_score", "rfm_f_score", "rfm_m_score", "rfm_score",
                   "last_purchase_date", "first_purchase_date"]
        alone = buyers.read(figures)  # each rescored alone at its confirmation (prepared)
        self.env["res.partner"].invalidate_model(figures)
        self.env.cr.execute(SQL("UPDATE res_partner SET rfm_score = NULL WHERE id = ANY(%s)", buyers.ids))
        self.env["crm.segmentation.run"].sudo()._rescore_rfm(self.env.company, "orders", buyers)  # together
        self.env.invalidate_all()
        self.assertEqual(buyers.read(figures), alone)
        self.assertTrue(all(record["rfm_score"] for record in alone))
