"""The first contact of a customer and how fast we first answered, kept on the commercial partner."""
from odoo import api, fields, models
from odoo.tools import SQL

from .res_partner import CUSTOMER_INFO_GROUPS

FIRST_CONTACT_CHANNELS = [
    ("lead", "Lead / Opportunity"),
    ("email", "Email"),
    ("website", "Website Form"),
    ("phone", "Phone / Activity"),
    ("import", "Import"),
    ("order", "Order"),
    ("other", "Other"),
]
# Where a first contact can come from (the records of the first_contact_ref field).
FIRST_CONTACT_SOURCES = [
    ("crm.lead", "Lead / Opportunity"),
    ("crm.complaint", "Complaint"),
    ("mail.message", "Message"),
    ("sale.order", "Sales Order"),
]
# Every contact of a customer (commercial partner), earliest first: date, channel, source
# record, whether it came from the customer (inbound), and a rank that breaks ties on one date.
CONTACTS = """
    SELECT p.commercial_partner_id AS partner_id, l.create_date AS date, 'lead' AS channel,
           'crm.lead,' || l.id AS ref, TRUE AS inbound, 1 AS rank
      FROM crm_lead l JOIN res_partner p ON p.id = l.partner_id
     WHERE %(only_p)s
 UNION ALL
    SELECT c.commercial_partner_id, c.date_received,
           CASE c.channel WHEN 'web' THEN 'website' WHEN 'email' THEN 'email' WHEN 'phone' THEN 'phone'
                ELSE 'other' END,
           'crm.complaint,' || c.id, TRUE, 2
      FROM crm_complaint c
     WHERE c.commercial_partner_id IS NOT NULL AND %(only_c)s
 UNION ALL
    SELECT p.commercial_partner_id, m.date, 'email', 'mail.message,' || m.id, TRUE, 3
      FROM mail_message m JOIN res_partner p ON p.id = m.author_id
     WHERE m.message_type = 'email' AND %(only_p)s
 UNION ALL
    SELECT p.commercial_partner_id, m.date, 'phone', 'mail.message,' || m.id, FALSE, 4
      FROM mail_message m JOIN res_partner p ON p.id = m.res_id AND m.model = 'res.partner'
     WHERE m.mail_activity_type_id IS NOT NULL AND %(only_p)s
 UNION ALL
    SELECT p.commercial_partner_id, so.date_order, 'order', 'sale.order,' || so.id, FALSE, 5
      FROM sale_order so JOIN res_partner p ON p.id = so.partner_id
     WHERE so.state <> 'cancel' AND %(only_p)s
 UNION ALL
    SELECT p.id, p.first_contact_date, 'import', NULL, FALSE, 6
      FROM res_partner p
     WHERE p.first_contact_channel = 'import' AND p.first_contact_date IS NOT NULL AND %(only_id)s
"""
# The records whose messages answer a customer: the partner and its contacts, its leads and complaints.
THREADS = """
    SELECT 'res.partner' AS model, p.id AS res_id, p.commercial_partner_id AS partner_id
      FROM res_partner p WHERE %(only_p)s
 UNION ALL
    SELECT 'crm.lead', l.id, p.commercial_partner_id
      FROM crm_lead l JOIN res_partner p ON p.id = l.partner_id WHERE %(only_p)s
 UNION ALL
    SELECT 'crm.complaint', c.id, c.commercial_partner_id
      FROM crm_complaint c WHERE c.commercial_partner_id IS NOT NULL AND %(only_c)s
"""


