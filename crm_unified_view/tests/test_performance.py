"""Reading the Customer 360 list and the complaint counters costs the same queries whatever the history."""
from odoo.tests import tagged, users, warmup

from ..models.res_partner import CUSTOMER_360_FIGURES as FIGURES_VIEW
from .common import CustomerViewCommon
from .service_common import ServiceCommon

CUSTOMER_COUNT = 80


@tagged("post_install", "-at_install")
class TestCustomer360Performance(CustomerViewCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_manager.groups_id += cls.env.ref("account.group_account_readonly")
        cls.customers = cls.env["res.partner"].create([
            {"name": "客户 %02d" % index, "is_company": True} for index in range(CUSTOMER_COUNT)])
        cls._add_orders(1)
        cls.list_view = cls.env.ref("crm_unified_view.res_partner_view_list_customer_360")

    @classmethod
    def _add_orders(cls, count):
        for customer in cls.customers:
            for index in range(count):
                cls._confirmed_order(customer, [(cls.product_tea, 1, 100.0), (cls.product_cup, 2, 10.0)],
                                     days_ago=index * 7)

    def _read_list(self):
        """Read the 80 customers as the web client's list does; return the number of queries."""
        Partner = self.env["res.partner"].with_user(self.user_manager)
        spec = {fname: {} for fname in Partner.get_views([(self.list_view.id, "list")])["models"]["res.partner"]["fields"]}
        for many2one in ("user_id", "country_id", "report_currency_id"):
            spec[many2one] = {"fields": {"display_name": {}}}
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        result = Partner.web_search_read([("id", "in", self.customers.ids)], spec)
        self.assertEqual(result["length"], CUSTOMER_COUNT)
        self.assertTrue(all(record["confirmed_order_count"] for record in result["records"]))
        return self.env.cr.sql_log_count - before

    @warmup
    @users("cuv_manager")
    def test_list_query_count(self):
        # 12: the NPV column reads the customers' lines of the company's latest run (found in the same query)
        with self.assertQueryCount(cuv_manager=12):
            self._read_list()

    def _read_form(self, customer, view_ref=None):
        """Open ``customer``'s form as the web client does (its view, then every field of it), or
        with ``view_ref`` another form view of it; return the values and the number of queries."""
        Partner = self.env["res.partner"].with_user(self.user_manager).with_context(form_view_ref=view_ref)
        spec = {fname: {} for fname in Partner.get_views([(False, "form")])["models"]["res.partner"]["fields"]}
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        Partner.get_views([(False, "form")])
        values = customer.with_env(Partner.env).web_read(spec)[0]
        return values, self.env.cr.sql_log_count - before

    def _open_customer_360(self, customer):
        """Open ``customer``'s form, then its Customer 360 page (the figures view read by the
        page's widget); return the number of queries of both."""
        form, form_queries = self._read_form(customer)
        figures, figure_queries = self._read_form(customer, FIGURES_VIEW)
        self.assertNotIn("confirmed_order_count", form)  # the form itself does not sum the orders
        self.assertTrue(figures["confirmed_order_count"])
        return form_queries + figure_queries

    def test_form_query_count_is_independent_of_order_history(self):
        customer = self.customers[0]
        self._open_customer_360(customer)  # warm the caches of views and groups
        small_history = self._open_customer_360(customer)
        self._add_orders(3)
        self.assertEqual(self._open_customer_360(customer), small_history)

    def test_the_form_leaves_the_figures_to_its_customer_360_page(self):
        # Every field that is computed when read is on the page's figures view, not on the form:
        # the form reads none of them, the page reads them when it opens.
        Partner = self.env["res.partner"].with_user(self.user_manager)
        form = set(Partner.get_views([(False, "form")])["models"]["res.partner"]["fields"])
        figures = set(Partner.with_context(form_view_ref=FIGURES_VIEW).get_views(
            [(False, "form")])["models"]["res.partner"]["fields"])
        figure_fields = {"confirmed_order_count", "sales_revenue", "touch_count_90d", "overdue_amount",
                         "segment_id", "customer_profit", "expected_profit_365", "cross_sell_suggestion_ids",
                         "segmentation_result_ids", "complaint_ids", "open_complaint_count"}
        self.assertLessEqual(figure_fields, figures)
        self.assertFalse(figure_fields & form)
        self.assertIn("date_last_verified", form)  # what the user edits stays on the form
        self.assertIn("consent_ids", form)

    @users("cuv_manager")
    def test_describing_the_fields_runs_no_query(self):
        # The web client describes every field of a view (sortable, groupable): the figures read
        # through the latest run's line must not look the run up once per field.
        Partner = self.env["res.partner"]
        Partner.fields_get()
        with self.assertQueryCount(cuv_manager=0):
            Partner.fields_get()

    def test_list_query_count_is_independent_of_order_history(self):
        self._read_list()  # warm the caches of views and groups
        small_history = self._read_list()
        self._add_orders(3)
        large_history = self._read_list()
        self.assertEqual(small_history, large_history)


@tagged("post_install", "-at_install")
class TestComplaintCounterPerformance(ServiceCommon):
    """Complaint counters are counted on read: the same queries whatever the number of complaints."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customers = cls.env["res.partner"].create([
            {"name": "投诉客户 %02d" % index, "is_company": True} for index in range(CUSTOMER_COUNT)])
        cls.contacts = cls.env["res.partner"].create([
            {"name": "联系人 %02d" % index, "parent_id": customer.id} for index, customer in enumerate(cls.customers)])
        cls._add_complaints(1)

    @classmethod
    def _add_complaints(cls, count):
        cls.env["crm.complaint"].create([
            {"subject": "投诉 %d" % index, "partner_id": contact.id, "channel": "phone"}
            for contact in cls.contacts for index in range(count)])

    def _read_counters(self):
        """Read the counters of the 80 customers and their contacts as a list does; return the queries."""
        Partner = self.env["res.partner"].with_user(self.user_agent)
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        result = Partner.web_search_read([("id", "in", (self.customers | self.contacts).ids)],
                                         {"complaint_count": {}, "open_complaint_count": {}})
        self.assertEqual(result["length"], 2 * CUSTOMER_COUNT)
        self.assertTrue(all(record["complaint_count"] for record in result["records"]))
        return self.env.cr.sql_log_count - before

    @warmup
    @users("cuv_agent")
    def test_counter_query_count(self):
        with self.assertQueryCount(cuv_agent=4):
            self._read_counters()

    def test_counter_query_count_is_independent_of_complaints(self):
        self._read_counters()  # warm the caches of groups and rules
        few = self._read_counters()
        self._add_complaints(3)
        self.assertEqual(self._read_counters(), few)
        self.assertEqual(self.customers[0].with_user(self.user_agent).complaint_count, 4)
