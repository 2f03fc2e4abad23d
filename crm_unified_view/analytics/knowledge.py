"""Knowledge articles: searchable text, search terms, suggestions for a customer's text.

Text is compared in the normalised form of :mod:`.keywords` (NFKC, case folded, traditional
Chinese converted to simplified), so a search or a complaint in traditional characters finds
an article written in simplified ones and the other way round.

Suggestion score of an article for a customer's text (``rank_articles``): the keyword score
of :func:`.keywords.score_rule` over the article's match terms, which are its keywords and
tags, or the words of its title (two characters or more) when it has neither.
"""
from . import keywords as kw

MAX_QUERY_TERMS = 8
MAX_SUGGESTIONS = 5


def search_text(*parts):
    """The normalised text an article is searched by (title, body text, keywords, tags)."""
    return kw.normalize(" ".join(part for part in parts if part))


def query_terms(query):
    """Distinct normalised words of a search query; every one must be found in an article."""
    terms = []
    for word in kw.tokenize(query, limit=200):
        if word not in terms:
            terms.append(word)
    return terms[:MAX_QUERY_TERMS]


def match_terms(keywords, tags=(), title=""):
    """Parsed terms an article is suggested for (see the module doc)."""
    terms = kw.parse_keywords("\n".join([keywords or ""] + list(tags)))
    if not terms:
        terms = [(word,) for word in dict.fromkeys(kw.tokenize(title, limit=200)) if len(word) >= 2]
    return terms


def rank_articles(articles, text, subject="", limit=MAX_SUGGESTIONS):
    """Best articles for a customer's text, as ``[(article_id, score)]``, best first.

    :param articles: iterable of ``(article_id, terms)`` with terms from :func:`match_terms`
    :param text: plain text of the customer's message; ``subject`` counts double
    """
    body_index, subject_index = kw.index_text(text), kw.index_text(subject, limit=1000)
    if not body_index and not subject_index:
        return []
    scored = [(article_id, kw.score_rule(terms, body_index, subject_index)) for article_id, terms in articles]
    scored = [item for item in scored if item[1] > 0]
    scored.sort(key=lambda item: (-item[1], item[0]))
    return scored[:limit]

