"""Private information over the wire: JSON-RPC, XML-RPC, portal and anonymous visitors."""
import json

from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from .test_privacy_security import PRIVATE_FIELDS, PRIVATE_VALUES, PrivacyCommon


@tagged("post_install", "-at_install")
class TestPrivacyRpc(PrivacyCommon, HttpCase):

    def _xmlrpc(self, login, method, *args, **kwargs):
        uid = self.xmlrpc_common.authenticate(self.env.cr.dbname, login, login, {})
        return self.xmlrpc_object.execute_kw(self.env.cr.dbname, uid, login, "res.partner", method, list(args), kwargs)

    def _jsonrpc(self, method, *args, **kwargs):
        return self.make_jsonrpc_request("/web/dataset/call_kw/res.partner/%s" % method, {
            "model": "res.partner", "method": method, "args": list(args), "kwargs": kwargs})

    def test_granted_xmlrpc(self):
        values = self._xmlrpc("cuv_granted", "read", [self.customer.id], fields=PRIVATE_FIELDS)[0]
        self.assertSeesAll(values)
        self.assertEqual(self._xmlrpc("cuv_granted", "search_count", [("income_level", "=", "high")]), 1)

    def test_other_xmlrpc(self):
        self.assertSeesNothing(self._xmlrpc("cuv_other", "read", [self.customer.id], fields=PRIVATE_FIELDS)[0])
        rows = self._xmlrpc("cuv_other", "search_read", [("id", "=", self.customer.id)], fields=PRIVATE_FIELDS)
        self.assertSeesNothing(rows[0])
        self.assertEqual(self._xmlrpc("cuv_other", "search_count", [("income_level", "=", "high")]), 0)

    def test_granted_jsonrpc(self):
        self.authenticate("cuv_granted", "cuv_granted")
        values = self._jsonrpc("web_read", [self.customer.id], specification={f: {} for f in PRIVATE_FIELDS})[0]
        self.assertSeesAll(values)

    def test_other_jsonrpc(self):
        self.authenticate("cuv_other", "cuv_other")
        values = self._jsonrpc("web_read", [self.customer.id], specification={f: {} for f in PRIVATE_FIELDS})[0]
        self.assertSeesNothing(values)
        rows = self._jsonrpc("web_search_read", [("income_level", "=", "high")],
                             specification={"name": {}})["records"]
        self.assertFalse(rows)

    @mute_logger("odoo.http", "odoo.models")
    def test_portal_jsonrpc(self):
        self.authenticate("cuv_portal", "cuv_portal")
        response = self.url_open("/web/dataset/call_kw/res.partner/read", data=json.dumps({
            "jsonrpc": "2.0", "method": "call", "params": {
                "model": "res.partner", "method": "read", "args": [[self.customer.id], ["income_level"]],
                "kwargs": {}}}), headers={"Content-Type": "application/json"})
        self.assertIn("error", response.json())
        self.assertNotIn(PRIVATE_VALUES["home_address"], response.text)
        self.assertNotIn('"high"', response.text)

    @mute_logger("odoo.http", "odoo.models")
    def test_anonymous_visitor(self):
        self.authenticate(None, None)
        for method, args in (("read", [[self.customer.id], PRIVATE_FIELDS]),
                             ("search_count", [[("income_level", "=", "high")]])):
            response = self.url_open("/web/dataset/call_kw/res.partner/%s" % method, data=json.dumps({
                "jsonrpc": "2.0", "method": "call", "params": {
                    "model": "res.partner", "method": method, "args": args, "kwargs": {}}}),
                headers={"Content-Type": "application/json"})
            self.assertIn("error", response.json())
            self.assertNotIn(PRIVATE_VALUES["home_address"], response.text)
        page = self.url_open("/web/image/res.partner/%s/home_address" % self.customer.id)
        self.assertNotIn(PRIVATE_VALUES["home_address"], page.text)
