"""Cross-selling where sales happen: a quotation offers its customer's suggestions; each one records
whether it was quoted and sold; each segment reports its hit rate."""
from datetime import timedelta

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, new_test_user, tagged

from .common import CustomerViewCommon


class QuotationSuggestionCommon(CustomerViewCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.product_pot = cls._create_product(name="Teapot", lst_price=80.0, taxes_id=[Command.clear()])
        cls.product_gone = cls._create_product(name="Old tin", lst_price=5.0, taxes_id=[Command.clear()])
        cls.product_gone.active = False
        cls.product_service = cls._create_product(name="Tasting fee", lst_price=5.0, sale_ok=False,
                                                  taxes_id=[Command.clear()])
        cls.seg_run = cls.env["crm.segmentation.run"].create({"transaction_source": "orders", "state": "done"})
        cls.segment = cls.env["crm.segment"].create({"run_id": cls.seg_run.id, "name": "常客"})
        cls.env["crm.segmentation.result"].create({
            "run_id": cls.seg_run.id, "partner_id": cls.customer.id, "segment_id": cls.segment.id})
        cls.env["crm.segmentation.result"].create({
            "run_id": cls.seg_run.id, "partner_id": cls.person.id, "segment_id": cls.segment.id})
        Suggestion = cls.env["crm.segmentation.suggestion"]
        cls.suggestions = {
            product: Suggestion.create({"run_id": cls.seg_run.id, "partner_id": cls.customer.id,
                                        "product_id": product.id, "rank": rank, "share": 0.5})
            for rank, product in enumerate(
                [cls.product_pot, cls.product_cup, cls.product_gone, cls.product_service], start=1)}
        cls.suggestion_person = Suggestion.create({
            "run_id": cls.seg_run.id, "partner_id": cls.person.id, "product_id": cls.product_pot.id, "rank": 1})
        for partner in (cls.customer, cls.person):
            partner.with_company(cls.env.company).sudo().segmentation_run_id = cls.seg_run
        cls.user_salesman = new_test_user(
            cls.env, "cuv_quote_salesman", groups="sales_team.group_sale_salesman", name="Own documents salesperson")

    def _quotation(self, user, partner=None):
        return self.env["sale.order"].with_user(user).create({"partner_id": (partner or self.contact).id})


@tagged("post_install", "-at_install")
class TestQuotationSuggestions(QuotationSuggestionCommon):

    def test_quotation_offers_saleable_unbought_products(self):
        order = self._quotation(self.user_salesman)
        self.assertEqual(order.cross_sell_suggestion_ids.product_id, self.product_pot | self.product_cup,
                         "no archived or unsaleable product")
        # bought since the run: offered no more, on the quotation nor on the customer
        self._confirmed_order(self.customer, [(self.product_cup, 1, 10.0)])
        order.invalidate_recordset()
        self.assertEqual(order.cross_sell_suggestion_ids.product_id, self.product_pot)
        self.assertEqual(self.customer.with_user(self.user_sales).cross_sell_suggestion_ids.product_id,
                         self.product_pot)

    def _offered_after_unmarked_order(self, days_ago=0, company=None, user=None):
        """What the customer is offered after buying the cup ``days_ago`` days ago (in ``company``), by a
        path that does not mark the suggestions sold (an import, another company's order)."""
        if company:
            order = self.env["sale.order"].with_company(company).create({
                "partner_id": self.contact.id, "company_id": company.id,
                "order_line": [Command.create({"product_id": self.product_cup.id, "price_unit": 10.0,
                                               "tax_id": [Command.clear()]})]})
            order.action_confirm()
        else:
            self._confirmed_order(self.contact, [(self.product_cup, 1, 10.0)], days_ago=days_ago)
        self.suggestions[self.product_cup].is_sold = False
        self.env.invalidate_all()
        return self.customer.with_user(user or self.user_sales).cross_sell_suggestion_ids.product_id

    def test_bought_since_the_run_without_marking_is_not_offered(self):
        self.seg_run.date_as_of = self.today - timedelta(days=10)
        self.assertEqual(self._offered_after_unmarked_order(days_ago=5), self.product_pot)

    def test_bought_before_the_run_is_the_runs_business(self):
        # the run on orders already left out what was bought up to its day: older orders are not read again
        self.seg_run.date_as_of = self.today - timedelta(days=10)
        self.assertEqual(self._offered_after_unmarked_order(days_ago=30), self.product_pot | self.product_cup)

    def test_run_on_invoices_hides_products_ordered_before_it(self):
        # a run on invoices did not see confirmed orders not invoiced yet (its suggestions are for invoicing users)
        self.seg_run.write({"date_as_of": self.today - timedelta(days=10), "transaction_source": "invoices"})
        user = new_test_user(self.env, "cuv_quote_invoicing",
                             groups="sales_team.group_sale_salesman_all_leads,account.group_account_invoice")
        self.assertEqual(self._offered_after_unmarked_order(days_ago=30, user=user), self.product_pot)

    def test_purchase_from_another_company_does_not_hide_the_suggestion(self):
        other = self.env["res.company"].create({"name": "乙公司"})
        self.env.user.company_ids |= other
        self.assertEqual(self._offered_after_unmarked_order(company=other), self.product_pot | self.product_cup)

    def test_product_on_the_order_is_not_offered_again(self):
        order = self._quotation(self.user_salesman)
        order.write({"order_line": [Command.create({"product_id": self.product_pot.id})]})
        self.assertEqual(order.cross_sell_suggestion_ids.product_id, self.product_cup)

    def test_add_suggestion_then_sell_it(self):
        order = self._quotation(self.user_salesman)
        suggestion = self.suggestions[self.product_pot]
        suggestion.with_user(self.user_salesman).with_context(cuv_order_id=order.id).action_add_to_order()
        self.assertEqual(order.order_line.product_id, self.product_pot)
        self.assertEqual((suggestion.is_quoted, suggestion.is_sold), (True, False))
        self.assertFalse(self.suggestion_person.is_quoted, "another customer's suggestion is untouched")
        order.with_user(self.user_salesman).action_confirm()
        self.assertEqual((suggestion.is_quoted, suggestion.is_sold), (True, True))
        self.assertFalse(self.suggestions[self.product_cup].is_quoted)

    def test_order_line_typed_by_hand_counts_too(self):
        self._confirmed_order(self.contact, [(self.product_cup, 2, 10.0)])
        self.assertEqual((self.suggestions[self.product_cup].is_quoted, self.suggestions[self.product_cup].is_sold),
                         (True, True))

    def test_salesperson_cannot_add_to_an_order_of_someone_else(self):
        order = self._quotation(self.user_manager)
        order.user_id = self.user_manager
        with self.assertRaises(AccessError):
            self.suggestions[self.product_pot].with_user(self.user_salesman).with_context(
                cuv_order_id=order.id).action_add_to_order()
        self.assertFalse(order.order_line)

    def test_suggestion_of_another_customer_is_not_added(self):
        order = self._quotation(self.user_sales, partner=self.person)
        with self.assertRaises(UserError):
            self.suggestions[self.product_pot].with_user(self.user_sales).with_context(
                cuv_order_id=order.id).action_add_to_order()

    def test_segment_hit_rate(self):
        self._confirmed_order(self.contact, [(self.product_pot, 1, 80.0)])
        self._quotation(self.user_sales).write({"order_line": [Command.create({"product_id": self.product_cup.id})]})
        segment = self.segment.with_user(self.user_manager)
        self.assertEqual((segment.suggestion_count, segment.suggestion_quoted_count, segment.suggestion_sold_count),
                         (5, 2, 1))
        self.assertAlmostEqual(segment.suggestion_hit_rate, 20.0)
        self.assertEqual(self.segment.with_user(self.user_sales).suggestion_hit_rate, 20.0)


@tagged("post_install", "-at_install")
class TestQuotationSuggestionTour(QuotationSuggestionCommon, HttpCase):

    def test_add_suggestion_tour(self):
        order = self._quotation(self.user_sales)
        self.start_tour("/odoo/action-sale.action_quotations/%s" % order.id, "crm_unified_view_quotation_suggestion",
                        login=self.user_sales.login)
        self.assertEqual(order.order_line.product_id, self.product_pot)
        self.assertTrue(self.suggestions[self.product_pot].is_quoted)
