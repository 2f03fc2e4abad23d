"""SQL pieces that several queries share: each figure and each matching key written once."""
from odoo.tools import SQL

from ..analytics import data_quality


def counted_order(company_id, order="so"):
    """The condition on a sales order (alias ``order``) to count for ``company_id``'s figures:
    confirmed, and of that company."""
    return SQL("%s = 'sale' AND %s = %s", SQL.identifier(order, "state"), SQL.identifier(order, "company_id"),
               company_id)


def counted_invoice(company_id, move="m"):
    """The condition on a journal entry (alias ``move``) to count as a sale of ``company_id``: a
    posted customer invoice or credit note of that company (its ``amount_untaxed_signed`` is
    then the net sale in company currency)."""
    return SQL("%s = 'posted' AND %s IN ('out_invoice', 'out_refund') AND %s = %s", SQL.identifier(move, "state"),
               SQL.identifier(move, "move_type"), SQL.identifier(move, "company_id"), company_id)


def latest_run(company_id):
    """The id of ``company_id``'s latest finished run, as a subquery (NULL before any): the run
    whose figures its customers show (see ``crm.segmentation.run._latest_id``). Building SQL with
    it runs no query: the web client describes every field read through it as sortable."""
    return SQL("""(SELECT run.id FROM crm_segmentation_run run WHERE run.company_id = %s AND run.state = 'done'
                    ORDER BY run.date_as_of DESC, run.id DESC LIMIT 1)""", company_id)


def company_amount(amount, order="so"):
    """``amount`` (an SQL expression) of a sales order or of one of its lines in the currency of
    the order's company: divided by the order's ``currency_rate`` (order currency per unit of
    company currency, 1 when missing)."""
    return SQL("%s / COALESCE(NULLIF(%s, 0), 1)", amount, SQL.identifier(order, "currency_rate"))


def vat_key(column):
    """A tax ID column as compared (:func:`..analytics.data_quality.vat_key`)."""
    return SQL("UPPER(REGEXP_REPLACE(%s, %s, '', 'g'))", column, data_quality.VAT_SEPARATORS)


def phone_key(column):
    """A phone column as compared (:func:`..analytics.data_quality.normalized_phone`)."""
    digits = SQL("REGEXP_REPLACE(COALESCE(%s, ''), '\\D', '', 'g')", column)
    return SQL("CASE WHEN LENGTH(%s) >= %s THEN RIGHT(%s, %s) ELSE '' END", digits, data_quality.PHONE_MIN_DIGITS,
               digits, data_quality.PHONE_KEY_DIGITS)


def known_cost(cost):
    """Whether a line's cost (an SQL expression) is known: a cost of zero counts as unknown,
    which is what ``sale_margin`` freezes for a product without a cost."""
    return SQL("COALESCE(%s, 0) <> 0", cost)
