"""Knowledge base across companies: an article takes its author's company, and what hangs off an
article (versions, proposals, votes) or sorts it (categories, tags) follows the company rules."""
from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, new_test_user, tagged

EDITOR = "base.group_user,crm_unified_view.group_knowledge_editor"


@tagged("post_install", "-at_install")
class TestKnowledgeCompanies(TransactionCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_a = cls.env.company
        cls.company_b = cls.env["res.company"].create({"name": "乙公司 Company B"})

        def user(login, groups, *companies):
            return new_test_user(cls.env, login, groups=groups, company_id=companies[0].id,
                                 company_ids=[(6, 0, [company.id for company in companies])])

        cls.employee_a = user("cuv_kbmc_employee_a", "base.group_user", cls.company_a)
        cls.editor_a = user("cuv_kbmc_editor_a", EDITOR, cls.company_a)
        cls.employee_b = user("cuv_kbmc_employee_b", "base.group_user", cls.company_b)
        cls.editor_b = user("cuv_kbmc_editor_b", EDITOR, cls.company_b)
        cls.employee_ab = user("cuv_kbmc_employee_ab", "base.group_user", cls.company_a, cls.company_b)

        cls.article_a = cls.env["crm.knowledge.article"].create({
            "name": "甲公司理赔规则", "body": "<p>第一版</p>", "state": "approved", "company_id": cls.company_a.id})
        cls.article_a.with_user(cls.editor_a).body = "<p>第二版</p>"
        cls.version_a = cls.article_a.version_ids
        cls.proposal_a = cls.env["crm.knowledge.proposal"].with_user(cls.employee_a).create({
            "article_id": cls.article_a.id, "name": "甲公司理赔规则", "body": "<p>第三版</p>"})
        cls.new_article_proposal_a = cls.env["crm.knowledge.proposal"].with_user(cls.employee_a).create({
            "name": "甲公司内部流程", "body": "<p>只给甲公司看</p>"})
        cls.article_a.with_user(cls.employee_a).action_vote_helpful()
        cls.vote_a = cls.article_a.sudo().vote_ids

    def test_versions_proposals_and_votes_follow_their_article(self):
        self.assertTrue(self.version_a and self.vote_a)
        records = [self.version_a, self.proposal_a, self.new_article_proposal_a, self.vote_a]
        for record in records:
            with self.subTest(model=record._name):
                for user in (self.editor_b, self.employee_b):
                    Model = self.env[record._name].with_user(user)
                    self.assertFalse(Model.search([("id", "=", record.id)]), user.login)
                    with self.assertRaises(AccessError):
                        record.with_user(user).read(["id"])
                self.assertEqual(self.env[record._name].with_user(self.editor_a).search([("id", "=", record.id)]),
                                 record)
                self.assertEqual(record.company_id, self.company_a)

    def test_a_shared_article_shares_its_versions(self):
        shared = self.env["crm.knowledge.article"].create({"name": "共享", "state": "approved", "company_id": False})
        shared.with_user(self.editor_a).body = "<p>改过</p>"
        self.assertEqual(self.env["crm.knowledge.version"].with_user(self.editor_b).search(
            [("article_id", "=", shared.id)]), shared.version_ids)
        # a company given to the article later moves its versions along
        shared.company_id = self.company_a
        self.assertFalse(self.env["crm.knowledge.version"].with_user(self.editor_b).search(
            [("article_id", "=", shared.id)]))

    def test_an_article_takes_its_authors_company(self):
        Article = self.env["crm.knowledge.article"]
        draft = Article.with_user(self.employee_a).create({"name": "甲员工的草稿"})
        self.assertEqual(draft.company_id, self.company_a)
        self.assertFalse(Article.with_user(self.editor_b).search([("id", "=", draft.id)]))
        # the company the author works in at the moment
        draft_b = Article.with_user(self.employee_ab).with_company(self.company_b).create({"name": "乙的草稿"})
        self.assertEqual(draft_b.company_id, self.company_b)
        # the form sends the default back: accepted; sharing or moving it is for editors
        sent_back = Article.with_user(self.employee_a).create({"name": "表单", "company_id": self.company_a.id})
        self.assertEqual(sent_back.company_id, self.company_a)
        for company in (False, self.company_b.id):
            with self.assertRaises(AccessError):
                Article.with_user(self.employee_ab).create({"name": "共享?", "company_id": company})
            with self.assertRaises(AccessError):
                draft.with_user(self.employee_a).write({"company_id": company})
        shared = Article.with_user(self.editor_a).create({"name": "编辑共享", "company_id": False})
        self.assertFalse(shared.company_id)

    def test_a_proposed_new_article_keeps_its_authors_company(self):
        self.new_article_proposal_a.with_user(self.editor_a).action_accept()
        article = self.new_article_proposal_a.article_id
        self.assertEqual((article.owner_id, article.company_id), (self.employee_a, self.company_a))

    def test_categories_and_tags_of_a_company(self):
        category = self.env["crm.knowledge.category"].create({"name": "甲公司类别", "company_id": self.company_a.id})
        tag = self.env["crm.knowledge.tag"].create({"name": "甲公司标签", "company_id": self.company_a.id})
        shared_category = self.env["crm.knowledge.category"].create({"name": "共享类别"})
        self.assertFalse(shared_category.company_id, "categories and tags are shared unless given a company")
        for record in (category, tag):
            with self.subTest(model=record._name):
                Model = self.env[record._name].with_user(self.employee_b)
                self.assertFalse(Model.search([("id", "=", record.id)]))
                self.assertNotIn(record.id, [found[0] for found in Model.name_search(record.name)])
                with self.assertRaises(AccessError):
                    record.with_user(self.employee_b).read(["name"])
                self.assertEqual(self.env[record._name].with_user(self.employee_a).search(
                    [("id", "=", record.id)]), record)
        self.assertIn(shared_category, self.env["crm.knowledge.category"].with_user(self.employee_b).search([]))
