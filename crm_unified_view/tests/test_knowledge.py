"""Knowledge base: versions and restore, approval and its access rules, votes, suggestions."""
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged

from odoo.addons.web_editor.models.diff_utils import generate_patch

from ..analytics import knowledge
from .service_common import ServiceCommon


@tagged("post_install", "-at_install")
class TestKnowledgeBase(ServiceCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_editor = new_test_user(cls.env, "cuv_kb_editor", name="编辑 李娜",
                                        groups="base.group_user,crm_unified_view.group_knowledge_editor")
        Article = cls.env["crm.knowledge.article"]
        cls.returns = Article.create({
            "name": "退货政策", "body": "<p>收货后七天内可无理由退货。</p>", "keywords": "退货, 退款",
            "state": "approved", "is_published": True})
        cls.invoice = Article.create({
            "name": "如何开具发票", "body": "<p>提供税号。</p>", "keywords": "发票, 税号", "state": "approved"})

    # ------------------------------------------------------------------
    def test_each_save_keeps_a_version_and_restore_brings_it_back(self):
        article = self.returns.with_user(self.user_editor)
        article.write({"body": "<p>收货后十天内可无理由退货。</p>"})
        article.write({"name": "退货与退款政策"})
        article.write({"summary": "no new version for a summary"})
        versions = article.version_ids
        self.assertEqual(len(versions), 2)
        first = versions.sorted("id")[0]
        self.assertIn("七天", first.body)
        self.assertEqual(first.author_id, self.user_editor)
        # Odoo's HTML comparison: what this version had and the article lost, and what it gained
        self.assertRegex(first.diff, r"<removed>[^<]*七天")
        self.assertRegex(first.diff, r"<added>[^<]*十天")
        first.action_restore()
        self.assertIn("七天", article.body)
        self.assertEqual(article.name, "退货政策")
        self.assertEqual(len(article.version_ids), 3, "restoring keeps the replaced text as a version too")
        self.assertIn("十天", article.version_ids.sorted("id")[-1].body)

    def test_versions_are_odoo_patches_back_to_the_replaced_text(self):
        article = self.returns.with_user(self.user_editor)
        texts = ["<p>收货后十天内可无理由退货。</p>", "<p>收货后十天内可无理由退货。</p><p>运费自理。</p>",
                 "<p>收货后<strong>十五天</strong>内可无理由退货。</p><p>运费自理。</p>"]
        replaced = []
        for text in texts:
            replaced.append(str(article.body))
            article.write({"body": text})
        versions = article.version_ids.sorted("id")
        self.assertEqual([str(version.body) for version in versions], replaced)
        # each version keeps only Odoo's patch from the text that replaced it back to its own
        after = replaced[1:] + [str(article.body)]
        self.assertEqual([version.patch for version in versions],
                         [generate_patch(new, old) for new, old in zip(after, replaced)])
        # a change of formatting only is a change too
        self.assertRegex(versions[-1].diff, r"<added>十五天</added>")
        # an editor deleting a version leaves the others intact
        versions[1].unlink()
        self.assertEqual([str(version.body) for version in versions.exists()], [replaced[0], replaced[2]])
        versions[0].action_restore()
        self.assertEqual(str(article.body), replaced[0])

    def test_versions_cannot_be_forged(self):
        with self.assertRaises(AccessError):
            self.env["crm.knowledge.version"].with_user(self.user_employee).create({
                "article_id": self.returns.id, "name": "x", "author_id": self.user_employee.id})
        self.returns.with_user(self.user_editor).write({"body": "<p>v2</p>"})
        version = self.returns.version_ids
        self.assertEqual(len(version), 1)
        with self.assertRaises(AccessError):
            version.with_user(self.user_editor).write({"body": "<p>rewritten history</p>"})
        with self.assertRaises(AccessError):
            version.with_user(self.user_editor).write({"patch": "R@1:<p>rewritten history"})

    def test_body_is_sanitized(self):
        self.returns.with_user(self.user_editor).body = '<p>ok</p><script>alert(1)</script><img src=x onerror="alert(2)">'
        self.assertNotIn("<script", self.returns.body)
        self.assertNotIn("onerror", self.returns.body)

    # ------------------------------------------------------------------
    def test_approval_flow(self):
        employee = self.user_employee
        draft = self.env["crm.knowledge.article"].with_user(employee).create({
            "name": "保修期多长", "body": "<p>整机保修一年。</p>"})
        self.assertEqual((draft.state, draft.owner_id), ("draft", employee))
        draft.write({"body": "<p>整机保修两年。</p>"})  # the author improves a draft
        with self.assertRaises(AccessError):
            draft.write({"state": "approved"})
        with self.assertRaises(AccessError):
            draft.action_approve()
        with self.assertRaises(AccessError):
            draft.write({"is_published": True})
        draft.action_submit()
        self.assertEqual(draft.state, "review")
        self.assertTrue(draft.sudo().activity_ids, "an editor is asked to approve")
        with self.assertRaises(ValidationError):
            draft.with_user(self.user_editor).write({"is_published": True})
        draft.with_user(self.user_editor).action_approve()
        draft.with_user(self.user_editor).action_publish()
        self.assertTrue(draft.is_published)
        # approved: the author can no longer change it directly, only propose
        with self.assertRaises(AccessError):
            draft.with_user(employee).write({"body": "<p>三年</p>"})
        with self.assertRaises(UserError):
            draft.with_user(self.user_editor).action_submit()

    def test_employees_read_approved_articles_and_their_own(self):
        other_draft = self.env["crm.knowledge.article"].with_user(self.user_agent).create({"name": "草稿"})
        visible = self.env["crm.knowledge.article"].with_user(self.user_employee).search([])
        self.assertIn(self.returns, visible)
        self.assertIn(self.invoice, visible)
        self.assertNotIn(other_draft, visible)
        with self.assertRaises(AccessError):
            other_draft.with_user(self.user_employee).read(["body"])
        with self.assertRaises(AccessError):
            self.invoice.with_user(self.user_employee).unlink()
        # portal customers read published articles only
        portal_visible = self.env["crm.knowledge.article"].with_user(self.user_portal).search([])
        self.assertEqual(portal_visible, self.returns)
        with self.assertRaises(AccessError):
            self.returns.with_user(self.user_portal).write({"name": "x"})

    def test_visitors_see_only_categories_and_tags_of_published_articles(self):
        public_category, internal_category = self.env["crm.knowledge.category"].create([
            {"name": "公开类别"}, {"name": "内部类别"}])
        public_tag, internal_tag = self.env["crm.knowledge.tag"].create([{"name": "公开标签"}, {"name": "内部标签"}])
        self.returns.write({"category_id": public_category.id, "tag_ids": [(6, 0, public_tag.ids)]})
        self.invoice.write({"category_id": internal_category.id, "tag_ids": [(6, 0, internal_tag.ids)]})
        for user in (self.user_portal, self.env.ref("base.public_user")):
            categories = self.env["crm.knowledge.category"].with_user(user).search_read([], ["name"])
            self.assertIn(public_category.id, [row["id"] for row in categories])
            self.assertNotIn(internal_category.id, [row["id"] for row in categories])
            tags = self.env["crm.knowledge.tag"].with_user(user).search([])
            self.assertIn(public_tag, tags)
            self.assertNotIn(internal_tag, tags)
            with self.assertRaises(AccessError):
                internal_category.with_user(user).read(["name"])
        self.assertIn(internal_tag, self.env["crm.knowledge.tag"].with_user(self.user_employee).search([]))

    def test_proposed_improvement_accepted_by_an_editor(self):
        proposal = self.env["crm.knowledge.proposal"].with_user(self.user_agent).create({
            "article_id": self.returns.id, "name": "退货政策", "body": "<p>收货后七天内可无理由退货，运费我们承担。</p>",
            "note": "客户常问运费", "state": "accepted"})
        self.assertEqual(proposal.state, "submitted", "a proposal cannot decide itself")
        with self.assertRaises(AccessError):
            proposal.action_accept()
        with self.assertRaises(AccessError):
            proposal.write({"state": "accepted"})
        self.assertFalse(self.env["crm.knowledge.proposal"].with_user(self.user_employee).search(
            [("id", "=", proposal.id)]), "proposals are private to their author and the editors")
        proposal.with_user(self.user_editor).action_accept()
        self.assertEqual(proposal.state, "accepted")
        self.assertIn("运费", self.returns.body)
        self.assertIn("七天内可无理由退货。", self.returns.version_ids[:1].body)
        with self.assertRaises(UserError):
            proposal.with_user(self.user_editor).action_reject()
        new = self.env["crm.knowledge.proposal"].with_user(self.user_agent).create({"name": "新文章", "body": "<p>x</p>"})
        new.with_user(self.user_editor).action_accept()
        self.assertEqual((new.article_id.state, new.article_id.owner_id), ("draft", self.user_agent))

    def test_votes_one_per_person(self):
        article = self.returns.with_user(self.user_agent)
        article.action_vote_helpful()
        article.action_vote_helpful()
        self.returns.with_user(self.user_employee).action_vote_unhelpful()
        self.assertEqual((self.returns.helpful_count, self.returns.unhelpful_count), (1, 1))
        article.action_vote_unhelpful()  # changed their mind
        self.assertEqual((self.returns.helpful_count, self.returns.unhelpful_count), (0, 2))
        self.returns._vote(True, visitor="a" * 64)
        self.returns._vote(True, visitor="a" * 64)
        self.assertEqual(self.returns.helpful_count, 1)
        self.assertAlmostEqual(self.returns.helpful_rate, 100 / 3)

    # ------------------------------------------------------------------
    def test_suggestions_on_a_chinese_complaint(self):
        complaint = self.env["crm.complaint"].with_user(self.user_agent).create({
            "subject": "申請退貨", "partner_id": self.contact.id, "category_id": self.category_product.id,
            "description": "<p>我上週買的茶葉有異味，想要退貨並退款，請問怎麼辦？</p>"})  # traditional characters
        self.assertEqual(complaint.knowledge_article_ids[:1], self.returns)
        self.assertNotIn(self.invoice, complaint.knowledge_article_ids)
        self.assertFalse(complaint.knowledge_gap)
        action = self.returns.with_user(self.user_agent).with_context(
            knowledge_reply_model="crm.complaint", knowledge_reply_id=complaint.id).action_reply_with_article()
        composer = Form(self.env["mail.compose.message"].with_user(self.user_agent).with_context(**action["context"]))
        self.assertIn("七天内可无理由退货", str(composer.body))
        self.assertIn(self.returns, composer.knowledge_suggestion_ids)
        self.assertEqual(self.returns.use_count, 1)

    def test_question_without_an_answer_opens_a_task(self):
        complaint = self.env["crm.complaint"].with_user(self.user_agent).create({
            "subject": "快递太慢", "partner_id": self.contact.id, "category_id": self.category_process.id,
            "description": "<p>物流三周还没到。</p>"})
        self.assertTrue(complaint.knowledge_gap)
        self.assertFalse(complaint.knowledge_article_ids)
        self.assertIn(complaint, self.env["crm.complaint"].search([("knowledge_gap", "=", True)]))
        complaint.action_request_article()
        activity = complaint.activity_ids
        self.assertEqual(activity.activity_type_id, self.env.ref("crm_unified_view.mail_activity_type_write_article"))
        self.assertTrue(activity.user_id.has_group("crm_unified_view.group_knowledge_editor"))
        # the editor writes and approves the article: the question has its answer
        article = self.env["crm.knowledge.article"].with_user(self.user_editor).create({
            "name": "物流时效", "keywords": "物流, 快递", "body": "<p>一般三到五天送达。</p>"})
        article.action_approve()
        complaint.invalidate_recordset()
        self.assertFalse(complaint.knowledge_gap)

    def test_reply_rule_points_to_its_article(self):
        template = self.env["mail.template"].create({
            "name": "发票回复", "model_id": self.env["ir.model"]._get_id("crm.complaint"), "body_html": "<p>x</p>"})
        rule = self.env["crm.reply.rule"].create({
            "name": "发票", "keywords": "专票", "template_id": template.id, "article_id": self.invoice.id})
        complaint = self.env["crm.complaint"].create({"subject": "专票", "reply_rule_id": rule.id})
        self.assertEqual(complaint.knowledge_article_ids[:1], self.invoice)

    def test_search_terms_fold_simplified_and_traditional(self):
        self.assertEqual(knowledge.query_terms("退貨 政策 退货"), ["退货", "政策"])
        domain = self.env["crm.knowledge.article"]._search_terms_domain("退貨")
        self.assertEqual(self.env["crm.knowledge.article"].search(domain), self.returns)

    def test_start_here_path_of_a_team(self):
        team = self.env["crm.team"].create({"name": "新人团队", "member_ids": [(4, self.user_agent.id)]})
        self.invoice.start_here_team_ids = team
        self.returns.write({"start_here_team_ids": [(4, team.id)], "start_here_sequence": 1})
        self.invoice.start_here_sequence = 2
        with self.assertRaises(AccessError):
            self.invoice.with_user(self.user_agent).start_here_sequence = 0
        path = self.env["crm.knowledge.article"].with_user(self.user_agent).search(
            [("start_here_team_ids.member_ids", "in", [self.user_agent.id])], order="start_here_sequence")
        self.assertEqual(path, self.returns | self.invoice)
        self.assertEqual(path[0], self.returns)
