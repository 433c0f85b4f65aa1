"""The Postgres snapshot reads only the columns some mapping reads, plus the
key: a table with a numeric and a wide text column no mapping reads is read as
binary COPY of the mapped columns, the emulator receives exactly the mapped
values, and a row whose read value a mapping rejects is dead-lettered with the
snapshot's position. `snapshot --table` reads the same way, and a mapping that
reads the numeric column gets its exact digits (then read as COPY text)."""

import json
import os
import sys
import unittest
from decimal import Decimal

sys.path.insert(0, os.path.dirname(__file__))
import harness  # noqa: E402
from harness import Connector, Emulator, psql  # noqa: E402

ROWS = 30
NULL_DATE_ID = 17  # the row whose event date is NULL: the event mapping rejects it

SCHEMA = f"""
DROP TABLE IF EXISTS wide;
CREATE TABLE wide (note text, id bigint PRIMARY KEY, email text, amount numeric(12,2), plan text, body text,
                   created_at timestamptz);
INSERT INTO wide SELECT 'note ' || g, g, 'u' || g || '@example.com', g * 1.25 + 0.01,
                        CASE WHEN g % 3 = 0 THEN NULL ELSE 'plan' || g END,
                        (SELECT string_agg(md5((g * 1000 + i)::text), '') FROM generate_series(1, 300) i),
                        TIMESTAMPTZ '2024-03-01 10:00:00+00' + g * interval '1 minute'
                 FROM generate_series(1, {ROWS}) g;
UPDATE wide SET created_at = NULL WHERE id = {NULL_DATE_ID};
"""

MAPPINGS = """mappings:
  - table: public.wide
    contact:
      user_id: "{id}"
      attributes:
        _email: "{email}"
        plan: "{plan}"
  - table: public.wide
    event:
      type: viewed_product
      id: "v-{id}"
      user_id: "{id}"
      date: "{created_at}"
      parameters:
        product_sku: "sku-{id}"
"""

PURCHASE = """  - table: public.wide
    event:
      type: purchase
      id: "p-{id}"
      user_id: "{id}"
      date: "{created_at}"
      parameters:
        amount: "{amount}"
        currency: "EUR"
"""


def expected_contacts():
    return {str(g): {"_email": f"u{g}@example.com", "plan": None if g % 3 == 0 else f"plan{g}"}
            for g in range(1, ROWS + 1)}


class PostgresSnapshotColumns(unittest.TestCase):
    def setUp(self):
        psql(SCHEMA)
        self.emulator = Emulator()

    def tearDown(self):
        self.emulator.stop()

    def connector(self, name, mappings):
        return Connector(f"""pipeline: {name}
source:
  kind: postgres
  dsn: "{os.environ['CDC_PG_DSN']}"
  slot: {name}
  publication: {name}
  snapshot: initial_only
{harness.sink_yaml(self.emulator)}
state: ./state/{name}.db
{mappings}""")

    def assert_contacts(self):
        got = self.emulator.contacts()
        self.assertEqual(sorted(got), sorted(expected_contacts()))
        for user, want in expected_contacts().items():
            self.assertEqual({k: got[user].get(k) for k in want}, want, user)
            self.assertNotIn("note", got[user])

    def dead_letters(self, connector):
        out = connector.command("dlq", "list", "--json")
        self.assertEqual(out.returncode, 0, out.stderr)
        return [json.loads(line) for line in out.stdout.splitlines()]

    def test_run_snapshot_reads_only_the_mapped_columns_as_binary_and_sends_their_values(self):
        connector = self.connector("snapcols", MAPPINGS)
        self.assertEqual(connector.run_until_idle(0.5), 0, connector.log())
        # id (key), email, plan, created_at: numeric amount, note and body are not read.
        self.assertIn("snapshot of public.wide: 4 of 7 columns, binary COPY", connector.log())
        self.assert_contacts()
        events = {e["_event_id"]: e for e in self.emulator.events()}
        self.assertEqual(sorted(events), sorted(f"v-{g}" for g in range(1, ROWS + 1) if g != NULL_DATE_ID))
        self.assertEqual(events["v-5"]["_event_parameters"], {"product_sku": "sku-5"})
        self.assertEqual(events["v-5"]["_event_date"], "2024-03-01T10:05:00.000Z")
        letters = self.dead_letters(connector)
        self.assertEqual(len(letters), 1, letters)
        self.assertIn("created_at", letters[0]["reason"])
        self.assertRegex(letters[0]["position"], r"^[0-9A-F]+/[0-9A-F]+", letters[0])

    def test_snapshot_command_reads_the_same_columns_and_exact_numeric_when_mapped(self):
        connector = self.connector("snapcols_cmd", MAPPINGS + PURCHASE)
        out = connector.command("snapshot", "--table", "wide")
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertRegex(out.stdout, rf"rows read:\s+{ROWS}\b")
        self.assert_contacts()
        events = {e["_event_id"]: e for e in self.emulator.events()}
        self.assertEqual(len(events), 2 * (ROWS - 1))
        for g in (1, 8, 30):
            self.assertEqual(Decimal(str(events[f"p-{g}"]["_event_parameters"]["amount"])),
                             Decimal(g) * Decimal("1.25") + Decimal("0.01"))
        letters = self.dead_letters(connector)
        self.assertEqual(len(letters), 2, letters)  # both event mappings reject the NULL date
        self.assertTrue(all(letter["position"] == "snapshot:public.wide" for letter in letters), letters)


if __name__ == "__main__":
    unittest.main(verbosity=2)
