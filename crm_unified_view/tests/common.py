"""Shared fixtures: users of each role and helpers that build orders and invoices."""
import base64
import io
from datetime import timedelta

import openpyxl

from odoo import Command, fields
from odoo.tests import new_test_user

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

from ..analytics import customer_sheet


class CustomerViewCommon(AccountTestInvoicingCommon):

    @classmethod
    def get_default_groups(cls):
        return super().get_default_groups() | cls.env.ref("crm_unified_view.group_customer_info_manager") \
            | cls.env.ref("sales_team.group_sale_manager")

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.context_today(cls.env.user)
        cls.currency = cls.env.company.currency_id
        # 1 company-currency unit = 2 units of the second currency (rates of 2017 onwards)
        cls.other_currency = cls.setup_other_currency("EUR")
        cls.other_pricelist = cls.env["product.pricelist"].create({
            "name": "Second currency", "currency_id": cls.other_currency.id})
        # No cost: their margin is the run's default share of revenue.
        cls.product_tea = cls._create_product(name="Longjing tea", lst_price=100.0, standard_price=0.0,
                                              taxes_id=[Command.clear()])
        cls.product_cup = cls._create_product(name="Tea cup", lst_price=10.0, standard_price=0.0,
                                              taxes_id=[Command.clear()])

        # ---- users: one per role, lowest permissions ----
        cls.user_info = new_test_user(
            cls.env, "cuv_info",
            groups="base.group_user,base.group_partner_manager,base.group_allow_export,"
                   "crm_unified_view.group_customer_info_user",
            name="Customer info user")
        cls.user_sales = new_test_user(
            cls.env, "cuv_sales",
            groups="sales_team.group_sale_salesman_all_leads,base.group_allow_export,"
                   "crm_unified_view.group_customer_info_user",
            name="Salesperson")
        cls.user_billing = new_test_user(
            cls.env, "cuv_billing", groups="account.group_account_invoice,crm_unified_view.group_customer_info_user",
            name="Billing clerk")
        cls.user_employee = new_test_user(cls.env, "cuv_employee", groups="base.group_user", name="Employee")
        cls.user_manager = new_test_user(
            cls.env, "cuv_manager",
            groups="crm_unified_view.group_customer_info_manager,sales_team.group_sale_manager,"
                   "account.group_account_invoice",
            name="Customer info manager")

        # ---- a company with a contact, and an individual ----
        cls.customer = cls.env["res.partner"].create({
            "name": "杭州西湖茶业有限公司", "is_company": True, "email": "info@xihutea.example.com",
            "country_id": cls.env.ref("base.cn").id, "property_payment_term_id": cls.pay_terms_a.id,
        })
        cls.contact = cls.env["res.partner"].create({
            "name": "王芳", "parent_id": cls.customer.id, "type": "contact", "email": "wangfang@xihutea.example.com",
        })
        cls.person = cls.env["res.partner"].create({
            "name": "李明", "country_id": cls.env.ref("base.cn").id, "property_payment_term_id": cls.pay_terms_a.id})

    # TOOLS
    @classmethod
    def _repeat_buyers(cls, count):
        """``count`` companies, the n-th (from 1) with n tea orders a week apart, the last 40 days ago."""
        buyers = cls.env["res.partner"].create([
            {"name": "买家 %d" % index, "is_company": True, "customer_rank": 1} for index in range(count)])
        for index, buyer in enumerate(buyers):
            for visit in range(index + 1):
                cls._confirmed_order(buyer, [(cls.product_tea, 1, 100.0 * (index + 1))], days_ago=40 + 7 * visit)
        return buyers

    @classmethod
    def _confirmed_order(cls, partner, lines, days_ago=0, pricelist=None):
        """A confirmed order of ``lines`` [(product, quantity, unit price)] placed ``days_ago`` days ago."""
        order = cls.env["sale.order"].create({
            "partner_id": partner.id,
            "pricelist_id": (pricelist or cls.env["product.pricelist"]).id or False,
            "order_line": [Command.create({"product_id": product.id, "product_uom_qty": qty, "price_unit": price,
                                           "tax_id": [Command.clear()]})
                           for product, qty, price in lines],
        })
        order.action_confirm()
        order.date_order = fields.Datetime.now() - timedelta(days=days_ago)
        # Live figures are computed once per request: backdating starts a new one.
        cls.env.invalidate_all()
        return order

    @classmethod
    def _posted_invoice(cls, partner, amount, days_ago=0, move_type="out_invoice"):
        return cls.init_invoice(
            move_type, partner=partner, invoice_date=cls.today - timedelta(days=days_ago),
            amounts=[amount], taxes=[], post=True)

    @classmethod
    def _pay(cls, invoice, days_ago=0):
        return cls.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids,
        ).create({"payment_date": cls.today - timedelta(days=days_ago)})._create_payments()

    def _import_contact(self, name):
        """A contact named ``name`` imported through the import wizard's own template, as a user would."""
        wizard = self.env["crm.customer.import"].with_user(self.user_info).create({})
        wizard.action_download_template()
        book = openpyxl.load_workbook(io.BytesIO(base64.b64decode(wizard.template)))
        data = book.worksheets[0]
        keys = [cell.value for cell in data[2]]
        data.cell(row=customer_sheet.FIRST_DATA_ROW, column=keys.index("name") + 1, value=name)
        buffer = io.BytesIO()
        book.save(buffer)
        wizard.file = base64.b64encode(buffer.getvalue())
        return self.env["res.partner"].browse(wizard.action_import()["domain"][0][2])
