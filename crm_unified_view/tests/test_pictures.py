"""The R×F heat map and the Customer 360 dashboard, opened in Chinese, show the ORM's figures."""
import fnmatch
import json
import os
from datetime import timedelta

from lxml import etree

from odoo import fields
from odoo.tests import HttpCase, tagged
from odoo.tools import file_open
from odoo.tools.translate import extract_spreadsheet_terms
from odoo.tools import float_round, mute_logger

from .common import CustomerViewCommon


class PicturesCommon(CustomerViewCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # customer i buys i + 1 times, every 20 days, for more money as i grows
        cls.buyers = cls.env["res.partner"].create([
            {"name": "热图客户 %02d" % index, "is_company": True, "customer_rank": 1} for index in range(12)])
        for index, buyer in enumerate(cls.buyers):
            for visit in range(index + 1):
                cls._confirmed_order(buyer, [(cls.product_tea, 1, 50.0 * (index + 1))], days_ago=10 + 20 * visit + index)
        cls.segmentation_run = cls.env["crm.segmentation.run"].create({"n_segments": 3})
        cls.segmentation_run.action_run()


@tagged("post_install", "-at_install")
class TestPictureViews(PicturesCommon):

    def test_segment_graph_opens_on_the_latest_run(self):
        newer = self.env["crm.segmentation.run"].create({"n_segments": 2})
        newer.action_run()
        segments = self.env["crm.segment"].with_user(self.user_sales)
        self.assertEqual(segments.search([("is_latest", "=", True)]).run_id, newer)
        self.assertEqual(segments.search([("is_latest", "=", False)]).run_id, self.segmentation_run)
        self.assertTrue(newer.segment_ids[0].with_user(self.user_sales).is_latest)
        # what the user may not read is not "latest" for them
        with mute_logger("odoo.addons.base.models.ir_rule"):
            self.assertFalse(segments.with_user(self.user_billing).search([("is_latest", "=", True)]))

    def test_data_quality_graph_shows_score_bands(self):
        partner = self.env["res.partner"].create({"name": "带分数的客户"})
        partner._recompute_data_quality()
        band = min(int(partner.data_accuracy // 10) * 10, 90)
        self.assertEqual(partner.data_accuracy_band, str(band))
        self.assertEqual(partner.data_completeness_band, str(min(int(partner.data_completeness // 10) * 10, 90)))
        graph = self.env["res.partner"].get_view(
            self.env.ref("crm_unified_view.res_partner_view_graph_customer_360").id, "graph")
        self.assertIn('name="data_accuracy_band"', graph["arch"])

    def test_customer_360_list_best_first_for_sales_only(self):
        view_id = self.env.ref("crm_unified_view.res_partner_view_list_customer_360").id
        for user, order in ((self.user_sales, "customer_npv desc, complete_name"), (self.user_info, None)):
            arch = self.env["res.partner"].with_user(user).get_view(view_id, "list")["arch"]
            self.assertEqual(etree.fromstring(arch).get("default_order"), order, user.name)
        action = self.env.ref("crm_unified_view.res_partner_action_customer_360")
        self.assertIn("search_default_customers_current_company", action.context)
        # the ranking shows the best customer of the run first
        best = self.env["res.partner"].with_user(self.user_sales).search(
            [("id", "in", self.buyers.ids)], order="customer_npv desc, complete_name", limit=1)
        self.assertEqual(best, self.buyers[-1])


@tagged("post_install", "-at_install")
class TestCustomerDashboard(PicturesCommon):

    def _dashboard_data(self):
        return json.loads(self.env.ref("crm_unified_view.spreadsheet_dashboard_customer_360").spreadsheet_data)

    def _sources(self):
        """(model, domain, field names) of every pivot and chart of the dashboard."""
        data = self._dashboard_data()
        for pivot in data["pivots"].values():
            names = [m["fieldName"] for m in pivot["measures"]] + [r["fieldName"] for r in pivot["rows"]]
            yield pivot["model"], pivot["domain"], names, pivot["fieldMatching"]
        for figure in data["sheets"][0]["figures"]:
            chart = figure["data"]
            names = [chart["metaData"]["measure"]] + [g.split(":")[0] for g in chart["metaData"]["groupBy"]]
            yield chart["metaData"]["resModel"], chart["searchParams"]["domain"], names, chart["fieldMatching"]

    def test_dashboard_reads_existing_fields_with_the_managers_rights(self):
        manager = self.user_manager
        for model, domain, names, matching in self._sources():
            records = self.env[model].with_user(manager)
            for name in names:
                if name != "__count":
                    self.assertIn(name, records._fields, "%s.%s" % (model, name))
            # every filter the dashboard applies is a valid search for a manager
            filters = [(match["chain"], "!=", False) for match in matching.values()]
            records.search_count(domain + filters)

    def test_dashboard_only_for_customer_information_managers(self):
        dashboards = self.env["spreadsheet.dashboard"]
        dashboard = self.env.ref("crm_unified_view.spreadsheet_dashboard_customer_360")
        self.assertIn(dashboard, dashboards.with_user(self.user_manager).search([]))
        self.assertNotIn(dashboard, dashboards.with_user(self.user_info).search([]))
        self.assertNotIn(dashboard, dashboards.with_user(self.user_sales).search([]))

    def test_dashboard_texts_are_extracted_for_translation(self):
        # the translation export reads *_dashboard.json files under a data/ folder
        path = "crm_unified_view/data/files/customer_360_dashboard.json"
        self.assertTrue(fnmatch.fnmatch(os.path.dirname(path), "*/data/*"))
        self.assertTrue(fnmatch.fnmatch(os.path.basename(path), "*_dashboard.json"))
        with file_open(path, "rb") as dashboard_file:
            terms = {term for _line, _func, term, _comments in
                     extract_spreadsheet_terms(dashboard_file, [], [], {})}
        self.assertTrue({"Customer 360", "Complaints by Category", "Period", "Company",
                         "Whale Curve: Cumulative Profit (%) by Share of Customers (%)"} <= terms)

    def test_dashboard_shows_the_latest_mailing_response_by_segment(self):
        data = self._dashboard_data()
        [pivot] = [p for p in data["pivots"].values() if p["model"] == "crm.campaign.response"]
        self.assertEqual(pivot["domain"], [["is_latest", "=", True]])
        self.assertEqual([row["fieldName"] for row in pivot["rows"]], ["segment_id"])
        self.assertEqual([m["fieldName"] for m in pivot["measures"]],
                         ["sent", "opened", "clicked", "replied", "bounced", "order_count", "profit"])
        cells = data["sheets"][0]["cells"]
        self.assertIn({"content": "=PIVOT(%s,,TRUE,FALSE)" % pivot["id"]}, cells.values())
        self.assertIn({"content": '=_t("Response to the Latest Mailing by Segment")'}, cells.values())
        [chart] = [f["data"] for f in data["sheets"][0]["figures"]
                   if f["data"]["metaData"]["resModel"] == "crm.campaign.response"]
        self.assertEqual((chart["metaData"]["groupBy"], chart["searchParams"]["domain"]),
                         (["segment_id"], [["is_latest", "=", True]]))

    def test_dashboard_shows_funnel_nps_and_churn_reasons(self):
        data = self._dashboard_data()
        cells = data["sheets"][0]["cells"]
        pivots = {pivot["model"]: pivot for pivot in data["pivots"].values()}
        # (title cell, title, model, rows, measures, field of the period)
        for ref, title, model, row, measures, period in (
                ("A64", "Lifecycle Funnel", "crm.lifecycle.funnel", "stage",
                 ["entered", "conversion_rate", "median_days"], "month"),
                ("A112", "NPS by Segment", "crm.satisfaction.analysis", "segment_id",
                 ["nps", "satisfaction", "answer_count"], "date"),
                ("F112", "Churn Reasons", "crm.churn.report", "reason_id",
                 ["customer_count", "opportunity_count", "revenue_lost"], "date")):
            pivot = pivots[model]
            self.assertEqual([r["fieldName"] for r in pivot["rows"]], [row], model)
            self.assertEqual([m["fieldName"] for m in pivot["measures"]], measures, model)
            self.assertEqual({match["chain"] for match in pivot["fieldMatching"].values()}, {"company_id", period})
            self.assertEqual(cells[ref], {"content": '=_t("%s")' % title})
            self.assertEqual(cells["%s%d" % (ref[0], int(ref[1:]) + 2)],
                             {"content": "=PIVOT(%s,,TRUE,FALSE)" % pivot["id"]})

    def test_share_of_emails_answered_in_time(self):
        now = fields.Datetime.now()
        clocks = self.env["crm.reply.clock"].sudo().create([{
            "res_model": "res.partner", "res_id": self.customer.id, "date_received": now - timedelta(hours=20),
            "date_deadline": now - timedelta(hours=8), "date_escalation": now, "state": state,
            "date_replied": replied,
        } for state, replied in (("replied", now - timedelta(hours=10)), ("replied", now - timedelta(hours=2)),
                                 ("alarmed", False))])
        self.assertEqual(clocks.mapped("answered_in_time"), [1, 0, 0])
        [group] = self.env["crm.reply.clock"].read_group(
            [("id", "in", clocks.ids), ("state", "!=", "open")], ["answered_in_time"], [])
        self.assertAlmostEqual(group["answered_in_time"], 1 / 3)


@tagged("post_install", "-at_install")
class TestPicturesTour(PicturesCommon, HttpCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.admin = cls.env.ref("base.user_admin")
        cls.admin.write({"company_ids": [(4, cls.env.company.id)], "company_id": cls.env.company.id})
        cls.env["res.lang"]._activate_lang("zh_CN")
        cls.env["ir.module.module"].search([("name", "=", "crm_unified_view")])._update_translations("zh_CN")
        cls.admin.lang = "zh_CN"

    def _heat_map_cells(self):
        groups = self.env["crm.segmentation.result"].with_user(self.admin).read_group(
            [("run_id", "=", self.segmentation_run.id), ("r_score", ">", 0), ("f_score", ">", 0)],
            ["profit:avg"], ["r_score", "f_score"], lazy=False)
        return {"%d-%d" % (g["r_score"], g["f_score"]): {"count": g["__count"], "profit": int(float_round(g["profit"], 0))}
                for g in groups}

    def _start(self, tour, expected):
        self.start_tour("/odoo", tour, login="admin", code="sessionStorage.setItem(%s, %s); odoo.startTour(%s, %s)" % (
            json.dumps("cuv_expected_pictures"), json.dumps(json.dumps(expected)), json.dumps(tour),
            json.dumps({"stepDelay": 0, "keepWatchBrowser": False, "debug": False, "startUrl": "/odoo"})))

    def test_heat_map_tour(self):
        cells = self._heat_map_cells()
        # every buyer is in exactly one cell; several cells, so the grid is a grid
        self.assertEqual(sum(cell["count"] for cell in cells.values()), 12)
        self.assertGreater(len(cells), 3)
        busiest = max(cells, key=lambda key: cells[key]["count"])
        self._start("crm_unified_view_pictures", {
            "cells": cells, "open": busiest, "run_name": self.segmentation_run.display_name})

    def test_dashboard_tour(self):
        categories = self.env["crm.complaint.category"].create([{"name": "物流"}, {"name": "质量"}])
        now = fields.Datetime.now()
        for category, days_ago in ((categories[0], 5), (categories[0], 40), (categories[1], 3), (categories[1], 800)):
            self.env["crm.complaint"].create({
                "subject": "投诉", "partner_id": self.customer.id, "category_id": category.id,
                "date_received": now - timedelta(days=days_ago)})
        admin = self.env(user=self.admin, context=dict(self.env.context, lang="zh_CN"))
        # the dashboard's period: the last 365 days (the complaint of 800 days ago is left out)
        complaints = {group["category_id"][1]: group["category_id_count"] for group in admin["crm.complaint"].read_group(
            [("date_received", ">=", now - timedelta(days=365))], ["category_id"], ["category_id"])}
        self.assertEqual(complaints, {"物流": 2, "质量": 1})
        segments = {group["name"]: group["customer_count"] for group in admin["crm.segment"].read_group(
            [("is_latest", "=", True)], ["customer_count:sum"], ["name"])}
        self.assertEqual(sum(segments.values()), 12)
        funnel, nps, nps_total, churn = self._touchpoint_figures(admin)
        dashboard = admin.ref("crm_unified_view.spreadsheet_dashboard_customer_360")
        self._start("crm_unified_view_dashboard", {
            "dashboard_name": dashboard.display_name, "complaints": complaints, "segments": segments,
            "funnel": funnel, "nps": nps, "nps_total": nps_total, "churn": churn})

    def _touchpoint_figures(self, admin):
        """Answered surveys (two promoters, a passive, a detractor), two customers who left and a lost
        opportunity; returns what the dashboard's funnel, NPS and churn tables should show, read
        through the ORM as the admin in Chinese, over the dashboard's period (the last 365 days)."""
        survey = self.env.ref("crm_unified_view.survey_customer_satisfaction")
        for buyer, nps_answer, satisfaction in zip(self.buyers[-4:], (10, 9, 7, 2), (5, 4, 3, 1)):
            answer = survey.sudo()._create_answer(
                partner=buyer, check_attempts=False, satisfaction_trigger="periodic",
                satisfaction_company_id=self.env.company.id)
            for question, value in ((self.env.ref("crm_unified_view.survey_customer_satisfaction_q_nps"), nps_answer),
                                    (self.env.ref("crm_unified_view.survey_customer_satisfaction_q_satisfaction"),
                                     satisfaction)):
                answer._save_lines(question, str(value))
            answer._mark_done()
        reasons = self.env["crm.lost.reason"].create([{"name": "价格更低"}, {"name": "服务不满意"}])
        self.buyers[0].with_company(self.env.company).churn_reason_id = reasons[0]
        self.buyers[1].with_company(self.env.company).churn_reason_id = reasons[1]
        lead = self.env["crm.lead"].create({"name": "流失的商机", "partner_id": self.buyers[2].id,
                                            "type": "opportunity"})
        lead.action_set_lost(lost_reason_id=reasons[0].id)
        since = fields.Date.today() - timedelta(days=365)
        # the browser reads in the admin's current company only
        admin = admin(context=dict(admin.context, allowed_company_ids=[self.admin.company_id.id]))
        stages = dict(admin["crm.lifecycle.funnel"]._fields["stage"]._description_selection(admin))
        funnel = {stages[stage]: entered for stage, entered in admin["crm.lifecycle.funnel"]._read_group(
            [("month", ">=", since)], ["stage"], ["entered:sum"])}
        self.assertGreaterEqual(sum(funnel.values()), 12, "each buyer entered its stage")
        Analysis = admin["crm.satisfaction.analysis"]
        nps = {segment.display_name: value for segment, value in Analysis._read_group(
            [("date", ">=", since)], ["segment_id"], ["nps:avg"])}
        [[nps_total]] = Analysis._read_group([("date", ">=", since)], [], ["nps:avg"])
        self.assertEqual(nps_total, 25.0, "(2 promoters - 1 detractor) / 4 answers")
        churn = {reason.display_name: count for reason, count in admin["crm.churn.report"]._read_group(
            [("date", ">=", since)], ["reason_id"], ["customer_count:sum"])}
        self.assertEqual(churn, {"价格更低": 1, "服务不满意": 1})
        self.assertEqual(admin["crm.churn.report"].search_count([("source", "=", "opportunity")]), 1)
        return funnel, nps, nps_total, churn
