-- Bench customers, a catalogue of products, confirmed sales orders with their lines (margins as
-- sale_margin stores them) and a few complaints, straight into PostgreSQL.
-- Parameters: customers, orders, products, complaints, company, currency (psycopg2 named parameters).
-- Every value is what the ORM would compute for it: no taxes, order currency = company currency.
SET LOCAL work_mem = '256MB';

INSERT INTO res_partner (name, complete_name, active, is_company, customer_rank, type, lang, autopost_bills,
                         create_date, write_date)
SELECT 'Bench customer ' || g, 'Bench customer ' || g, true, g %% 3 = 0, 1, 'contact', 'en_US', 'ask', now(), now()
  FROM generate_series(1, %(customers)s) g;
UPDATE res_partner SET commercial_partner_id = id WHERE commercial_partner_id IS NULL;
CREATE TEMPORARY TABLE bench_partner AS
SELECT row_number() OVER (ORDER BY id) AS n, id FROM res_partner WHERE name LIKE 'Bench customer %%';

-- The catalogue: list prices 2.99-120.99, costs 40-75%% of them, the last product sold at a loss.
CREATE TEMPORARY TABLE bench_product AS
SELECT *, round(list_price * CASE WHEN k = %(products)s THEN 1.12 ELSE 0.40 + ((k * 13) %% 36) / 100.0 END, 2) AS cost,
       (SELECT res_id FROM ir_model_data WHERE module = 'uom' AND name = 'product_uom_unit') AS uom_id
  FROM (SELECT k, nextval('product_template_id_seq') AS tmpl_id, nextval('product_product_id_seq') AS id,
               'BENCH-' || lpad(k::text, 4, '0') AS code, 'Bench product ' || k AS name,
               2.99 + (k * 7919) %% 119 AS list_price
          FROM generate_series(1, %(products)s) k) c;
INSERT INTO product_template (id, name, type, categ_id, uom_id, uom_po_id, sale_line_warn, service_tracking,
                              invoice_policy, list_price, sale_ok, purchase_ok, active, default_code, sequence,
                              is_favorite, create_date, write_date)
SELECT b.tmpl_id, jsonb_build_object('en_US', b.name), 'consu', categ.res_id, b.uom_id, b.uom_id, 'no-message',
       'no', 'order', b.list_price, true, true, true, b.code, 1, false, now(), now()
  FROM bench_product b,
       (SELECT res_id FROM ir_model_data WHERE module = 'product' AND name = 'product_category_all') categ;
INSERT INTO product_product (id, product_tmpl_id, active, default_code, combination_indices, standard_price,
                             create_date, write_date)
SELECT id, tmpl_id, true, code, '', jsonb_build_object(%(company)s::text, cost), now(), now() FROM bench_product;

CREATE TEMPORARY TABLE bench_order AS
SELECT g, nextval('sale_order_id_seq') AS id, p.id AS partner_id,
       now() - make_interval(days => ((g * 7919) %% 730)::int) AS date_order, 1 + (g * 37) %% 5 AS line_count
  FROM generate_series(1::bigint, %(orders)s) g
  JOIN bench_partner p ON p.n = 1 + (((g * 2654435761) %% %(customers)s) * ((g %% 7) + 1)) %% %(customers)s;

-- 1-5 lines an order (3 on average). A customer re-buys its own 3-5 products (its basket);
-- 3%% of lines are another product; 15%% get a 5-20%% discount, 3%% a 40-60%% one (most of those
-- below cost).
CREATE TEMPORARY TABLE bench_line AS
SELECT *, round(subtotal - cost * qty, 2) AS margin FROM (
SELECT o.id AS order_id, o.partner_id, i AS sequence, pr.id AS product_id, pr.uom_id, pr.code, pr.name,
       pr.list_price AS price_unit, pr.cost, l.qty, l.discount,
       round(pr.list_price * l.qty * (1 - l.discount / 100.0), 2) AS subtotal
  FROM bench_order o
 CROSS JOIN LATERAL generate_series(1, o.line_count) i
 CROSS JOIN LATERAL (SELECT ((o.g * 8 + i) * 2654435761) %% 4294967291 AS h) r
 CROSS JOIN LATERAL (
       SELECT CASE WHEN r.h %% 100 < 3 THEN 1 + (r.h / 100) %% %(products)s
                   ELSE 1 + (o.partner_id * 13 + ((r.h / 100) %% (3 + o.partner_id %% 3)) * 41) %% %(products)s
              END AS k,
              1 + (r.h / 20000) %% 4 AS qty,
              CASE WHEN (r.h / 80000) %% 100 < 3 THEN 40 + (r.h / 8000000) %% 21
                   WHEN (r.h / 80000) %% 100 < 18 THEN 5 + (r.h / 8000000) %% 16
                   ELSE 0 END AS discount) l
  JOIN bench_product pr ON pr.k = l.k) lines;

