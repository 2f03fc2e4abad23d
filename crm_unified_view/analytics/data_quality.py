"""Data-quality scores of a customer record: pure functions, no ORM.

accuracy     = 100 x (0.6 x format + 0.2 x uniqueness + 0.2 x freshness)
completeness = 100 x sum(weight of present expected items) / sum(weight of expected items)

See README.md ("Data-quality scores") for the definitions of each term.
"""
import re

import phonenumbers
from stdnum import get_cc_module
from stdnum.exceptions import ValidationError as StdnumValidationError

from odoo.tools.mail import single_email_re

FORMAT_WEIGHT = 0.6
UNIQUENESS_WEIGHT = 0.2
FRESHNESS_WEIGHT = 0.2
# A verification is fully trusted for a year, then trust fades out over two more.
FRESH_DAYS = 365
STALE_DAYS = 3 * 365

DEFAULT_REGION = "CN"
# What people type between the characters of a tax ID (spaces, dashes, dots, slashes): ignored
# wherever tax IDs are compared, here and in SQL; ASCII classes, as PostgreSQL's in a C locale.
VAT_SEPARATORS = r"[-\s./]"
# A phone number is known by its last 11 digits (a mainland mobile), when it has at least 7.
PHONE_KEY_DIGITS = 11
PHONE_MIN_DIGITS = 7


def is_valid_email(value):
    """One plain address (no name, no list), by Odoo's own rule."""
    return bool(value) and bool(single_email_re.match(value.strip()))


def vat_key(value):
    """A tax ID as compared: without separators, in upper case ("" when there is none, or "/")."""
    return re.sub(VAT_SEPARATORS, "", value or "", flags=re.ASCII).upper()


def is_valid_phone(value, country_code=None):
    if not value:
        return False
    try:
        number = phonenumbers.parse(value, (country_code or DEFAULT_REGION).upper())
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.is_valid_number(number)


def is_valid_vat(value, country_code=None):
    """China's unified social credit code, or the VAT number of the partner's country."""
    compact = vat_key(value)
    if not compact:
        return False
    # stdnum maps China's "vat" to the unified social credit code (统一社会信用代码).
    module = get_cc_module((country_code or DEFAULT_REGION).lower(), "vat")
    if module is None:
        return len(compact) >= 5
    try:
        module.validate(compact)
    except StdnumValidationError:
        return False
    return True


VALIDATORS = {
    "email": lambda value, country: is_valid_email(value),
    "phone": is_valid_phone,
    "vat": is_valid_vat,
}


def is_valid(check, value, country_code=None):
    """Whether ``value`` passes ``check`` ('none' accepts any filled value)."""
    validator = VALIDATORS.get(check)
    return bool(value) if validator is None else validator(value, country_code)


def freshness(days_since_verified):
    """1 when verified within a year, fading linearly to 0 at three years; 0 if never."""
    if days_since_verified is None:
        return 0.0
    if days_since_verified <= FRESH_DAYS:
        return 1.0
    if days_since_verified >= STALE_DAYS:
        return 0.0
    return (STALE_DAYS - days_since_verified) / (STALE_DAYS - FRESH_DAYS)


def accuracy_score(checks, is_duplicate, days_since_verified):
    """Accuracy of descriptive information, 0-100.

    :param checks: iterable of (weight, passed) for each *filled* descriptive item
    :param is_duplicate: another customer shares this one's email or tax ID
    :param days_since_verified: days since a person confirmed the data, or None
    """
    checks = list(checks)
    total = sum(weight for weight, _passed in checks)
    if not total:
        return 0.0
    format_share = sum(weight for weight, passed in checks if passed) / total
    score = (FORMAT_WEIGHT * format_share
             + UNIQUENESS_WEIGHT * (0.0 if is_duplicate else 1.0)
             + FRESHNESS_WEIGHT * freshness(days_since_verified))
    return round(100.0 * score, 1)


def completeness_score(items):
    """Completeness of behavioural information, 0-100.

    :param items: iterable of (weight, present) for each expected behavioural item
    """
    items = list(items)
    total = sum(weight for weight, _present in items)
    if not total:
        return 0.0
    return round(100.0 * sum(weight for weight, present in items if present) / total, 1)


def normalized_phone(value):
    """Digits that identify a phone number across formats (see ``PHONE_KEY_DIGITS``)."""
    digits = re.sub(r"\D", "", value or "")
    return digits[-PHONE_KEY_DIGITS:] if len(digits) >= PHONE_MIN_DIGITS else ""
