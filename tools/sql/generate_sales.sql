-- Bench customers, a catalogue of products, confirmed sales orders with their lines (margins as
-- sale_margin stores them) and a few complaints, straight into PostgreSQL.
-- Parameters: customers, orders, products, complaints, company, currency, lines (psycopg2 named
-- parameters).
-- Every value is what the ORM would compute for it: no taxes, order currency = company currency.
-- Runs before the addon or sale_margin are installed too: a column or table they add is
-- filled when it exists (each temporary view below is named after the column it fills).
SET LOCAL work_mem = '256MB';

-- Referential integrity holds by construction: a superuser skips the foreign-key triggers,
-- which would otherwise cost more than the inserts (one lookup a row and key).
SELECT set_config('session_replication_role', 'replica', true) FROM pg_roles WHERE rolname = current_user AND rolsuper;

-- INSERT INTO target the columns of the temporary view source that target has; the indexes
-- that back no constraint are built again afterwards, far faster than updated row by row.
CREATE FUNCTION pg_temp.bench_insert(target text, source text) RETURNS void LANGUAGE plpgsql AS $f$
DECLARE
    columns text;
    names text;
    indexes text[];
    definition text;
BEGIN
    SELECT string_agg(quote_ident(s.attname), ', ' ORDER BY s.attnum) INTO columns
      FROM pg_attribute s
      JOIN pg_attribute t ON t.attrelid = target::regclass AND t.attname = s.attname AND NOT t.attisdropped
     WHERE s.attrelid = source::regclass AND s.attnum > 0;
    SELECT string_agg(i.indexrelid::regclass::text, ', '), array_agg(pg_get_indexdef(i.indexrelid)) INTO names, indexes
      FROM pg_index i
     WHERE i.indrelid = target::regclass AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid);
    IF names IS NOT NULL THEN
        EXECUTE 'DROP INDEX ' || names;
    END IF;
    EXECUTE format('INSERT INTO %%I (%%s) SELECT %%s FROM %%I', target, columns, columns, source);
    FOREACH definition IN ARRAY COALESCE(indexes, '{}') LOOP
        EXECUTE definition;
    END LOOP;
END $f$;

-- Customers and orders written when they came, as history is (not when generated): the next
-- night's run sums again only the customers of what was written since the run before.
INSERT INTO res_partner (name, complete_name, active, is_company, customer_rank, type, lang, autopost_bills,
                         create_date, write_date)
SELECT 'Bench customer ' || g, 'Bench customer ' || g, true, g %% 3 = 0, 1, 'contact', 'en_US', 'ask',
       now() - interval '731 days', now() - interval '731 days'
  FROM generate_series(1, %(customers)s) g;
UPDATE res_partner SET commercial_partner_id = id WHERE commercial_partner_id IS NULL;
CREATE TEMPORARY TABLE bench_partner AS
SELECT row_number() OVER (ORDER BY id) AS n, id FROM res_partner WHERE name LIKE 'Bench customer %%';
ANALYZE bench_partner;  -- temporary tables have no statistics until then: joins on them go astray

-- The catalogue: list prices 2.99-120.99, costs 40-75%% of them, the last product sold at a loss.
CREATE TEMPORARY TABLE bench_product AS
SELECT *, round(list_price * CASE WHEN k = %(products)s THEN 1.12 ELSE 0.40 + ((k * 13) %% 36) / 100.0 END, 2) AS cost,
       (SELECT res_id FROM ir_model_data WHERE module = 'uom' AND name = 'product_uom_unit') AS uom_id
  FROM (SELECT k, nextval('product_template_id_seq') AS tmpl_id, nextval('product_product_id_seq') AS id,
               'BENCH-' || lpad(k::text, 4, '0') AS code, 'Bench product ' || k AS name,
               2.99 + (k * 7919) %% 119 AS list_price
          FROM generate_series(1, %(products)s) k) c;
ANALYZE bench_product;
CREATE TEMPORARY VIEW bench_product_template AS
SELECT b.tmpl_id AS id, jsonb_build_object('en_US', b.name) AS name, 'consu' AS type, categ.res_id AS categ_id,
       b.uom_id, b.uom_id AS uom_po_id, 'no-message' AS sale_line_warn, 'no' AS service_tracking,
       'order' AS invoice_policy, b.list_price, true AS sale_ok, true AS purchase_ok, true AS active,
       b.code AS default_code, 1 AS sequence, false AS is_favorite, now() AS create_date, now() AS write_date
  FROM bench_product b,
       (SELECT res_id FROM ir_model_data WHERE module = 'product' AND name = 'product_category_all') categ;
