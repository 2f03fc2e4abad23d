"""SQL pieces that several queries share (each figure and each matching key written once), and
statements prepared once per database session (the queries that run with every sale)."""
import hashlib

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


# Prepared statements are named after their text (a digest), with this prefix.
PREPARED_PREFIX = "crm_unified_view_"


def execute(cr, statement, parameters=None):
    """Run ``statement``; given its ``parameters`` (the PostgreSQL type and the value of each of
    $1, $2...), as a statement prepared once per database session: PostgreSQL plans it at its
    first few runs, then keeps one generic plan rather than planning it every time. Returns the
    cursor.

    The statements the session has are asked once per transaction: behind a pooler in
    transaction mode (PgBouncer), one connection's transactions may run in different sessions.
    A statement's name is a digest of its text: changed code prepares a statement of its own."""
    if not parameters:
        cr.execute(statement)
        return cr
    name = PREPARED_PREFIX + hashlib.sha1(cr.mogrify(statement)).hexdigest()[:24]
    # what the transaction learnt, forgotten when it ends (committed or rolled back)
    prepared = cr.postrollback.data.get("crm_unified_view.prepared")
    if prepared is None:
        cr.execute(SQL("SELECT name FROM pg_prepared_statements WHERE starts_with(name, %s)", PREPARED_PREFIX))
        prepared = cr.postrollback.data["crm_unified_view.prepared"] = {row[0] for row in cr.fetchall()}
    if name not in prepared:
        types = SQL(", ".join(type_ for type_, _value in parameters))
        cr.execute(SQL("PREPARE %s (%s) AS %s", SQL.identifier(name), types, statement))
        prepared.add(name)  # not undone by a rollback: a session's statements are not transactional
    cr.execute(SQL("EXECUTE %s (%s)", SQL.identifier(name), SQL(", ").join(SQL("%s", value) for _type, value in parameters)))
    return cr


def id_array(ids, prepared):
    """``ids`` as an SQL int[]; with ``prepared``, the array of the one parameter $1 (PostgreSQL
    then plans for one element, and keeps that plan: see :func:`execute`)."""
    return SQL("ARRAY[$1::int]") if prepared else SQL("%s::int[]", list(ids))
