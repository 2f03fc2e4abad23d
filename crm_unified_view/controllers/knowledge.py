"""Public help pages: published, approved articles only, read with the visitor's own rights."""
import hashlib

from werkzeug.exceptions import NotFound

from odoo import http
from odoo.http import request

from odoo.addons.portal.controllers.portal import pager as portal_pager

PAGE_SIZE = 20
MAX_QUERY_CHARS = 200


class KnowledgeHelpPages(http.Controller):

    def _articles(self):
        # No sudo: record rules give visitors the published, approved articles and nothing else;
        # the domain says it again so that an internal user sees here what customers see.
        return request.env["crm.knowledge.article"]

    @http.route(["/help", "/help/page/<int:page>"], type="http", auth="public", methods=["GET"], website=True,
                sitemap=True)
    def help_index(self, page=1, search="", category=None, **kwargs):
        Article = self._articles()
        search = (search or "").strip()[:MAX_QUERY_CHARS]
        domain = Article._public_domain()
        current = request.env["crm.knowledge.category"]
        if category and str(category).isdigit():
            current = current.browse(int(category)).exists()
            if current:
                domain.append(("category_id", "child_of", current.id))
        if search:
            domain += Article._search_terms_domain(search)
        total = Article.search_count(domain)
        pager = portal_pager(url="/help", total=total, page=page, step=PAGE_SIZE, url_args={
            key: value for key, value in (("search", search), ("category", current.id)) if value})
        articles = Article.search(domain, limit=PAGE_SIZE, offset=pager["offset"],
                                  order="helpful_count desc, view_count desc, name")
        published = Article.search(Article._public_domain())
        return request.render("crm_unified_view.knowledge_help_index", {
            "articles": articles, "search": search, "category": current, "total": total, "pager": pager,
            "categories": published.category_id.sorted("complete_name"),
        })

    def _published_article(self, article_id):
        Article = self._articles()
        article = Article.search(Article._public_domain() + [("id", "=", article_id)], limit=1)
        if not article:
            raise NotFound()
        return article

    @http.route("/help/article/<int:article_id>", type="http", auth="public", methods=["GET"], website=True,
                sitemap=False)
    def help_article(self, article_id, voted=None, **kwargs):
        article = self._published_article(article_id)
        article._increment("view_count")
        return request.render("crm_unified_view.knowledge_help_article", {
            "article": article, "voted": voted in ("1", "0"),
            "related": article.search(article._public_domain() + [
                ("category_id", "=", article.category_id.id), ("id", "!=", article.id)], limit=5)
            if article.category_id else article.browse(),
        })

    @http.route("/help/article/<int:article_id>/vote", type="http", auth="public", methods=["POST"], website=True,
                sitemap=False)
    def help_article_vote(self, article_id, helpful="1", **kwargs):
        article = self._published_article(article_id)
        user = request.env.user
        if user._is_public():
            # one vote per browser session, kept as a hash: nothing that identifies the visitor
            request.session["crm_knowledge_visitor"] = True  # keeps the session (and its id) for the next vote
            visitor = hashlib.sha256(request.session.sid.encode()).hexdigest()
            article._vote(helpful == "1", visitor=visitor)
        else:
            article._vote(helpful == "1", user=user)
        return request.redirect("/help/article/%d?voted=%s" % (article.id, "1" if helpful == "1" else "0"))