class ResPartner(models.Model):
    _inherit = "res.partner"

    first_contact_date = fields.Datetime(
        readonly=True, copy=False, groups=CUSTOMER_INFO_GROUPS,
        help="The customer's first contact with us: the earliest lead, complaint, email from them, logged "
             "call or meeting, order, or their import.")
    first_contact_channel = fields.Selection(
        FIRST_CONTACT_CHANNELS, readonly=True, copy=False, groups=CUSTOMER_INFO_GROUPS)
    first_contact_ref = fields.Reference(
        FIRST_CONTACT_SOURCES, "First Contact Source", readonly=True, copy=False, groups=CUSTOMER_INFO_GROUPS,
        help="The record of the first contact.")
    first_response_hours = fields.Float(
        "First Response (hours)", readonly=True, copy=False, groups=CUSTOMER_INFO_GROUPS, aggregator="avg",
        help="Hours from the customer's first inbound contact (lead, complaint or email from them) to the first "
             "answer of an internal user: a message sent (not a note) or a done activity on the customer, one of "
             "its contacts, leads or complaints.")

    @api.model
    def _update_first_contacts(self, partner_ids=None):
        """First contact and first response of the commercial partners ``partner_ids`` (all when
        None), from their records, in one statement; only the partners whose values change are
        written. Returns how many were."""
        for model in ("crm.lead", "crm.complaint", "mail.message", "sale.order", "res.partner"):
            self.env[model].flush_model()
        if partner_ids is None:
            only = dict.fromkeys(("only_p", "only_c", "only_id"), SQL("TRUE"))
            targets = SQL("SELECT id FROM res_partner WHERE id = commercial_partner_id")
        else:
            ids = list(partner_ids)
            only = {"only_p": SQL("p.commercial_partner_id = ANY(%s)", ids),
                    "only_c": SQL("c.commercial_partner_id = ANY(%s)", ids), "only_id": SQL("p.id = ANY(%s)", ids)}
            targets = SQL("SELECT id FROM res_partner WHERE id = commercial_partner_id AND id = ANY(%s)", ids)
        self.env.cr.execute(SQL("""
            WITH contacts AS (%(contacts)s),
                 first AS (SELECT DISTINCT ON (partner_id) partner_id, date, channel, ref
                             FROM contacts WHERE date IS NOT NULL ORDER BY partner_id, date, rank, ref),
                 inbound AS (SELECT partner_id, MIN(date) AS date FROM contacts
                              WHERE inbound AND date IS NOT NULL GROUP BY partner_id),
                 threads AS (%(threads)s),
                 answer AS (
                    SELECT i.partner_id, MIN(m.date) AS date
                      FROM inbound i
                      JOIN threads t ON t.partner_id = i.partner_id
                      JOIN mail_message m ON m.model = t.model AND m.res_id = t.res_id
                      LEFT JOIN mail_message_subtype st ON st.id = m.subtype_id
                     WHERE m.date >= i.date
                       AND m.author_id IN (SELECT partner_id FROM res_users WHERE share IS NOT TRUE)
                       AND (m.mail_activity_type_id IS NOT NULL
                            OR (m.message_type IN ('email', 'comment', 'email_outgoing')
                                AND st.id IS NOT NULL AND NOT COALESCE(st.internal, FALSE)))
                  GROUP BY i.partner_id),
                 new AS (
                    SELECT tp.id, f.date, f.channel, f.ref,
                           round((EXTRACT(EPOCH FROM a.date - i.date) / 3600.0)::numeric, 2)::float8 AS hours
                      FROM (%(targets)s) tp
                      LEFT JOIN first f ON f.partner_id = tp.id
                      LEFT JOIN inbound i ON i.partner_id = tp.id
                      LEFT JOIN answer a ON a.partner_id = tp.id)
            UPDATE res_partner p
               SET first_contact_date = new.date, first_contact_channel = new.channel,
                   first_contact_ref = new.ref, first_response_hours = new.hours
              FROM new
             WHERE p.id = new.id
               AND (p.first_contact_date, p.first_contact_channel, p.first_contact_ref, p.first_response_hours)
                   IS DISTINCT FROM (new.date, new.channel, new.ref, new.hours)
        """, contacts=SQL(CONTACTS, **only), threads=SQL(THREADS, only_p=only["only_p"], only_c=only["only_c"]),
            targets=targets))
        count = self.env.cr.rowcount
        self.invalidate_model(["first_contact_date", "first_contact_channel", "first_contact_ref",
                               "first_response_hours"])
        return count

    def _update_first_contacts_of_commercial(self):
        """After a lead or complaint of these partners was created."""
        ids = set(self.commercial_partner_id.ids)
        if ids:
            self.env["res.partner"].sudo()._update_first_contacts(ids)
