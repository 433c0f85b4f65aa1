-- One round of the demo's live workload (run repeatedly).
BEGIN;
INSERT INTO customers (email, first_name, phone, plan)
SELECT 'new' || (extract(epoch FROM clock_timestamp()) * 1000)::bigint || '_' || g || '@example.com',
       'Newcomer', '6' || (10000000 + (random() * 89999999)::int), 'free'
FROM generate_series(1, 3) g;
UPDATE customers SET plan = 'pro' WHERE id IN (SELECT id FROM customers WHERE plan = 'free' ORDER BY random() LIMIT 2);
INSERT INTO orders (customer_id, amount)
SELECT id, round((10 + random() * 190)::numeric, 2) FROM customers ORDER BY random() LIMIT 5;
COMMIT;
