-- Bench customers and their confirmed sales orders, straight into PostgreSQL.
-- Parameters: customers, orders, company, currency (psycopg2 named parameters).
INSERT INTO res_partner (name, complete_name, active, is_company, customer_rank, type, lang, autopost_bills,
                         create_date, write_date)
SELECT 'Bench customer ' || g, 'Bench customer ' || g, true, g %% 3 = 0, 1, 'contact', 'en_US', 'ask', now(), now()
  FROM generate_series(1, %(customers)s) g;
UPDATE res_partner SET commercial_partner_id = id WHERE commercial_partner_id IS NULL;
CREATE TEMPORARY TABLE bench_partner AS
SELECT row_number() OVER (ORDER BY id) AS n, id FROM res_partner WHERE name LIKE 'Bench customer %%';
INSERT INTO sale_order (name, partner_id, partner_invoice_id, partner_shipping_id, company_id, currency_id,
                        pricelist_id, date_order, state, amount_untaxed, amount_tax, amount_total, currency_rate,
                        create_date, write_date)
SELECT 'B' || g, p.id, p.id, p.id, %(company)s, %(currency)s, NULL,
       now() - make_interval(days => ((g * 7919) %% 730)::int),
       'sale', 10 + ((g * 104729) %% 99000) / 100.0, 0, 10 + ((g * 104729) %% 99000) / 100.0, 1,
       now(), now()
  FROM generate_series(1::bigint, %(orders)s) g
  JOIN bench_partner p ON p.n = 1 + (((g * 2654435761) %% %(customers)s) * ((g %% 7) + 1)) %% %(customers)s;
ANALYZE res_partner; ANALYZE sale_order;