INSERT INTO sale_order (id, name, partner_id, partner_invoice_id, partner_shipping_id, company_id, currency_id,
                        pricelist_id, date_order, state, invoice_status, amount_untaxed, amount_tax, amount_total,
                        margin, margin_percent, currency_rate, create_date, write_date)
SELECT o.id, 'B' || o.g, o.partner_id, o.partner_id, o.partner_id, %(company)s, %(currency)s, NULL, o.date_order,
       'sale', 'to invoice', t.untaxed, 0, t.untaxed, t.margin, CASE WHEN t.untaxed <> 0 THEN t.margin / t.untaxed END,
       1, now(), now()
  FROM bench_order o
  JOIN (SELECT order_id, SUM(subtotal) AS untaxed, SUM(margin) AS margin FROM bench_line GROUP BY order_id) t
    ON t.order_id = o.id;
INSERT INTO sale_order_line (order_id, sequence, name, product_id, product_uom, product_uom_qty, price_unit,
                             technical_price_unit, discount, price_subtotal, price_tax, price_total,
                             price_reduce_taxexcl, price_reduce_taxinc, purchase_price, margin, margin_percent,
                             customer_lead, state, company_id, currency_id, order_partner_id, invoice_status,
                             qty_delivered_method, qty_delivered, qty_invoiced, qty_to_invoice,
                             untaxed_amount_invoiced, untaxed_amount_to_invoice, is_downpayment, is_expense,
                             create_date, write_date)
SELECT order_id, sequence * 10, '[' || code || '] ' || name, product_id, uom_id, qty, price_unit, price_unit,
       discount, subtotal, 0, subtotal, round(subtotal / qty, 2), round(subtotal / qty, 2), cost, margin,
       CASE WHEN subtotal <> 0 THEN margin / subtotal END, 0, 'sale', %(company)s, %(currency)s, partner_id,
       'to invoice', 'manual', 0, 0, qty, 0, subtotal, false, false, now(), now()
  FROM bench_line;

-- Complaints of every priority on customers spread over the base, two in three closed.
INSERT INTO crm_complaint (name, subject, partner_id, commercial_partner_id, channel, date_received, priority,
                           stage_id, is_closed, date_closed, product_id, company_id, create_date, write_date)
SELECT 'BC' || g, 'Bench complaint ' || g, p.id, p.id,
       (ARRAY['phone', 'email', 'letter', 'web', 'visit'])[1 + g %% 5],
       now() - make_interval(days => ((g * 7919) %% 730)::int),
       CASE WHEN g %% 50 = 0 THEN '3' WHEN g %% 10 = 0 THEN '2' WHEN g %% 4 = 0 THEN '1' ELSE '0' END,
       CASE WHEN g %% 3 = 0 THEN s.first_id ELSE s.closed_id END, g %% 3 <> 0,
       CASE WHEN g %% 3 <> 0 THEN now() - make_interval(days => ((g * 7919) %% 730)::int) + interval '2 days' END,
       pr.id, %(company)s, now(), now()
  FROM generate_series(1, %(complaints)s) g
  JOIN bench_partner p ON p.n = 1 + (g * 7919) %% %(customers)s
  JOIN bench_product pr ON pr.k = 1 + g %% %(products)s,
       (SELECT (SELECT id FROM crm_complaint_stage WHERE NOT COALESCE(is_closed, false) ORDER BY sequence, id LIMIT 1)
                   AS first_id,
               (SELECT id FROM crm_complaint_stage WHERE is_closed ORDER BY sequence DESC, id DESC LIMIT 1) AS closed_id) s;
DROP TABLE bench_line, bench_order, bench_product, bench_partner;
ANALYZE res_partner; ANALYZE sale_order; ANALYZE sale_order_line; ANALYZE crm_complaint;
