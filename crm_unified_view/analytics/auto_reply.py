"""May an incoming email get an automatic answer? Never to a machine (RFC 3834): autoresponders,
bulk and list mail, bounces and robot senders, so that two autoresponders cannot loop."""
import re
from email.utils import getaddresses

# Precedence values of mail nobody should answer automatically (RFC 2076, RFC 3834 §2)
PRECEDENCE_NO_ANSWER = {"bulk", "junk", "list", "auto_reply"}
# X-Auto-Response-Suppress (Microsoft) values asking not to be auto-answered
SUPPRESS_NO_ANSWER = {"all", "autoreply", "oof"}
# present at all: the message is an automatic one or comes through a list
FLAG_HEADERS = ("x-autoreply", "x-autorespond", "list-id")
ROBOT_LOCALPART = re.compile(
    r"^(mailer-daemon|postmaster|no[-_.]?reply|do[-_.]?not[-_.]?reply)([-+_.].*)?$", re.IGNORECASE)


def _headers(headers):
    """Lower-cased header names to string values, from a dict or an email.message.Message."""
    items = headers.items() if headers else ()
    return {str(name).lower(): str(value if value is not None else "").strip()
            for name, value in items if name}


def _main_value(value):
    """'auto-generated; owner-email="x"' -> 'auto-generated'."""
    return value.split(";", 1)[0].strip().lower()


def refusal(headers, email_from, is_bounce=False):
    """Why an automatic answer must not be sent to this message ('' when it may be)."""
    headers = _headers(headers)
    if is_bounce:
        return "bounce"
    auto_submitted = _main_value(headers.get("auto-submitted", ""))
    if auto_submitted and auto_submitted != "no":
        return "auto-submitted: %s" % auto_submitted
    if _main_value(headers.get("precedence", "")) in PRECEDENCE_NO_ANSWER:
        return "precedence: %s" % _main_value(headers["precedence"])
    for name in FLAG_HEADERS:
        if name in headers:
            return name
    suppress = {part.strip().lower() for part in headers.get("x-auto-response-suppress", "").split(",")}
    if suppress & SUPPRESS_NO_ANSWER:
        return "x-auto-response-suppress"
    if headers.get("return-path", "").replace(" ", "") == "<>":
        return "null return path"
    content_type = _main_value(headers.get("content-type", ""))
    if content_type == "multipart/report":
        return "delivery report"
    addresses = [address for _name, address in getaddresses([str(email_from or "")]) if "@" in address]
    if not addresses:
        return "no sender address"
    localpart = addresses[0].rsplit("@", 1)[0]
    if ROBOT_LOCALPART.match(localpart):
        return "robot sender: %s" % addresses[0]
    return ""


def is_autoresponder(headers):
    """Is this message an automatic reply to one of ours (out of office, vacation notice)? Nobody
    waits for an answer to it (RFC 3834 §5: Auto-Submitted: auto-replied)."""
    headers = _headers(headers)
    return (_main_value(headers.get("auto-submitted", "")) == "auto-replied"
            or _main_value(headers.get("precedence", "")) == "auto_reply"
            or any(name in headers for name in ("x-autoreply", "x-autorespond")))


def may_auto_answer(headers, email_from, is_bounce=False):
    return not refusal(headers, email_from, is_bounce=is_bounce)
