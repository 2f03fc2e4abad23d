"""Mailings to a segment's customers sent through Email Marketing, and their response by segment,
as a marketing user, a salesperson and a manager."""
from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from odoo.addons.mass_mailing.tests.common import MassMailCase

from .common import CustomerViewCommon


@tagged("post_install", "-at_install")
class TestCampaignBySegment(CustomerViewCommon, MassMailCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_a = cls.env.company
        cls.company_b = cls.env["res.company"].create({"name": "乙公司 Company B"})
        company_a_only = {"company_id": cls.company_a.id, "company_ids": [(6, 0, cls.company_a.ids)]}
        cls.user_marketing = new_test_user(
            cls.env, "cuv_marketing", groups="mass_mailing.group_mass_mailing_user,sales_team.group_sale_salesman",
            name="Marketing user", company_id=cls.company_a.id,
            company_ids=[(6, 0, (cls.company_a | cls.company_b).ids)])
        cls.user_seller = new_test_user(
            cls.env, "cuv_seller", groups="sales_team.group_sale_salesman,crm_unified_view.group_customer_info_user",
            name="Own-customer salesperson", **company_a_only)
        cls.user_boss = new_test_user(
            cls.env, "cuv_boss", groups="crm_unified_view.group_customer_info_manager,sales_team.group_sale_manager",
            name="Customer manager", **company_a_only)
        Partner = cls.env["res.partner"]
        cls.mine = Partner.create({"name": "张伟", "email": "zhang@example.com", "user_id": cls.user_seller.id})
        cls.theirs = Partner.create({"name": "刘洋", "email": "liu@example.com", "user_id": cls.user_boss.id})
        cls.unassigned = Partner.create({"name": "陈静", "email": "chen@example.com"})
        cls.of_company_b = Partner.create({"name": "乙客户", "email": "yi@example.com",
                                           "company_id": cls.company_b.id})
        # a finished run of company A, its results as a run writes them
        cls.seg_run = cls.env["crm.segmentation.run"].create({"company_id": cls.company_a.id, "state": "done"})
        cls.champions, cls.others = cls.env["crm.segment"].create([
            {"run_id": cls.seg_run.id, "name": "Champions", "sequence": 0},
            {"run_id": cls.seg_run.id, "name": "Others", "sequence": 1}])
        cls.env["crm.segmentation.result"].create([
            {"run_id": cls.seg_run.id, "partner_id": partner.id, "segment_id": segment.id}
            for partner, segment in ((cls.mine, cls.champions), (cls.of_company_b, cls.champions),
                                     (cls.theirs, cls.others), (cls.unassigned, cls.others))])

    # TOOLS
    def _mailing_from(self, records, user, **values):
        wizard = self.env["crm.mailing.create"].with_user(user).with_context(
            active_model=records._name, active_ids=records.ids).create(dict({"subject": "春季新茶"}, **values))
        action = wizard.action_create()
        self.assertEqual((action["res_model"], action["view_mode"]), ("mailing.mailing", "form"))
        return self.env["mailing.mailing"].with_user(user).browse(action["res_id"])

    def _send(self, mailing):
        mailing.body_html = "<p>新茶上市</p>"
        with self.mock_mail_gateway(mail_unlink_sent=False):
            mailing.action_send_mail()
        return self.env["mailing.trace"].search([("mass_mailing_id", "=", mailing.id)])

    # TESTS
    def test_mailing_from_segment_reaches_exactly_its_customers_of_the_company(self):
        mailing = self._mailing_from(self.champions, self.user_marketing)
        self.assertEqual(mailing.state, "draft")
        self.assertEqual(mailing.campaign_id.name, "春季新茶")
        self.assertEqual((mailing.crm_company_id, mailing.segmentation_run_id), (self.company_a, self.seg_run))
        traces = self._send(mailing)
        # the customer of company B in the segment is left out
        self.assertEqual(sorted(traces.mapped("res_id")), self.mine.ids)
        self.assertEqual(traces.mapped("model"), ["res.partner"])
        self.assertEqual(traces.mapped("trace_status"), ["sent"])
        self.assertEqual(traces.campaign_id, mailing.campaign_id)

    def test_mailing_from_results_and_from_customers(self):
        results = self.seg_run.result_ids.filtered(lambda result: result.segment_id == self.others)
        mailing = self._mailing_from(results, self.user_marketing)
        self.assertEqual(sorted(self._send(mailing).mapped("res_id")), sorted((self.theirs | self.unassigned).ids))
        # a selection of contacts: their companies, of the user's company only
        contact = self.env["res.partner"].create({"name": "联系人", "parent_id": self.theirs.id})
        mailing = self._mailing_from(contact | self.of_company_b, self.user_marketing)
        self.assertEqual(mailing.segmentation_run_id, self.seg_run)
        self.assertEqual(self._send(mailing).mapped("res_id"), self.theirs.ids)

    def test_response_by_segment_from_traces_and_orders(self):
        mailing = self._mailing_from(self.champions | self.others, self.user_marketing, response_window_days=3)
        traces = self._send(mailing)
        sent = fields.Datetime.now() - timedelta(days=5)
        traces.write({"sent_datetime": sent})
        by_partner = {trace.res_id: trace for trace in traces}
        by_partner[self.mine.id].set_opened()
        by_partner[self.mine.id].set_clicked()
        by_partner[self.theirs.id].set_replied()
        by_partner[self.unassigned.id].set_bounced()
        within = self._confirmed_order(self.mine, [(self.product_tea, 2, 100.0)], days_ago=3)
        self._confirmed_order(self.mine, [(self.product_tea, 1, 100.0)], days_ago=6)   # before the email
        self._confirmed_order(self.theirs, [(self.product_cup, 1, 10.0)], days_ago=1)  # after the window
        other_company = self._confirmed_order(self.theirs, [(self.product_cup, 3, 10.0)], days_ago=4)
        other_company.company_id = self.company_b
        Response = self.env["crm.campaign.response"].with_user(self.user_marketing)
        figures = {segment: values for segment, *values in Response._read_group(
            [("mailing_id", "=", mailing.id)], ["segment_id"],
            ["sent:sum", "opened:sum", "clicked:sum", "replied:sum", "bounced:sum", "order_count:sum",
             "revenue:sum", "profit:sum"])}
        self.assertEqual(figures[self.champions], [1, 1, 1, 0, 0, 1, 200.0, within.margin])
        self.assertEqual(figures[self.others], [2, 1, 0, 1, 1, 0, 0.0, 0.0])
        # the same figures on the campaign and on the run
        self.assertEqual(Response.search_count([("campaign_id", "=", mailing.campaign_id.id)]), 3)
        self.assertEqual(Response.search_count([("run_id", "=", self.seg_run.id)]), 3)

    def test_latest_mailing_of_each_company(self):
        older = self._mailing_from(self.champions | self.others, self.user_marketing)
        newer = self._mailing_from(self.champions, self.user_marketing)
        self._send(older).write({"sent_datetime": fields.Datetime.now() - timedelta(days=2)})
        self._send(newer).write({"sent_datetime": fields.Datetime.now() - timedelta(days=1)})
        Response = self.env["crm.campaign.response"].with_user(self.user_marketing)
        self.assertEqual(Response.search([("is_latest", "=", True)]).mailing_id, newer)
        self.assertEqual(Response.search([("is_latest", "=", False)]).mailing_id, older)
        self.assertTrue(Response.search([("mailing_id", "=", newer.id)], limit=1).is_latest)

    def test_salesperson_sees_the_response_of_their_own_customers_only(self):
        mailing = self._mailing_from(self.champions | self.others, self.user_marketing)
        self._send(mailing)
        Response = self.env["crm.campaign.response"]
        self.assertEqual(Response.with_user(self.user_seller).search([]).partner_id, self.mine | self.unassigned)
        self.assertEqual(Response.with_user(self.user_boss).search([]).partner_id,
                         self.mine | self.theirs | self.unassigned)
        with self.assertRaises(AccessError):
            mailing.with_user(self.user_seller).read(["subject"])
        with self.assertRaises(AccessError):
            self.env["crm.mailing.create"].with_user(self.user_seller).with_context(
                active_model="crm.segment", active_ids=self.champions.ids).create({"subject": "x"})

    def test_mailings_of_another_company_stay_hidden(self):
        mailing = self._mailing_from(self.champions, self.user_marketing)
        self._send(mailing)
        mailing.sudo().crm_company_id = self.company_b
        in_company_a = {"allowed_company_ids": self.company_a.ids}
        self.assertFalse(self.env["mailing.mailing"].with_user(self.user_marketing).with_context(**in_company_a).search(
            [("id", "=", mailing.id)]))
        for user in (self.user_marketing, self.user_boss, self.user_seller):
            self.assertFalse(self.env["crm.campaign.response"].with_user(user).with_context(**in_company_a).search([]),
                             user.name)
