"""The touchpoint timeline: every kind of touch of a customer and its contacts, inbound or
outbound, read set-based and only where the user may read the record; the figures on the
customer, the "not contacted" filter and care-rule trigger."""
from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import CustomerViewCommon

# what the list of the timeline reads
LIST_SPEC = {
    "date": {}, "channel": {}, "direction": {}, "name": {}, "record_name": {}, "res_model": {},
    "partner_id": {"fields": {"display_name": {}}}, "user_id": {"fields": {"display_name": {}}},
}


@tagged("post_install", "-at_install")
class TestTouchpoint(CustomerViewCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_all = new_test_user(
            cls.env, "cuv_touch_all", name="Service lead",
            groups="sales_team.group_sale_manager,account.group_account_invoice,survey.group_survey_user,"
                   "crm_unified_view.group_customer_info_user")
        # sees only their own orders
        cls.seller = new_test_user(
            cls.env, "cuv_touch_seller", name="Own documents seller",
            groups="sales_team.group_sale_salesman,crm_unified_view.group_customer_info_user")
        cls.discussion = cls.env.ref("mail.mt_comment")
        cls.now = fields.Datetime.now()

    # TOOLS
    def _message(self, record, author, days_ago=0, subject="Hello", message_type="email", subtype=None,
                 recipients=None, **values):
        return self.env["mail.message"].create(dict({
            "model": record._name, "res_id": record.id, "author_id": author.id, "message_type": message_type,
            "subtype_id": (subtype or self.discussion).id, "subject": subject, "body": "<p>%s</p>" % subject,
            "date": self.now - timedelta(days=days_ago), "partner_ids": [(6, 0, (recipients or author).ids)],
        }, **values))

    def _touches(self, partner, user=None):
        Touch = self.env["crm.touchpoint"].with_user(user or self.user_all)
        return Touch.search([("commercial_partner_id", "=", partner.commercial_partner_id.id)])

    def _every_kind(self):
        """One touch of each kind for the customer (through its contact where it can be)."""
        staff = self.env.user.partner_id
        self._message(self.customer, self.contact, subject="Inbound inquiry")
        order = self._confirmed_order(self.customer, [(self.product_tea, 1, 100.0)])
        self._message(order, staff, subject="Your quotation", message_type="comment", recipients=self.contact)
        self._message(self.customer, staff, subject="Internal note", message_type="comment",
                      subtype=self.env.ref("mail.mt_note"))
        activity = self.env["mail.activity"].create({
            "res_model_id": self.env["ir.model"]._get_id("res.partner"), "res_id": self.contact.id,
            "activity_type_id": self.env.ref("mail.mail_activity_data_call").id, "summary": "Call back",
            "user_id": self.env.user.id})
        activity.action_feedback(feedback="Called")
        self.env["calendar.event"].create({
            "name": "Tea tasting", "start": self.now - timedelta(days=1), "stop": self.now - timedelta(hours=23),
            "partner_ids": [(6, 0, [self.contact.id, staff.id])]})
        self.env["calendar.event"].create({
            "name": "Next visit", "start": self.now + timedelta(days=3), "stop": self.now + timedelta(days=3, hours=1),
            "partner_ids": [(6, 0, [self.contact.id])]})
        complaint = self.env["crm.complaint"].create({"subject": "Broken cup", "partner_id": self.contact.id})
        invoice = self._posted_invoice(self.customer, 100.0)
        survey = self.env["survey.survey"].create({"title": "How was it?"})
        self.env["survey.user_input"].create({"survey_id": survey.id, "partner_id": self.contact.id, "state": "done"})
        portal = new_test_user(self.env, "cuv_touch_portal", groups="base.group_portal", name="Portal contact")
        portal.partner_id.parent_id = self.customer
        article = self.env["crm.knowledge.article"].sudo().create({"name": "Brewing green tea", "state": "approved"})
        self.env["crm.knowledge.vote"].sudo().create({"article_id": article.id, "user_id": portal.id, "helpful": True})
        return order, complaint, invoice, article

    # TESTS
    def test_timeline_lists_every_kind(self):
        order, complaint, invoice, article = self._every_kind()
        touches = self._touches(self.contact)
        kinds = {(touch.channel, touch.direction) for touch in touches}
        self.assertEqual(kinds, {
            ("email", "inbound"), ("email", "outbound"), ("call", "outbound"), ("meeting", "outbound"),
            ("complaint", "inbound"), ("order", "inbound"), ("invoice", "outbound"), ("survey", "inbound"),
            ("vote", "inbound")})
        self.assertNotIn("Internal note", touches.mapped("name"), "notes are no touch")
        self.assertNotIn("Next visit", touches.mapped("name"), "a meeting to come is no touch yet")
        by_channel = {touch.channel: touch for touch in touches}
        self.assertEqual(by_channel["order"].record_ref, order)
        self.assertEqual(by_channel["complaint"].record_ref, complaint)
        self.assertEqual(by_channel["invoice"].record_ref, invoice)
        self.assertEqual(by_channel["vote"].record_ref, article)
        self.assertEqual(by_channel["call"].partner_id, self.contact)
        inbound = touches.filtered(lambda touch: touch.name == "Inbound inquiry")
        self.assertEqual((inbound.direction, inbound.partner_id, inbound.user_id),
                         ("inbound", self.contact, self.env["res.users"]))
        outbound = touches.filtered(lambda touch: touch.name == "Your quotation")
        self.assertEqual((outbound.direction, outbound.user_id, outbound.record_ref),
                         ("outbound", self.env.user, order))
        self.assertEqual(len(set(touches.ids)), len(touches))
        self.assertEqual(self._touches(self.person), self.env["crm.touchpoint"], "another customer's touches")
        action = by_channel["order"].with_user(self.user_all).action_open_record()
        self.assertEqual((action["res_model"], action["res_id"]), ("sale.order", order.id))
        # the customer's form opens the same timeline
        action = self.customer.with_user(self.user_all).action_view_touchpoints()
        self.assertEqual(self.env["crm.touchpoint"].with_user(self.user_all).search(action["domain"]), touches)

    def test_message_to_two_customers_touches_both(self):
        other = self.env["res.partner"].create({"name": "另一家公司", "is_company": True})
        self._message(self.customer, self.env.user.partner_id, subject="Price list", message_type="comment",
                      recipients=self.contact | self.customer | other)
        mine, theirs = self._touches(self.customer), self._touches(other)
        self.assertEqual(len(mine), 1, "one touch per customer, not per contact")
        self.assertEqual((len(theirs), theirs.direction), (1, "outbound"))
        self.assertNotEqual(mine.id, theirs.id)

    def test_staff_among_themselves_touch_nobody(self):
        colleague = self.user_employee.partner_id
        self._message(colleague, self.env.user.partner_id, subject="Team note", message_type="comment",
                      recipients=colleague)
        self.env["calendar.event"].create({
            "name": "Team meeting", "start": self.now - timedelta(days=1), "stop": self.now - timedelta(hours=23),
            "partner_ids": [(6, 0, [colleague.id, self.env.user.partner_id.id])]})
        Touch = self.env["crm.touchpoint"].with_user(self.user_all)
        self.assertFalse(Touch.search([("name", "in", ("Team note", "Team meeting"))]))

    def _read_timeline(self, partner):
        """What opening the timeline reads: the list's first page and the customer's figures."""
        self.env.invalidate_all()
        action = partner.with_user(self.user_all).action_view_touchpoints()
        page = self.env["crm.touchpoint"].with_user(self.user_all).web_search_read(
            action["domain"], LIST_SPEC, limit=80)
        partner.with_user(self.user_all).read(["touch_count_90d", "touch_channel_summary", "days_since_last_touch"])
        return page

    def test_query_count_does_not_grow_with_touches(self):
        customers = self.env["res.partner"].create([{"name": "%d次" % count, "is_company": True}
                                                    for count in (10, 100, 300)])
        staff = self.env.user.partner_id
        for customer, count in zip(customers, (10, 100, 300)):
            contact = self.env["res.partner"].create({"name": "联系人", "parent_id": customer.id})
            self.env["mail.message"].create([{
                "model": "res.partner", "res_id": customer.id, "message_type": "email",
                "author_id": (contact if index % 2 else staff).id, "partner_ids": [(6, 0, contact.ids)],
                "subtype_id": self.discussion.id, "subject": "Mail %d" % index,
                "date": self.now - timedelta(days=30 + index % 200)} for index in range(count)])
            # the newest touches, of every other model, on the first page in every case
            self._confirmed_order(customer, [(self.product_cup, 1, 10.0)])
            self._posted_invoice(customer, 10.0)
            self.env["crm.complaint"].create({"subject": "Late", "partner_id": contact.id})
        few, many, more = customers
        self._read_timeline(few)  # warm-up
        before = self.cr.sql_log_count
        page = self._read_timeline(few)
        queries = self.cr.sql_log_count - before
        self.assertGreaterEqual(page["length"], 13)
        # a full page adds the pager's count of all rows: one query
        with self.assertQueryCount(queries + 1):
            page = self._read_timeline(many)
        self.assertEqual(len(page["records"]), 80)
        self.assertGreaterEqual(page["length"], 103)
        with self.assertQueryCount(queries + 1):
            page = self._read_timeline(more)
        self.assertGreaterEqual(page["length"], 303)

    def test_salesperson_sees_only_touches_of_readable_records(self):
        staff = self.env.user.partner_id
        own = self._confirmed_order(self.customer, [(self.product_tea, 1, 100.0)])
        own.user_id = self.seller
        other = self._confirmed_order(self.customer, [(self.product_tea, 1, 900.0)])
        other.user_id = self.user_manager
        self._message(own, self.contact, subject="About my order")
        self._message(other, self.contact, subject="Secret discount")
        self._message(other, staff, subject="Discount offer", message_type="comment", recipients=self.contact)
        self._message(self.customer, self.contact, subject="General question")
        touches = self._touches(self.customer, self.seller)
        self.assertEqual(set(touches.mapped("name")), {own.name, "About my order", "General question"})
        self.assertNotIn(other, touches.mapped("record_ref"))
        # the figures and the filter count only what the user may read
        self.assertEqual(self.customer.with_user(self.seller).touch_count_90d, 3)
        self.assertEqual(self.customer.with_user(self.user_all).touch_count_90d, 6)
        # no invoice rights: no invoice touches, even when the rows are asked for by id
        self._posted_invoice(self.customer, 50.0)
        all_rows = self._touches(self.customer, self.user_all)
        invoice_rows = all_rows.filtered(lambda touch: touch.channel == "invoice")
        self.assertTrue(invoice_rows)
        self.assertFalse(self.env["crm.touchpoint"].with_user(self.seller).search(
            [("id", "in", invoice_rows.ids)]))
        self.assertFalse(self.env["crm.touchpoint"].with_user(self.seller).browse(invoice_rows.ids).exists())

    def test_figures_follow_a_record_rule_on_the_touches(self):
        # an admin hides the touches of one channel from a group: its figures leave them out too
        self._message(self.customer, self.contact, subject="Inbound inquiry")
        self._confirmed_order(self.customer, [(self.product_tea, 1, 100.0)])
        before = self.customer.with_user(self.user_all).touch_count_90d
        self.env["ir.rule"].create({
            "name": "No order touches", "model_id": self.env["ir.model"]._get_id("crm.touchpoint"),
            "domain_force": "[('channel', '!=', 'order')]",
            "groups": [(4, self.env.ref("sales_team.group_sale_manager").id)]})
        self.env.invalidate_all()
        customer = self.customer.with_user(self.user_all)
        self.assertNotIn("order", self._touches(self.customer).mapped("channel"))
        self.assertEqual(customer.touch_count_90d, before - 1)
        self.assertEqual(customer.touch_count_90d, len(self._touches(self.customer)))

    def test_users_without_customer_information_see_no_touches(self):
        self._message(self.customer, self.contact, subject="Inbound inquiry")
        with self.assertRaises(AccessError):
            self.env["crm.touchpoint"].with_user(self.user_employee).search([])
        with self.assertRaises(AccessError):
            self.customer.with_user(self.user_employee).read(["touch_count_90d"])
        with self.assertRaises(AccessError):
            self.env["res.partner"].with_user(self.user_employee).search([("days_since_last_touch", ">=", 90)])

    def test_figures_and_not_contacted_filter(self):
        staff = self.env.user.partner_id
        self._message(self.customer, self.contact, subject="Recent", days_ago=10)
        self._message(self.customer, staff, subject="Old", days_ago=100, message_type="comment",
                      recipients=self.contact)
        self._message(self.customer, staff, subject="Reply", days_ago=20, message_type="comment",
                      recipients=self.contact)
        quiet = self.env["res.partner"].create({"name": "很久没联系", "is_company": True})
        self._message(quiet, staff, subject="Long ago", days_ago=120, message_type="comment", recipients=quiet)
        customer = self.contact.with_user(self.user_all)
        self.assertEqual((customer.touch_count_90d, customer.touch_inbound_90d, customer.touch_outbound_90d),
                         (2, 1, 1))
        self.assertEqual(customer.days_since_last_touch, 10)
        self.assertIn("Email", customer.touch_channel_summary)
        self.assertFalse(self.person.with_user(self.user_all).days_since_last_touch)
        Partner = self.env["res.partner"].with_user(self.user_all)
        candidates = [("id", "in", (self.customer | self.contact | quiet | self.person).ids)]
        self.assertEqual(Partner.search(candidates + [("days_since_last_touch", ">=", 90)]), quiet | self.person,
                         "never touched counts as not contacted")
        self.assertEqual(Partner.search(candidates + [("days_since_last_touch", ">=", 10)]),
                         self.customer | self.contact | quiet | self.person)
        self.assertEqual(Partner.search(candidates + [("days_since_last_touch", ">", 10)]), quiet | self.person)
        self.assertEqual(Partner.search(candidates + [("days_since_last_touch", "<", 30)]),
                         self.customer | self.contact)
        self.assertEqual(Partner.search(candidates + [("days_since_last_touch", "<=", 120)]),
                         self.customer | self.contact | quiet)

    def test_care_rule_not_contacted(self):
        alice, bob = self.env["res.partner"].create([{"name": "阿丽"}, {"name": "阿博"}])
        staff = self.env.user.partner_id
        self._message(alice, staff, subject="Catch-up", days_ago=40, message_type="comment", recipients=alice)
        self._message(bob, bob, subject="Question", days_ago=5)
        rule = self.env["crm.care.rule"].create({
            "name": "Call the quiet ones", "trigger": "not_contacted", "no_touch_days": 30,
            "action": "account_manager", "user_id": self.seller.id})

        def run(days_ago):
            run = self.env["crm.segmentation.run"].create({
                "date_as_of": self.today - timedelta(days=days_ago), "state": "done"})
            self.env["crm.segmentation.result"].create([{"run_id": run.id, "partner_id": partner.id}
                                                        for partner in (alice, bob)])
            self.env["crm.care.rule"]._apply_run(run)

        def entered():
            return rule.firing_ids.filtered(lambda firing: not firing.left_run_id).partner_id

        run(15)  # alice was contacted 25 days before; bob not yet
        self.assertEqual(entered(), bob)
        run(0)
        self.assertEqual(entered(), alice, "alice quiet for 40 days enters, bob who wrote 5 days ago leaves")
        run(0)
        self.assertEqual(len(rule.firing_ids.filtered(lambda firing: firing.partner_id == alice)), 1,
                         "once per entry")
        self.assertEqual(alice.user_id, self.seller)
        with self.assertRaises(ValidationError):
            rule.no_touch_days = -5
