"""A person opens a customer and its Customer 360 in the web client."""
from odoo.tests import HttpCase, tagged

from .common import CustomerViewCommon


@tagged("post_install", "-at_install")
class TestCustomer360Tour(CustomerViewCommon, HttpCase):

    def test_customer_360_tour(self):
        self._confirmed_order(self.customer, [(self.product_tea, 2, 100.0)], days_ago=40)
        self._confirmed_order(self.contact, [(self.product_cup, 5, 10.0)], days_ago=2)
        self._posted_invoice(self.customer, 300.0, days_ago=15)
        admin = self.env.ref("base.user_admin")
        admin.write({
            "company_ids": [(4, self.env.company.id)], "company_id": self.env.company.id,
            "groups_id": [(4, self.env.ref("account.group_account_invoice").id)],
        })
        self.start_tour("/odoo", "crm_unified_view_customer_360", login="admin")
        self.assertEqual(self.customer.date_last_verified, self.today)