CREATE TEMPORARY VIEW bench_product_product AS
SELECT id, tmpl_id AS product_tmpl_id, true AS active, code AS default_code, '' AS combination_indices,
       jsonb_build_object(%(company)s::text, cost) AS standard_price, now() AS create_date, now() AS write_date
  FROM bench_product;
SELECT pg_temp.bench_insert('product_template', 'bench_product_template');
SELECT pg_temp.bench_insert('product_product', 'bench_product_product');

CREATE TEMPORARY TABLE bench_order AS
SELECT g, nextval('sale_order_id_seq') AS id, p.id AS partner_id,
       now() - make_interval(days => ((g * 7919) %% 730)::int) AS date_order,
       CASE WHEN %(lines)s THEN 1 + (g * 37) %% 5 ELSE 1 END AS line_count
  FROM generate_series(1::bigint, %(orders)s) g
  JOIN bench_partner p ON p.n = 1 + (((g * 2654435761) %% %(customers)s) * ((g %% 7) + 1)) %% %(customers)s;
ANALYZE bench_order;

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
ANALYZE bench_line;

CREATE TEMPORARY VIEW bench_sale_order AS
SELECT o.id, 'B' || o.g AS name, o.partner_id, o.partner_id AS partner_invoice_id,
       o.partner_id AS partner_shipping_id, %(company)s AS company_id, %(currency)s AS currency_id,
       NULL::integer AS pricelist_id, o.date_order, 'sale' AS state, 'to invoice' AS invoice_status,
       t.untaxed AS amount_untaxed, 0 AS amount_tax, t.untaxed AS amount_total, t.margin,
       CASE WHEN t.untaxed <> 0 THEN t.margin / t.untaxed END AS margin_percent, 1 AS currency_rate,
       o.date_order AS create_date, o.date_order AS write_date
  FROM bench_order o
  JOIN (SELECT order_id, SUM(subtotal) AS untaxed, SUM(margin) AS margin FROM bench_line GROUP BY order_id) t
    ON t.order_id = o.id;
CREATE TEMPORARY VIEW bench_sale_order_line AS
SELECT order_id, sequence * 10 AS sequence, '[' || code || '] ' || name AS name, product_id, uom_id AS product_uom,
       qty AS product_uom_qty, price_unit, price_unit AS technical_price_unit, discount, subtotal AS price_subtotal,
       0 AS price_tax, subtotal AS price_total, round(subtotal / qty, 2) AS price_reduce_taxexcl,
       round(subtotal / qty, 2) AS price_reduce_taxinc, cost AS purchase_price, margin,
       CASE WHEN subtotal <> 0 THEN margin / subtotal END AS margin_percent, 0 AS customer_lead, 'sale' AS state,
       %(company)s AS company_id, %(currency)s AS currency_id, partner_id AS order_partner_id,
       'to invoice' AS invoice_status, 'manual' AS qty_delivered_method, 0 AS qty_delivered, 0 AS qty_invoiced,
       qty AS qty_to_invoice, 0 AS untaxed_amount_invoiced, subtotal AS untaxed_amount_to_invoice,
       false AS is_downpayment, false AS is_expense, now() AS create_date, now() AS write_date
  FROM bench_line;
SELECT pg_temp.bench_insert('sale_order', 'bench_sale_order');
-- without lines (lines false), each order's amounts are those of one line, not stored
SELECT pg_temp.bench_insert('sale_order_line', 'bench_sale_order_line') WHERE %(lines)s;

-- Complaints of every priority on customers spread over the base, two in three closed.
DO $$ BEGIN IF to_regclass('crm_complaint') IS NOT NULL THEN
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
ANALYZE crm_complaint;
END IF; END $$;
DROP VIEW bench_sale_order_line, bench_sale_order, bench_product_product, bench_product_template;
DROP TABLE bench_line, bench_order, bench_product, bench_partner;
ANALYZE res_partner; ANALYZE product_product; ANALYZE sale_order; ANALYZE sale_order_line;
