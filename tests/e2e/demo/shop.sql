-- The demo's shop: customers become contacts, orders become purchase events.
CREATE TABLE customers (
  id          bigserial PRIMARY KEY,
  email       text NOT NULL,
  first_name  text,
  last_name   text,
  phone       text,
  plan        text NOT NULL DEFAULT 'free',
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE orders (
  id          bigserial PRIMARY KEY,
  customer_id bigint NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
  amount      numeric(10,2) NOT NULL,
  currency    text NOT NULL DEFAULT 'EUR',
  status      text NOT NULL DEFAULT 'paid',
  created_at  timestamptz NOT NULL DEFAULT now()
);

-- History: read by the initial snapshot (its events keep their real, past dates).
INSERT INTO customers (email, first_name, last_name, phone, plan, created_at)
SELECT 'customer' || g || '@example.com', 'First' || g, 'Last' || g,
       '6' || lpad((10000000 + g * 7919 % 89999999)::text, 8, '0'),
       (ARRAY['free', 'pro', 'business'])[1 + g % 3],
       now() - (200 - g) * interval '1 day'
FROM generate_series(1, 200) g;

INSERT INTO orders (customer_id, amount, currency, created_at)
SELECT 1 + g % 200, round((5 + (g * 37 % 19500) / 100.0)::numeric, 2), 'EUR',
       now() - (500 - g) * interval '3 hours'
FROM generate_series(1, 500) g;
