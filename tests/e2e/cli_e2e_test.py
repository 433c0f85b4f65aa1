"""The command line's contract on PostgreSQL: validate's problems and exit
codes, configuration errors, dead letters through dlq list/replay/drop,
status, and no token in anything the process prints."""

import json
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(__file__))
import harness  # noqa: E402
from harness import Connector, Emulator, psql  # noqa: E402


def pipeline_yaml(emulator, mappings, name="cli_pg"):
    return f"""pipeline: {name}
source:
  kind: postgres
  dsn: "{os.environ['CDC_PG_DSN']}"
{harness.sink_yaml(emulator)}
state: ./state/cli.db
mappings:
{mappings}"""


CONTACTS = """  - table: public.people
    contact:
      user_id: "{id}"
      attributes:
        _email: "{email}"
"""


class CommandLine(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        psql("DROP TABLE IF EXISTS people, nokey;"
             "CREATE TABLE people (id int PRIMARY KEY, email text);"
             "CREATE TABLE nokey (id int, email text);"
             "INSERT INTO people VALUES (1, 'good@example.com'), (2, 'not-an-email')")
        cls.emulator = Emulator()

    @classmethod
    def tearDownClass(cls):
        cls.emulator.stop()

    def test_validate_reports_each_problem_and_exits_2(self):
        good = Connector(pipeline_yaml(self.emulator, CONTACTS))
        out = good.command("validate")
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        self.assertIn("all checks passed", out.stdout)

        missing_table = Connector(pipeline_yaml(self.emulator, CONTACTS.replace("public.people", "public.ghosts")))
        out = missing_table.command("validate")
        self.assertEqual(out.returncode, 2)
        self.assertIn("public.ghosts", out.stdout)

        missing_column = Connector(pipeline_yaml(self.emulator, CONTACTS.replace("{email}", "{mail}")))
        out = missing_column.command("validate")
        self.assertEqual(out.returncode, 2)
        self.assertIn("mail", out.stdout)

        # Deletes need the user id column from the old row: a table without a key cannot give it.
        no_identity = Connector(pipeline_yaml(self.emulator, CONTACTS.replace("public.people", "public.nokey")))
        out = no_identity.command("validate")
        self.assertEqual(out.returncode, 2)
        self.assertIn("nokey", out.stdout)
        self.assertIn("replica identity", out.stdout.lower())

    def test_configuration_errors_exit_2_naming_the_place(self):
        broken = Connector("pipeline: x\nsource:\n  kind: postgres\n  dsn: [unclosed\n")
        out = broken.command("run")
        self.assertEqual(out.returncode, 2)
        self.assertIn("pipeline.yaml:", out.stderr)

        unknown_key = Connector(pipeline_yaml(self.emulator, CONTACTS).replace("state:", "stat:"))
        out = unknown_key.command("validate")
        self.assertEqual(out.returncode, 2)
        self.assertRegex(out.stderr, r"pipeline\.yaml:\d+:\d+: .*stat")

        bad_token = Connector(pipeline_yaml(self.emulator, CONTACTS, name="cli_bad_token"))
        env_token = harness.TOKEN
        try:
            harness.TOKEN = "wrong-token-0123456789"
            out = bad_token.command("run", "--until-idle", "0.5")
        finally:
            harness.TOKEN = env_token
        self.assertEqual(out.returncode, 2)
        self.assertIn("401", out.stderr)

    def test_rejected_items_are_dead_lettered_listed_replayed_and_dropped(self):
        connector = Connector(pipeline_yaml(self.emulator, CONTACTS, name="cli_dlq"))
        self.assertEqual(connector.run_until_idle(0.5), 0, connector.log())
        self.assertIn("1", self.emulator.contacts())

        listed = connector.command("dlq", "list", "--json")
        self.assertEqual(listed.returncode, 0, listed.stderr)
        letters = [json.loads(line) for line in listed.stdout.splitlines()]
        self.assertEqual(len(letters), 1)
        self.assertEqual(letters[0]["user_id"], "2")
        self.assertEqual(letters[0]["kind"], "contact_upsert")
        self.assertIn("Invalid format", letters[0]["reason"])
        self.assertTrue(letters[0]["position"])
        self.assertEqual(letters[0]["payload"]["_email"], "not-an-email")
        plain = connector.command("dlq", "list")
        self.assertEqual(len(plain.stdout.splitlines()), 1)
        self.assertIn("\t2\t", plain.stdout)

        # Still invalid: the replay stores it again under a new id.
        replay = connector.command("dlq", "replay")
        self.assertEqual(replay.returncode, 0, replay.stderr)
        again = [json.loads(line) for line in connector.command("dlq", "list", "--json").stdout.splitlines()]
        self.assertEqual(len(again), 1)
        self.assertNotEqual(again[0]["id"], letters[0]["id"])

        status = connector.command("status", "--json")
        self.assertEqual(json.loads(status.stdout)["dead_letters"], 1)

        drop = connector.command("dlq", "drop", "--all")
        self.assertEqual(drop.returncode, 0, drop.stderr)
        self.assertEqual(connector.command("dlq", "list").stdout, "")

        everything = connector.log() + listed.stdout + replay.stdout + replay.stderr + status.stdout
        self.assertNotIn(harness.TOKEN, everything, "the token must never be printed")


if __name__ == "__main__":
    unittest.main(verbosity=2)
