"""Knowledge votes and counters: one vote per visitor and a limit per address, counters kept by the system."""
import re

from odoo.exceptions import AccessError
from odoo.tests import HttpCase, TransactionCase, new_test_user, tagged

COUNTERS = {"helpful_count": 99, "unhelpful_count": 0, "helpful_rate": 100.0, "view_count": 1000, "use_count": 50,
            "search_text": "退货 发票 保险 理赔"}


@tagged("post_install", "-at_install")
class TestKnowledgeCounters(TransactionCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_author = new_test_user(cls.env, "cuv_kb_author", groups="base.group_user", name="作者 陈晨")
        cls.user_editor = new_test_user(cls.env, "cuv_kb_counter_editor", name="编辑 赵丽",
                                        groups="base.group_user,crm_unified_view.group_knowledge_editor")
        cls.draft = cls.env["crm.knowledge.article"].with_user(cls.user_author).create({
            "name": "我的草稿", "body": "<p>草稿正文</p>"})

    def test_users_do_not_write_counters(self):
        for user in (self.user_author, self.user_editor):
            for fname, value in COUNTERS.items():
                with self.subTest(user=user.login, field=fname), self.assertRaises(AccessError):
                    self.draft.with_user(user).write({fname: value})
        self.assertEqual((self.draft.helpful_count, self.draft.view_count), (0, 0))
        self.assertNotIn("保险", self.draft.search_text)

    def test_users_do_not_create_with_counters(self):
        Article = self.env["crm.knowledge.article"]
        for user in (self.user_author, self.user_editor):
            for fname, value in COUNTERS.items():
                with self.subTest(user=user.login, field=fname), self.assertRaises(AccessError):
                    Article.with_user(user).create({"name": "刷量文章", fname: value})

    def test_the_system_still_counts(self):
        article = self.draft.with_user(self.user_author)
        article.write({"name": "退货政策", "keywords": "退货"})
        self.assertIn("退货", article.search_text)
        article.action_vote_helpful()
        article._increment("view_count")
        self.assertEqual((article.helpful_count, article.view_count), (1, 1))


@tagged("post_install", "-at_install")
class TestKnowledgeVotesWebsite(HttpCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.article = cls.env["crm.knowledge.article"].create({
            "name": "发票开具", "body": "<p>提供税号即可开具增值税发票。</p>", "state": "approved",
            "is_published": True})

    def _vote(self, helpful="1"):
        page = self.url_open(self.article.website_url)
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        response = self.url_open("%s/vote" % self.article.website_url, data={"helpful": helpful, "csrf_token": csrf})
        self.assertEqual(response.status_code, 200)
        self.article.invalidate_recordset()
        return response

    def test_one_vote_per_visitor_across_sessions(self):
        self._vote()
        self.opener.cookies.pop("session_id", None)  # the browser was closed: a new session
        self._vote()
        self.assertEqual((self.article.helpful_count, self.article.unhelpful_count), (1, 0))
        self.opener.cookies.pop("session_id", None)
        self._vote("0")  # the same visitor changes their mind
        self.assertEqual((self.article.helpful_count, self.article.unhelpful_count), (0, 1))

    def test_votes_limited_per_address(self):
        for _visitor in range(7):
            self.opener.cookies.clear()  # a new visitor each time, from the same address
            self._vote()
        self.assertEqual(self.article.helpful_count, 5)
        self.opener.cookies.clear()
        self.assertIn("o_knowledge_help_vote_limit", self._vote().text)

    def test_a_forged_visitor_cookie_is_not_trusted(self):
        self._vote()
        self.opener.cookies.clear()
        self.opener.cookies.set("crm_knowledge_visitor", "forged")
        response = self._vote()
        self.assertEqual(self.article.helpful_count, 2)
        issued = response.history[0].cookies.get("crm_knowledge_visitor")
        self.assertTrue(issued and issued != "forged", "a new visitor gets a cookie signed by the server")
