"""Public help pages: published, approved articles only, read with the visitor's own rights."""
import hashlib
import secrets

from werkzeug.exceptions import NotFound

from odoo import http
from odoo.http import request
from odoo.tools.misc import consteq, hmac

from odoo.addons.portal.controllers.portal import pager as portal_pager

PAGE_SIZE = 20
MAX_QUERY_CHARS = 200
# A random token, signed, that identifies an anonymous visitor across sessions for a year.
VISITOR_COOKIE = "crm_knowledge_visitor"
VISITOR_COOKIE_AGE = 365 * 24 * 3600


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
            "article": article, "voted": voted in ("1", "0"), "vote_limit": voted == "limit",
            "related": article.search(article._public_domain() + [
                ("category_id", "=", article.category_id.id), ("id", "!=", article.id)], limit=5)
            if article.category_id else article.browse(),
        })

    @http.route("/help/article/<int:article_id>/vote", type="http", auth="public", methods=["POST"], website=True,
                sitemap=False)
    def help_article_vote(self, article_id, helpful="1", **kwargs):
        article = self._published_article(article_id)
        user = request.env.user
        token, new_token = None, False
        if user._is_public():
            # One vote per visitor (their cookie, kept as a hash) and a few per network address
            # (kept as a keyed hash): nothing that identifies the visitor is stored.
            token, new_token = self._visitor_token()
            address = hmac(request.env(su=True), "crm_knowledge_vote_address", request.httprequest.remote_addr)
            counted = article._vote(helpful == "1", visitor=hashlib.sha256(token.encode()).hexdigest(),
                                    address=address)
        else:
            counted = article._vote(helpful == "1", user=user)
        response = request.redirect("/help/article/%d?voted=%s" % (
            article.id, "limit" if not counted else "1" if helpful == "1" else "0"))
        if new_token:
            response.set_cookie(VISITOR_COOKIE, "%s.%s" % (token, self._sign(token)), max_age=VISITOR_COOKIE_AGE,
                                httponly=True, samesite="Lax", secure=request.httprequest.scheme == "https")
        return response

    def _sign(self, token):
        return hmac(request.env(su=True), VISITOR_COOKIE, token)

    def _visitor_token(self):
        """The token of the visitor's cookie if this server signed it, else a new one: (token, is new)."""
        token, _dot, signature = request.httprequest.cookies.get(VISITOR_COOKIE, "").partition(".")
        if token and signature and consteq(signature, self._sign(token)):
            return token, False
        return secrets.token_hex(16), True
