"""Keyword rules for reply templates: Chinese-aware word matching, no regular expressions.

Text is normalised (NFKC, case folded, traditional -> simplified Chinese) and segmented
into words with jieba; a keyword (a word or a phrase) matches when its own words appear
consecutively in the text's words. A one-word keyword also matches a dictionary word
inside a longer one, as jieba's search mode does ("发票" in "开发票"), never a string that
straddles two words ("和服" is not in "和 / 服务员"). Nothing here is a pattern supplied
by users: the text is indexed once (phrases of up to 8 words) and each keyword is a set
lookup, so the cost is linear in the (capped) text size whatever the rules.

Score of a rule (``score_rule``)::

    score = sum over the rule's distinct keywords found in the text of
            words(keyword) x (2 if found in the subject else 1)

A phrase of several words is more specific than one word and counts more; the subject
counts double. The best rule is the one with the highest score at or above its minimum
score; ties go to the lowest sequence, then the lowest id.
"""
import logging
import threading
import unicodedata

MAX_TEXT_CHARS = 20000
MAX_KEYWORDS_PER_RULE = 200
MAX_PHRASE_WORDS = 8
KEYWORD_SEPARATORS = ",\n;，；、|"

_lock = threading.Lock()
_state = {}


def _jieba():
    """The jieba tokenizer, its dictionary loaded once per process (it prints on stderr: silence it)."""
    tokenizer = _state.get("jieba")
    if tokenizer is None:
        with _lock:
            tokenizer = _state.get("jieba")
            if tokenizer is None:
                import jieba  # noqa: PLC0415 - heavy: only when first needed
                jieba.setLogLevel(logging.WARNING)
                logging.getLogger("jieba").setLevel(logging.WARNING)
                tokenizer = jieba.Tokenizer()
                tokenizer.initialize()
                _state["jieba"] = tokenizer
    return tokenizer


def _converter():
    converter = _state.get("opencc")
    if converter is None:
        import opencc  # noqa: PLC0415
        converter = _state["opencc"] = opencc.OpenCC("t2s")
    return converter


def normalize(text, limit=MAX_TEXT_CHARS):
    """Comparable form of ``text``: at most ``limit`` characters, NFKC, case folded, simplified Chinese."""
    if not text:
        return ""
    text = str(text)[:limit]
    # lone surrogates from broken encodings cannot be normalised or converted
    text = text.encode("utf-8", "replace").decode("utf-8")
    text = unicodedata.normalize("NFKC", text).casefold()
    return _converter().convert(text)


def tokenize(text, limit=MAX_TEXT_CHARS):
    """The words of ``text`` (normalised), without whitespace and punctuation."""
    text = normalize(text, limit)
    if not text:
        return []
    return [word for word in _jieba().lcut(text, HMM=False)
            if word.strip() and not all(unicodedata.category(char)[0] in "PSZC" for char in word)]


def parse_keywords(keywords):
    """Keywords of a rule, written one per line or separated by commas (ASCII or Chinese)."""
    text = keywords or ""
    for separator in KEYWORD_SEPARATORS[1:]:
        text = text.replace(separator, KEYWORD_SEPARATORS[0])
    seen, result = set(), []
    for keyword in text.split(KEYWORD_SEPARATORS[0]):
        words = tuple(tokenize(keyword, limit=200))
        if words and len(words) <= MAX_PHRASE_WORDS and words not in seen:
            seen.add(words)
            result.append(words)
    return result[:MAX_KEYWORDS_PER_RULE]


def _subwords(word, tokenizer):
    """Dictionary words of two or three characters inside a longer word (jieba's search mode)."""
    found = []
    for size in (2, 3):
        if len(word) > size:
            found.extend(word[i:i + size] for i in range(len(word) - size + 1)
                         if tokenizer.FREQ.get(word[i:i + size]))
    return found


def index_text(text, limit=MAX_TEXT_CHARS):
    """Everything a keyword can match in ``text``: runs of 1..8 consecutive words, and sub-words."""
    words = tokenize(text, limit)
    grams = set()
    for size in range(1, MAX_PHRASE_WORDS + 1):
        for start in range(len(words) - size + 1):
            grams.add(tuple(words[start:start + size]))
    tokenizer = _jieba()
    for word in set(words):
        grams.update((sub,) for sub in _subwords(word, tokenizer))
    return grams


def score_rule(keywords, body_index, subject_index=frozenset()):
    """Score of one rule's parsed ``keywords`` against an indexed email (see module doc)."""
    score = 0
    for words in keywords:
        if words in subject_index:
            score += 2 * len(words)
        elif words in body_index:
            score += len(words)
    return score


def best_rule(rules, body, subject=""):
    """The best of ``rules`` for an email, as ``(rule_id, score)`` or ``(None, 0)``.

    :param rules: iterable of ``(rule_id, sequence, keywords_text, min_score)``
    :param body: plain text of the email (already converted from HTML)
    """
    body_index, subject_index = index_text(body), index_text(subject, limit=1000)
    if not body_index and not subject_index:
        return None, 0
    best = (None, 0, None)
    for rule_id, sequence, keywords_text, min_score in rules:
        score = score_rule(parse_keywords(keywords_text), body_index, subject_index)
        if score <= 0 or score < (min_score or 1):
            continue
        key = (-score, sequence or 0, rule_id)
        if best[0] is None or key < best[2]:
            best = (rule_id, score, key)
    return best[0], best[1]
