"""From a run's segment to a mailing draft in the web client."""
from odoo.tests import HttpCase, tagged

from .common import CustomerViewCommon


@tagged("post_install", "-at_install")
class TestCampaignTour(CustomerViewCommon, HttpCase):

    def test_segment_to_mailing_tour(self):
        admin = self.env.ref("base.user_admin")
        admin.write({
            "company_ids": [(4, self.env.company.id)], "company_id": self.env.company.id,
            "groups_id": [(4, self.env.ref("mass_mailing.group_mass_mailing_user").id)],
        })
        run = self.env["crm.segmentation.run"].create({"state": "done"})
        segment = self.env["crm.segment"].create({"run_id": run.id, "name": "Champions", "customer_count": 1})
        self.env["crm.segmentation.result"].create({"run_id": run.id, "partner_id": self.customer.id,
                                                    "segment_id": segment.id})
        self.start_tour("/odoo/action-crm_unified_view.crm_segmentation_run_action/%d" % run.id,
                        "crm_unified_view_segment_mailing", login="admin")
        mailing = self.env["mailing.mailing"].search([("segmentation_run_id", "=", run.id)])
        self.assertEqual(mailing.subject, "Champions")
        self.assertEqual(mailing._get_recipients(), self.customer.ids)
