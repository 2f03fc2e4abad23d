"""Care rules act once on each customer who enters their condition at the end of a run, never
for a back-test, and give back the customer's own pricelist when they leave."""
from datetime import timedelta

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import CustomerViewCommon


@tagged("post_install", "-at_install")
class TestCareRule(CustomerViewCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.seller = new_test_user(cls.env, "cuv_care_seller", groups="sales_team.group_sale_salesman",
                                   name="Account manager")
        cls.alice, cls.bob = cls.env["res.partner"].create([
            {"name": "阿丽", "email": "ali@example.com", "user_id": cls.seller.id},
            {"name": "阿博", "email": "bo@example.com"}])
        cls.plan = cls.env["mail.activity.plan"].create({
            "name": "Care", "res_model": "res.partner", "template_ids": [
                (0, 0, {"summary": "Visit", "activity_type_id": cls.env.ref("mail.mail_activity_data_meeting").id,
                        "delay_count": 1, "delay_unit": "weeks", "delay_from": "after_plan_date"}),
                (0, 0, {"summary": "Review", "activity_type_id": cls.env.ref("mail.mail_activity_data_todo").id})]})
        cls.days = 0

    # TOOLS
    def _run(self, rows, days_ago=None):
        """A finished run of the company with ``rows`` {partner: result values}, each a day after the last."""
        if days_ago is None:
            type(self).days += 1
            days_ago = 1000 - self.days
        run = self.env["crm.segmentation.run"].create({"date_as_of": self.today - timedelta(days=days_ago),
                                                       "state": "done"})
        segments = {}
        for values in rows.values():
            name = values.get("segment")
            if name and name not in segments:
                segments[name] = self.env["crm.segment"].create({"run_id": run.id, "name": name})
        self.env["crm.segmentation.result"].create([
            dict({key: value for key, value in values.items() if key != "segment"}, run_id=run.id,
                 partner_id=partner.id, segment_id=segments.get(values.get("segment"), self.env["crm.segment"]).id)
            for partner, values in rows.items()])
        self.env["crm.care.rule"]._apply_run(run)
        return run

    def _rule(self, **values):
        return self.env["crm.care.rule"].create(dict({"name": "Rule", "action": "account_manager",
                                                      "user_id": self.seller.id}, **values))

    def _entered(self, rule):
        return rule.firing_ids.filtered(lambda firing: not firing.left_run_id).partner_id

    def _activities(self, partner):
        return self.env["mail.activity"].search([("res_model", "=", "res.partner"), ("res_id", "=", partner.id)])

    # TESTS
    def test_activity_plan_once_per_entry(self):
        rule = self._rule(trigger="stage", lifecycle_stage="retention", action="activity_plan",
                          activity_plan_id=self.plan.id)
        self._run({self.alice: {"lifecycle_stage": "conversion"}, self.bob: {"lifecycle_stage": "retention"}})
        self.assertEqual(self._entered(rule), self.bob, "a customer the previous run did not have enters")
        self.assertEqual(self._activities(self.bob).user_id, self.seller, "no salesperson: the rule's user")
        run = self._run({self.alice: {"lifecycle_stage": "retention"}, self.bob: {"lifecycle_stage": "retention"}})
        activities = self._activities(self.alice)
        self.assertEqual(sorted(activities.mapped("summary")), ["Review", "Visit"])
        self.assertEqual(activities.user_id, self.seller)
        self.assertEqual(activities.filtered(lambda act: act.summary == "Visit").date_deadline,
                         self.today + timedelta(weeks=1))
        self.assertEqual(len(self._activities(self.bob)), 2, "still in the stage: nothing new")
        self.env["crm.care.rule"]._apply_run(run)  # the same run again
        self._run({self.alice: {"lifecycle_stage": "retention"}, self.bob: {"lifecycle_stage": "retention"}})
        self.assertEqual(len(self._activities(self.alice)), 2)
        # leaves, then enters again: a new entry
        self._run({self.alice: {"lifecycle_stage": "conversion"}})
        self.assertEqual(self._entered(rule), self.env["res.partner"])
        self._run({self.alice: {"lifecycle_stage": "retention"}})
        self.assertEqual(len(self._activities(self.alice)), 4)
        self.assertEqual(len(rule.firing_ids.filtered(lambda firing: firing.partner_id == self.alice)), 2)

    def test_each_trigger_fires_on_entry(self):
        self.env["ir.config_parameter"].set_param("crm_unified_view.dormant_after_days", 180)
        self.env["ir.config_parameter"].set_param("crm_unified_view.lost_after_days", 365)
        self._run({self.alice: {"segment": "Others"}})  # nobody meets any condition yet
        segment = self._run({self.bob: {"segment": "Champions"}}).segment_ids
        # (trigger values, alice before, alice now, bob now: who is in the condition now)
        cases = [
            ({"trigger": "tier", "value_tier": "high"}, {"value_tier": "medium"}, {"value_tier": "high"},
             {"value_tier": "low"}),
            ({"trigger": "status", "customer_status": "dormant"}, {"recency_days": 100}, {"recency_days": 200},
             {"recency_days": 400}),
            ({"trigger": "status", "customer_status": "lost"}, {"recency_days": 200}, {"recency_days": 400},
             {"recency_days": 100}),
            ({"trigger": "segment", "segment_id": segment.id}, {"segment": "Others"}, {"segment": "Champions"},
             {"segment": "Others"}),
            ({"trigger": "probability", "probability_threshold": 30.0}, {"probability_alive": 0.5},
             {"probability_alive": 0.2}, {"probability_alive": 0.9}),
            ({"trigger": "at_risk"}, {"at_risk": False}, {"at_risk": True}, {"at_risk": False}),
        ]
        for trigger, before, now, bob in cases:
            with self.subTest(**trigger):
                rule = self._rule(**trigger)
                self._run({self.alice: before, self.bob: bob})
                self._run({self.alice: now, self.bob: bob})
                self.assertEqual(self._entered(rule), self.alice)
                self._run({self.alice: now, self.bob: bob})
                self.assertEqual(len(rule.firing_ids), 1, "once per entry")
                rule.active = False

    def test_only_what_changed_since_the_previous_run(self):
        self._run({self.alice: {"value_tier": "high"}})
        rule = self._rule(trigger="tier", value_tier="high")  # switched on after that run
        self._run({self.alice: {"value_tier": "high"}, self.bob: {"value_tier": "high"}})
        self.assertEqual(self._entered(rule), self.bob, "already high value in the previous run: no entry")

    def test_never_for_a_back_test(self):
        rule = self._rule(trigger="tier", value_tier="high")
        self._run({self.alice: {"value_tier": "low"}}, days_ago=10)
        self._run({self.alice: {"value_tier": "high"}}, days_ago=100)  # an earlier day: a back-test
        self.assertFalse(rule.firing_ids)

    def test_rules_of_other_companies_and_inactive_rules_do_nothing(self):
        company_b = self.env["res.company"].create({"name": "乙公司"})
        self._rule(trigger="tier", value_tier="high", company_id=company_b.id, user_id=False,
                   action="opportunity")
        self._rule(trigger="tier", value_tier="high", active=False)
        self._run({self.bob: {"value_tier": "high"}})
        self.assertFalse(self.env["crm.care.rule.firing"].search([]))
        self.assertFalse(self.bob.user_id)

    def test_pricelist_set_and_restored(self):
        own, vip = self.env["product.pricelist"].create([{"name": "Own"}, {"name": "VIP prices"}])
        self.alice.specific_property_product_pricelist = own
        self.assertFalse(self.bob.specific_property_product_pricelist)
        rule = self._rule(trigger="tier", value_tier="high", action="pricelist", pricelist_id=vip.id, user_id=False)
        self._run({self.alice: {"value_tier": "low"}, self.bob: {"value_tier": "low"}})
        self._run({self.alice: {"value_tier": "high"}, self.bob: {"value_tier": "high"}})
        self.assertEqual((self.alice | self.bob).specific_property_product_pricelist, vip)
        self.assertEqual(self.alice.property_product_pricelist, vip)
        self.assertEqual(rule.firing_ids.filtered(lambda f: f.partner_id == self.alice).previous_pricelist_id, own)
        self._run({self.alice: {"value_tier": "medium"}, self.bob: {"value_tier": "medium"}})
        self.assertEqual(self.alice.specific_property_product_pricelist, own)
        self.assertFalse(self.bob.specific_property_product_pricelist)

    def test_mailing_list_opportunity_and_account_manager(self):
        mailing_list = self.env["mailing.list"].create({"name": "VIP"})
        self._rule(trigger="tier", value_tier="high", action="mailing_list", mailing_list_id=mailing_list.id,
                   user_id=False)
        self._rule(trigger="tier", value_tier="high", action="opportunity")
        self._rule(trigger="tier", value_tier="high")
        self._run({self.alice: {"value_tier": "high"}, self.bob: {"value_tier": "high"}})
        self.assertEqual(sorted(mailing_list.contact_ids.mapped("email")), ["ali@example.com", "bo@example.com"])
        leads = self.env["crm.lead"].search([("partner_id", "in", (self.alice | self.bob).ids)])
        self.assertEqual(leads.mapped("type"), ["opportunity", "opportunity"])
        self.assertEqual(leads.user_id, self.seller)
        self.assertEqual(self.bob.user_id, self.seller)

    def test_a_real_run_applies_the_rules(self):
        rule = self._rule(trigger="stage", lifecycle_stage="conversion", action="activity_plan",
                          activity_plan_id=self.plan.id)
        self._confirmed_order(self.alice, [(self.product_tea, 1, 100.0)], days_ago=5)
        buyers = self.env["res.partner"].create([{"name": "买家 %d" % i} for i in range(4)])
        for index, buyer in enumerate(buyers):
            for visit in range(index + 2):
                self._confirmed_order(buyer, [(self.product_cup, 1, 10.0 * (index + 1))], days_ago=3 + 30 * visit)
        self.env["crm.segmentation.run"].create({"n_segments": 2}).action_run()
        self.assertEqual(self._entered(rule), self.alice)
        self.assertEqual(len(self._activities(self.alice)), 2)
        # 20 days ago the first buyer had bought once: a back-test would see it enter the stage
        backtest = self.env["crm.segmentation.run"].create({"n_segments": 2, "date_as_of": self.today - timedelta(days=20)})
        backtest.action_run()
        self.assertEqual(backtest.result_ids.filtered(lambda r: r.partner_id == buyers[0]).lifecycle_stage, "conversion")
        self.assertEqual(self._entered(rule), self.alice)

    def test_only_managers_configure_care_rules(self):
        rule = self._rule(trigger="tier", value_tier="high")
        with self.assertRaises(AccessError):
            rule.with_user(self.user_sales).read(["name"])
        with self.assertRaises(AccessError):
            self.env["crm.care.rule"].with_user(self.user_sales).create({"name": "x", "user_id": self.seller.id,
                                                                         "trigger": "tier", "value_tier": "high"})
        self.assertEqual(rule.with_user(self.user_manager).name, "Rule")

    def test_shipped_rules_are_inactive_with_their_plans(self):
        rules = self.env["crm.care.rule"].sudo().with_context(active_test=False).search(
            [("id", "in", [self.env.ref("crm_unified_view.crm_care_rule_%s" % name).id
                           for name in ("vip_care", "onboarding", "win_back", "redevelopment")])])
        self.assertEqual(len(rules), 4)
        self.assertFalse(any(rules.mapped("active")))
        self.assertEqual(rules.activity_plan_id.mapped("res_model"), ["res.partner"] * 4)
        self.assertEqual(sorted(self.env.ref("crm_unified_view.mail_activity_plan_vip_care").template_ids.mapped(
            "summary")), ["Annual review", "Quarterly visit"])
