"""Lifecycle over every commercial partner: stages of leads, web-form and imported contacts, the
first contact and first response, the stage history and the funnel read from it."""
from datetime import date, timedelta

from psycopg2 import IntegrityError

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from .common import CustomerViewCommon


@tagged("post_install", "-at_install")
class TestLifecycle(CustomerViewCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.buyers = cls._repeat_buyers(3)
        cls.vendor = cls.env["res.partner"].create({"name": "供应商", "is_company": True, "supplier_rank": 1})
        cls.plain = cls.env["res.partner"].create({"name": "普通联系人"})
        # a visitor's complaint through the web form, linked to a new partner once the address is confirmed
        cls.web_complaint = cls.env["crm.complaint"].sudo().create({
            "subject": "包装破损", "contact_name": "赵敏", "email_from": "zhaomin@visitor.example.com",
            "channel": "web", "description": "<p>收到的茶叶包装破损。</p>"})
        cls.web_complaint._confirm_web_email()
        cls.visitor = cls.web_complaint.partner_id

    # TOOLS
    def _run(self, **values):
        run = self.env["crm.segmentation.run"].create(dict({"n_segments": 2}, **values))
        run.action_run()
        return run

    def _message(self, record, author, hours_ago, message_type="comment", subtype="mail.mt_comment", **values):
        return self.env["mail.message"].create(dict({
            "model": record._name, "res_id": record.id, "author_id": author.id, "message_type": message_type,
            "subtype_id": self.env.ref(subtype).id, "body": "…",
            "date": fields.Datetime.now() - timedelta(hours=hours_ago)}, **values))

    def _backdate(self, record, hours_ago):
        self.env.flush_all()
        self.env.cr.execute("UPDATE %s SET create_date = %%s WHERE id = %%s" % record._table,
                            (fields.Datetime.now() - timedelta(hours=hours_ago), record.id))
        record.invalidate_recordset()

    # TESTS
    def test_a_company_without_buyers_gets_its_stages(self):
        """A company starting out, with leads and contacts but fewer buyers than segments."""
        start_up = self.env["res.company"].create({"name": "初创公司"})
        self.env.user.company_ids |= start_up
        lead_partner = self.env["res.partner"].create({"name": "初创线索", "company_id": start_up.id})
        self.env["crm.lead"].create({"name": "询价", "partner_id": lead_partner.id, "company_id": start_up.id})
        contact = self.env["res.partner"].create({"name": "初创联系人", "company_id": start_up.id})
        run = self.env["crm.segmentation.run"].with_company(start_up).create(
            {"n_segments": 2, "company_id": start_up.id})
        run.action_run()
        self.assertEqual(run.state, "done")
        self.assertEqual(run.buyer_count, 0)
        self.assertFalse(run.segment_ids, "no segment without buyers")
        self.assertEqual(lead_partner.with_company(start_up).lifecycle_stage, "first_contact")
        self.assertEqual(contact.with_company(start_up).lifecycle_stage, "prospect")

    def test_every_commercial_partner_enters_the_run(self):
        lead_partner = self.env["res.partner"].create({"name": "线索客户", "is_company": True})
        self.env["crm.lead"].create({"name": "询价", "partner_id": lead_partner.id})
        imported = self._import_contact("导入客户")
        run = self._run()
        in_run = run.result_ids.partner_id
        self.assertEqual(lead_partner.lifecycle_stage, "first_contact", "a lead without order")
        self.assertEqual(self.visitor.lifecycle_stage, "first_contact", "a web-form complaint")
        self.assertEqual(imported.lifecycle_stage, "prospect", "an untouched imported contact")
        self.assertEqual(self.plain.lifecycle_stage, "prospect", "a plain contact")
        self.assertEqual(self.customer.lifecycle_stage, "prospect")
        self.assertLessEqual(lead_partner | self.visitor | imported | self.plain | self.buyers, in_run)
        self.assertFalse(self.vendor & in_run, "a pure vendor is no customer")
        self.assertFalse(self.env.company.partner_id & in_run, "nor the company itself")
        self.assertFalse(self.user_sales.partner_id & in_run, "nor an internal user")
        # the buyers' figures stay theirs
        self.assertEqual(run.buyer_count, 3)
        self.assertEqual(sum(run.segment_ids.mapped("customer_count")), 3)
        self.assertEqual(self.buyers.mapped("lifecycle_stage"), ["conversion", "retention", "retention"])
        self.assertEqual(run.result_ids.filtered(lambda line: line.partner_id == self.buyers[2]).value_decile, 4)
        self.assertFalse(run.result_ids.filtered(lambda line: line.partner_id == self.plain).value_decile)
        # a vendor we court is a customer to be
        self.env["crm.lead"].create({"name": "采购我们的产品", "partner_id": self.vendor.id})
        self.assertIn(self.vendor, self._run().result_ids.partner_id)
        self.assertEqual(self.vendor.lifecycle_stage, "first_contact")

    def test_first_contact_of_a_lead_and_the_first_response(self):
        partner = self.env["res.partner"].create({"name": "新客户", "is_company": True})
        contact = self.env["res.partner"].create({"name": "新客户 联系人", "parent_id": partner.id})
        lead = self.env["crm.lead"].create({"name": "询价", "partner_id": contact.id})
        # right after the lead is created, on the company
        self.assertEqual((partner.first_contact_channel, partner.first_contact_ref), ("lead", lead))
        self.assertEqual(partner.first_contact_date, lead.create_date)
        self.assertFalse(partner.first_response_hours)
        self.assertFalse(contact.first_contact_channel, "kept on the commercial partner")
        self._backdate(lead, 10)
        # a note, the customer's own message and a message by a portal user answer nothing
        self._message(lead, self.user_sales.partner_id, 9, subtype="mail.mt_note")
        self._message(lead, contact, 8, message_type="email")
        portal = new_test_user(self.env, "cuv_portal_lifecycle", groups="base.group_portal")
        self._message(lead, portal.partner_id, 7)
        self._message(lead, self.user_sales.partner_id, 12, message_type="email")  # before the contact
        self.env["res.partner"]._update_first_contacts(partner.ids)
        self.assertFalse(partner.first_response_hours)
        self._message(lead, self.user_sales.partner_id, 6.5)
        self.assertAlmostEqual(partner.first_response_hours, 3.5, places=1, msg="at once")
        self._run()
        self.assertEqual(partner.first_contact_ref, lead)
        self.assertAlmostEqual(partner.first_response_hours, 3.5, places=1)

    def test_a_run_gives_buyers_their_first_order_as_first_contact(self):
        buyer = self.buyers[2]  # three orders, the first 54 days ago
        buyer.write({"first_contact_date": False, "first_contact_channel": False, "first_contact_ref": False})
        first_order = self.env["sale.order"].search([("partner_id", "=", buyer.id)], order="date_order, id", limit=1)
        # imported today, after its orders: a run leaves a first contact it did not find alone
        imported_on = fields.Datetime.now()
        self.buyers[1].write({"first_contact_date": imported_on, "first_contact_channel": "import",
                              "first_contact_ref": False})
        run = self._run()
        self.assertEqual((buyer.first_contact_channel, buyer.first_contact_ref), ("order", first_order))
        self.assertEqual(buyer.first_contact_date, first_order.date_order)
        self.assertEqual((self.buyers[1].first_contact_channel, self.buyers[1].first_contact_date),
                         ("import", imported_on), "a customer with a first contact keeps it")
        self.assertEqual(buyer.rfm_frequency, 3, "and the run's figures are written with it")
        self.assertIn(buyer, run.result_ids.partner_id)

    def test_the_first_order_is_the_earliest_of_every_contact_the_lowest_id_on_one_date(self):
        buyer = self.buyers[1]
        buyer.write({"first_contact_date": False, "first_contact_channel": False, "first_contact_ref": False})
        contact = self.env["res.partner"].create({"name": "采购 王芳", "parent_id": buyer.id})
        by_contact = self._confirmed_order(contact, [(self.product_tea, 1, 80.0)])
        by_company = self._confirmed_order(buyer, [(self.product_tea, 1, 90.0)])
        cancelled = self._confirmed_order(contact, [(self.product_tea, 1, 70.0)])
        cancelled._action_cancel()
        # one moment to the microsecond for the two counted orders, the cancelled one a day before
        moment = fields.Datetime.now().replace(microsecond=0) - timedelta(days=400, microseconds=-123456)
        self.env.flush_all()
        self.env.cr.execute("UPDATE sale_order SET date_order = %s WHERE id IN %s",
                            (moment, (by_contact.id, by_company.id)))
        self.env.cr.execute("UPDATE sale_order SET date_order = %s WHERE id = %s",
                            (moment - timedelta(days=1), cancelled.id))
        self.env["sale.order"].invalidate_model(["date_order"])
        self._run()
        self.assertEqual((buyer.first_contact_channel, buyer.first_contact_ref), ("order", by_contact),
                         "the order of lower id, placed by a contact, not the cancelled one before it")
        self.env.cr.execute("SELECT first_contact_date FROM res_partner WHERE id = %s", [buyer.id])
        self.assertEqual(self.env.cr.fetchone()[0], moment, "its date to the microsecond")
        self.assertFalse(contact.first_contact_date, "a contact's own first contact is its company's")

    def test_one_open_stage_per_customer_even_after_an_upgrade(self):
        History = self.env["crm.lifecycle.history"].sudo()  # written by runs only
        customer, company = self.buyers[0], self.env.company
        History.search([("partner_id", "=", customer.id)]).unlink()
        self.env.cr.execute("DROP INDEX crm_lifecycle_history_open_unique")  # as before this release
        older, newer = History.create([
            {"partner_id": customer.id, "company_id": company.id, "stage": stage, "date_from": day}
            for stage, day in (("first_contact", date(2026, 1, 5)), ("conversion", date(2026, 3, 1)))])
        History.init()
        History.invalidate_model()
        self.assertEqual(older.date_to, date(2026, 1, 5), "the older open row closes on its first day")
        self.assertFalse(newer.date_to)
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"), self.env.cr.savepoint():
            History.create({"partner_id": customer.id, "company_id": company.id, "stage": "retention",
                            "date_from": date(2026, 4, 1)})

    def test_first_contact_is_customer_information_on_every_path(self):
        partner = self.env["res.partner"].create({"name": "询价客户", "is_company": True})
        self.env["crm.lead"].create({"name": "询价", "partner_id": partner.id})
        hidden = ["first_contact_date", "first_contact_channel", "first_contact_ref", "first_response_hours"]
        # both may export (Odoo's own right): only the customer information group tells them apart
        employee = new_test_user(self.env, "cuv_exporting_employee", groups="base.group_user,base.group_allow_export")
        informed = new_test_user(self.env, "cuv_exporting_info",
                                 groups="base.group_allow_export,crm_unified_view.group_customer_info_user")
        Partner = self.env["res.partner"].with_user(employee)
        with mute_logger("odoo.models", "odoo.addons.base.models.ir_model"):
            for name in hidden:
                with self.subTest(field=name, path="read"), self.assertRaises(AccessError):
                    partner.with_user(employee).read([name])
                with self.subTest(field=name, path="search"), self.assertRaises(AccessError):
                    Partner.search([(name, "!=", False)])
                with self.subTest(field=name, path="export"), self.assertRaises(AccessError):
                    partner.with_user(employee).export_data([name])
                with self.subTest(field=name, path="group"), self.assertRaises(AccessError):
                    Partner.read_group([], [name], [name])
        self.assertNotIn("first_contact_channel", Partner.fields_get(hidden))
        as_info = self.env["res.partner"].with_user(informed)
        self.assertEqual(as_info.search([("first_contact_channel", "=", "lead"), ("id", "=", partner.id)]), partner)
        self.assertEqual(partner.with_user(informed).export_data(["first_contact_channel"])["datas"],
                         [["Lead / Opportunity"]])

    def test_first_contact_of_a_complaint_an_import_an_email_and_an_activity(self):
        self.assertEqual(self.visitor.first_contact_channel, "website")
        self.assertEqual(self.visitor.first_contact_ref, self.web_complaint)
        self.assertEqual(self.visitor.first_contact_date, self.web_complaint.date_received)
        imported = self._import_contact("导入客户")
        self.assertEqual(imported.first_contact_channel, "import")
        self.assertTrue(imported.first_contact_date)
        self.assertFalse(imported.first_contact_ref)
        # an email of the customer, answered by a done activity (a call) two hours later
        email = self._message(self.person, self.person, 5, message_type="email")
        call = self._message(self.person, self.user_sales.partner_id, 3, message_type="notification",
                             subtype="mail.mt_activities",
                             mail_activity_type_id=self.env.ref("mail.mail_activity_data_call").id)
        self._run()
        self.assertEqual((self.person.first_contact_channel, self.person.first_contact_ref), ("email", email))
        self.assertAlmostEqual(self.person.first_response_hours, 2.0, places=1)
        # the import stays the first contact of an imported customer who writes later
        self._message(imported, imported, -1, message_type="email")
        self._run()
        self.assertEqual(imported.first_contact_channel, "import")
        self.assertEqual(self.plain.first_contact_channel, False, "nobody was in touch")
        self.assertTrue(call)

    def test_history_one_row_per_stage_change(self):
        History = self.env["crm.lifecycle.history"].sudo()  # written by runs only
        today = self.today
        lead_partner = self.env["res.partner"].create({"name": "线索客户", "is_company": True,
                                                       "user_id": self.user_sales.id})
        first = self._run(date_as_of=today - timedelta(days=30))
        rows = History.search([("partner_id", "=", lead_partner.id)])
        self.assertEqual([(row.stage, row.date_from, row.date_to, row.run_id, row.user_id) for row in rows],
                         [("prospect", today - timedelta(days=30), False, first, self.user_sales)])
        self.assertEqual(History.search_count([("run_id", "=", first.id)]), len(first.result_ids))
        self.env["crm.lead"].create({"name": "询价", "partner_id": lead_partner.id})
        second = self._run()
        rows = History.search([("partner_id", "=", lead_partner.id)], order="date_from")
        self.assertEqual([(row.stage, row.date_from, row.date_to, row.next_stage, row.run_id) for row in rows], [
            ("prospect", today - timedelta(days=30), today, "first_contact", first),
            ("first_contact", today, False, False, second)])
        self.assertFalse(History.search([("run_id", "=", second.id), ("partner_id", "in", self.buyers.ids)]),
                         "no row for an unchanged stage")
        # a second run of the day replaces the stage it found that day
        self._confirmed_order(lead_partner, [(self.product_tea, 1, 100.0)])
        third = self._run()
        self.assertEqual(rows.exists().mapped("stage"), ["prospect", "redevelopment"], "bought, opportunity open")
        self.assertEqual((rows[0].next_stage, rows[1].run_id), ("redevelopment", third))
        # a back-test writes none
        count = History.search_count([])
        self._run(date_as_of=today - timedelta(days=10))
        self.assertEqual(History.search_count([]), count)
        # deleting the latest run undoes its stages; pruning an older one keeps the history
        third.unlink()
        self.assertEqual(rows.exists(), rows[0])
        self.assertEqual((rows[0].date_to, rows[0].next_stage), (False, False))
        fourth = self._run()
        first.unlink()
        self.assertEqual(History.search([("partner_id", "=", lead_partner.id)], order="date_from").mapped("stage"),
                         ["prospect", "redevelopment"])
        self.assertFalse(rows[0].run_id)
        self.assertTrue(fourth)

    def test_funnel_figures_of_a_hand_made_history(self):
        partners = self.env["res.partner"].create([{"name": name} for name in "ABCDEF"])
        a, b, c, d, e, f = partners
        a.user_id = self.user_sales
        company = self.env.company.id

        def row(partner, stage, start, end=None, next_stage=None, user=None):
            return {"partner_id": partner.id, "company_id": company, "stage": stage, "date_from": start,
                    "date_to": end, "next_stage": next_stage, "user_id": user and user.id}
        day = date(2026, 1, 1)
        self.env["crm.lifecycle.history"].sudo().create([
            row(a, "prospect", day, day + timedelta(10), "first_contact", self.user_sales),
            row(a, "first_contact", day + timedelta(10), day + timedelta(30), "conversion", self.user_sales),
            row(a, "conversion", day + timedelta(30), user=self.user_sales),
            row(b, "prospect", day + timedelta(4), day + timedelta(24), "first_contact", self.user_sales),
            row(b, "first_contact", day + timedelta(24)),
            row(c, "prospect", day + timedelta(9), day + timedelta(39), "conversion"),  # skips a stage
            row(c, "conversion", day + timedelta(39), day + timedelta(67), "retention"),
            row(c, "retention", day + timedelta(67)),
            row(d, "prospect", day + timedelta(31)),
            row(e, "retention", day, day + timedelta(31), "redevelopment"),
            row(e, "redevelopment", day + timedelta(31)),
            row(f, "conversion", day, day + timedelta(7), "first_contact"),  # back: no conversion
        ])
        measures = ["entered:sum", "current:sum", "converted:sum", "conversion_rate:avg", "median_days:avg",
                    "days_in_stage:avg"]
        Funnel = self.env["crm.lifecycle.funnel"]
        figures = {group["stage"]: (group["entered"], group["current"], group["converted"],
                                    round(group["conversion_rate"], 2), group["median_days"])
                   for group in Funnel.read_group([], measures, ["stage"])}
        self.assertEqual(list(figures), ["prospect", "first_contact", "conversion", "retention", "redevelopment"],
                         "in funnel order")
        self.assertEqual(figures, {
            "prospect": (4, 1, 3, 75.0, 20.0),
            "first_contact": (2, 1, 1, 50.0, 20.0),
            "conversion": (3, 1, 1, 33.33, 17.5),
            "retention": (2, 1, 1, 50.0, 31.0),
            "redevelopment": (1, 1, 0, 0.0, False),
        })
        everyone = Funnel.read_group([], measures, [])[0]
        self.assertEqual((everyone["entered"], everyone["converted"]), (12, 6))
        self.assertEqual(everyone["median_days"], 20.0)  # of 7, 10, 20, 20, 28, 30, 31
        self.assertAlmostEqual(everyone["days_in_stage"], (10 + 20 + 20 + 30 + 28 + 31 + 7) / 7, places=4)
        by_month = {(group["stage"], group["month:month"]): group["entered"]
                    for group in Funnel.read_group([], measures, ["stage", "month:month"], lazy=False)}
        self.assertEqual((by_month[("prospect", "January 2026")], by_month[("prospect", "February 2026")]), (3, 1))
        mine = Funnel.read_group([("stage", "=", "prospect"), ("user_id", "=", self.user_sales.id)],
                                 measures, ["user_id"])
        self.assertEqual((mine[0]["entered"], mine[0]["conversion_rate"], mine[0]["median_days"]), (2, 100.0, 15.0))
        # a salesperson without all-customer rights reads the customers they had when the stage began,
        # and unassigned ones; the history, those they have now and unassigned ones
        seller = new_test_user(self.env, "cuv_funnel_seller",
                               groups="sales_team.group_sale_salesman,crm_unified_view.group_customer_info_user")
        b.user_id = seller
        total = Funnel.with_user(seller).read_group([], measures, [])[0]
        self.assertEqual(total["entered"], 12 - 4)
        self.assertFalse(Funnel.with_user(seller).search([("user_id", "=", self.user_sales.id)]))
        self.assertEqual(self.env["crm.lifecycle.history"].with_user(seller).search([]).partner_id, partners - a)

    def test_first_response_as_the_salesperson_answers(self):
        partner = self.env["res.partner"].create({"name": "来询客户", "email": "ask@customer.example.com"})
        lead = self.env["crm.lead"].create({"name": "询价", "partner_id": partner.id, "user_id": self.user_sales.id})
        self._backdate(lead, 2)
        self.env["res.partner"]._update_first_contacts(partner.ids)
        lead.with_user(self.user_sales).message_post(body="您好，报价见附件。", message_type="comment",
                                                     subtype_xmlid="mail.mt_note")
        self.assertFalse(partner.first_response_hours, "a note is no answer")
        lead.with_user(self.user_sales).message_post(body="您好，报价见附件。", message_type="comment",
                                                     subtype_xmlid="mail.mt_comment", partner_ids=partner.ids)
        self.assertAlmostEqual(partner.first_response_hours, 2.0, places=1)
        # an email from somebody new is their first contact at once
        stranger = self.env["res.partner"].create({"name": "陌生人", "email": "new@stranger.example.com"})
        email = self._message(lead, stranger, 0, message_type="email")
        self.assertEqual((stranger.first_contact_channel, stranger.first_contact_ref), ("email", email))
