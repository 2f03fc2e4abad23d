"""The R×F heat map and the Customer 360 dashboard, opened in Chinese, show the ORM's figures."""
import json

from lxml import etree

from odoo.tests import HttpCase, tagged
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
        self._start("crm_unified_view_pictures", {"cells": cells, "open": busiest})
