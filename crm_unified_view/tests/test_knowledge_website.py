"""Public help pages: published articles only, Chinese search, no way to an unpublished article."""
import re

from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestKnowledgeHelpPages(HttpCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Article = cls.env["crm.knowledge.article"]
        category = cls.env.ref("crm_unified_view.crm_knowledge_category_service")
        Article.search([]).unlink()  # the demo articles, when installed, would blur the counts
        cls.published = Article.create({
            "name": "退货政策", "summary": "七天无理由退货", "category_id": category.id,
            "body": "<p>收货后七天内可无理由退货，退款三个工作日内到账。</p>", "state": "approved", "is_published": True})
        cls.internal = Article.create({
            "name": "内部折扣审批", "body": "<p>折扣超过百分之十五需要总监审批。秘密代号青龙。</p>", "state": "approved"})
        cls.draft = Article.create({"name": "草稿文章", "body": "<p>尚未审核的白虎条款。</p>", "is_published": False})

    def test_listing_shows_published_articles_only(self):
        page = self.url_open("/help")
        self.assertEqual(page.status_code, 200)
        self.assertIn("退货政策", page.text)
        self.assertNotIn("内部折扣审批", page.text)
        self.assertNotIn("草稿文章", page.text)
        self.assertIn("o_knowledge_help_categories", page.text)

    def test_search_in_simplified_and_traditional(self):
        for query in ("退货", "退貨", "無理由", "七天 退款"):
            page = self.url_open("/help?search=%s" % query)
            self.assertIn(self.published.website_url, page.text, query)
        page = self.url_open("/help?search=保险理赔")
        self.assertNotIn(self.published.website_url, page.text)
        self.assertIn("o_knowledge_help_empty", page.text)

    def test_text_only_in_unpublished_articles_finds_nothing(self):
        for query in ("青龙", "總監審批", "白虎", "内部折扣"):
            page = self.url_open("/help?search=%s" % query)
            self.assertEqual(page.status_code, 200)
            self.assertIn("o_knowledge_help_empty", page.text, query)
            self.assertNotIn(self.internal.website_url, page.text)
            self.assertNotIn(self.draft.website_url, page.text)

    def test_guessed_url_of_an_unpublished_article_is_not_found(self):
        self.assertEqual(self.url_open(self.published.website_url).status_code, 200)
        for article in (self.internal, self.draft):
            response = self.url_open(article.website_url)
            self.assertEqual(response.status_code, 404)
            self.assertNotIn(article.name, response.text)
        self.assertEqual(self.url_open("/help/article/999999999").status_code, 404)
        # an internal user sees on the website what customers see
        self.authenticate("admin", "admin")
        self.assertEqual(self.url_open(self.internal.website_url).status_code, 404)

    def test_page_two_shows_the_next_articles_with_the_portal_pager(self):
        category = self.published.category_id
        # 23 more published articles of the category: with the one of setUp, pages of 20 and 4
        articles = self.env["crm.knowledge.article"].create([{
            "name": "分页文章 %02d" % number, "body": "<p>退货须知</p>", "category_id": category.id,
            "state": "approved", "is_published": True} for number in range(23)])
        everything = self.published | articles
        query = "search=%s&category=%d" % ("退货", category.id)

        def listed(text):
            return {article for article in everything if 'href="%s"' % article.website_url in text}

        first = self.url_open("/help?%s" % query)
        second = self.url_open("/help/page/2?%s" % query)
        self.assertEqual(second.status_code, 200)
        self.assertEqual(len(listed(first.text)), 20)
        self.assertEqual(len(listed(second.text)), 4)
        self.assertFalse(listed(first.text) & listed(second.text))
        self.assertEqual(listed(first.text) | listed(second.text), set(everything))
        # the portal pager: page 1 is /help itself, both pages keep the search and the category
        quoted = "search=%s&amp;category=%d" % ("%E9%80%80%E8%B4%A7", category.id)
        self.assertIn('href="/help/page/2?%s"' % quoted, first.text)
        self.assertIn('href="/help?%s"' % quoted, second.text)
        self.assertNotIn("/help/page/1", first.text + second.text)
        self.assertIn('title="Next"', first.text)
        # past the last page: the last page, not an empty one
        self.assertEqual(listed(self.url_open("/help/page/9?%s" % query).text), listed(second.text))

    def test_views_and_votes_counted(self):
        self.url_open(self.published.website_url)
        self.url_open(self.published.website_url)
        self.published.invalidate_recordset()
        self.assertEqual(self.published.view_count, 2)
        response = self.url_open("/help/article/%d/vote" % self.internal.id, data={
            "helpful": "1", "csrf_token": self._csrf()})
        self.assertEqual(response.status_code, 404)
        self.assertFalse(self.internal.helpful_count)

    def _csrf(self):
        return re.search(r'name="csrf_token" value="([^"]+)"', self.url_open(self.published.website_url).text).group(1)

    def test_help_pages_tour(self):
        self.start_tour("/help", "crm_knowledge_help_pages", login=None)
        self.published.invalidate_recordset()
        self.assertEqual(self.published.helpful_count, 1)
