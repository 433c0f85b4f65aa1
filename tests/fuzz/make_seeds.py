#!/usr/bin/env python3
"""Writes the committed seed corpora of the fuzz targets (tests/fuzz/corpus/<target>/).

Inputs: the real captures in ../shared/fixtures (pgoutput messages, binlog files) and
tests/unit/postgres/data, config/examples, and the response shapes of INSTASENT_API.md.
Run from anywhere: python3 tests/fuzz/make_seeds.py. Seeds are small (< 8 KiB) on purpose:
libFuzzer mutates faster from small inputs, and they are committed.
"""
import json
import pathlib
import re
import struct

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent.parent
FIXTURES = ROOT.parent / "shared" / "fixtures"
CORPUS = HERE / "corpus"
MAX_SEED = 8192


def write(target, name, data):
    out = CORPUS / target
    out.mkdir(parents=True, exist_ok=True)
    (out / name).write_bytes(data)


def frames(messages):
    """[u16 big-endian length][bytes] per message, as fuzz_inputs.h SplitFrames reads."""
    out = b""
    for m in messages:
        m = m[:0xFFFF]
        if len(out) + 2 + len(m) > MAX_SEED:
            break
        out += struct.pack(">H", len(m)) + m
    return out


def pgoutput_seeds():
    pg = FIXTURES / "pgoutput"
    kyle = sorted((pg / "kyleconroy-pgoutput").glob("*.waldata"))
    write("pgoutput", "kyleconroy", frames(p.read_bytes() for p in kyle))
    for scenario in ("insert", "update", "delete"):
        files = sorted((pg / "postgrex_wal").glob(scenario + "-event*.bin"))
        write("pgoutput", "postgrex-" + scenario, frames(p.read_bytes() for p in files))
    chinook = sorted((pg / "captured-pg15-chinook" / "v1").glob("*.bin"))
    for i in range(0, len(chinook), 12):
        write("pgoutput", "chinook-v1-%02d" % (i // 12), frames(p.read_bytes() for p in chinook[i:i + 12]))
    lines = (pg / "captured-pg15-chinook" / "v2-stream.jsonl").read_text().splitlines()
    stream = [bytes.fromhex(json.loads(l)["hex"]) for l in lines]
    write("pgoutput", "chinook-v2-stream-head", frames(stream[:8]))
    write("pgoutput", "chinook-v2-stream-tail", frames(stream[:2] + stream[-4:]))
    for hexfile in sorted((ROOT / "tests" / "unit" / "postgres" / "data").glob("*.hex")):
        messages = [bytes.fromhex(l.strip()) for l in hexfile.read_text().splitlines()
                    if l.strip() and not l.startswith("#")]
        small = [m for m in messages if len(m) < 2048]
        write("pgoutput", "captured-" + hexfile.stem, frames(small))


def binlog_events(data):
    """The events of a binlog file (after the 4-byte magic), framed by their headers."""
    events = []
    pos = 4
    while pos + 19 <= len(data):
        size = struct.unpack_from("<I", data, pos + 9)[0]
        if size < 19 or pos + size > len(data):
            break
        events.append(data[pos:pos + size])
        pos += size
    return events


def binlog_seeds():
    # Option byte 4: the harness rewrites each event's CRC32, so mutations reach the body
    # decoders (every fixture with a checksum uses CRC32; the harness leaves others alone
    # only when the format says OFF, which these files' FORMAT_DESCRIPTION decides).
    files = [p for p in sorted((FIXTURES / "mysql-binlog").rglob("*"))
             if p.is_file() and p.suffix not in (".json", ".md", ".sql", ".txt", ".gz")]
    per_type = {}  # at most 3 seeds per event type over all files
    for path in files:
        data = path.read_bytes()
        if not data.startswith(b"\xfebin"):
            continue
        events = binlog_events(data)
        if not events:
            continue
        tag = path.parent.name + "-" + re.sub(r"[^A-Za-z0-9_.-]", "_", path.name)
        fde = events[0]
        # Event by event: the FORMAT_DESCRIPTION, then each other event on its own, with the
        # TABLE_MAP before it for rows events (type codes 23-25, 30-32, MariaDB 166+).
        last_map = b""
        seen_types = set()
        for event in events[1:]:
            etype = event[4]
            if etype == 19:
                last_map = event
                continue
            if etype in seen_types or per_type.get(etype, 0) >= 3:
                continue
            seen_types.add(etype)
            per_type[etype] = per_type.get(etype, 0) + 1
            body = fde + (last_map if etype in (23, 24, 25, 30, 31, 32, 39, 166, 167, 168, 169, 170, 171) else b"") + event
            if len(body) <= MAX_SEED:
                write("binlog", "%s-type%d" % (tag, etype), b"\x04" + body)


def config_seeds():
    env = {"DEMO_PG_DSN": "host=127.0.0.1 dbname=shop user=cdc", "PG_DSN": "host=db dbname=shop",
           "INSTASENT_URL": "http://127.0.0.1:8080", "INSTASENT_PROJECT": "proj",
           "INSTASENT_DATASOURCE": "ds", "INSTASENT_TOKEN": "tok", "MYSQL_PASSWORD": "pw",
           "PGPASSWORD": "pw"}

    def expand(text):
        # The fuzz process has no such variables: literal values keep the seeds loadable.
        return re.sub(r"\$\{([A-Z_]+)(:-([^}]*))?\}", lambda m: env.get(m.group(1), m.group(3) or "x"), text)

    for path in sorted((ROOT / "config" / "examples").glob("*.yaml")):
        write("config", "example-" + path.stem, expand(path.read_text()).encode())
    readme = (ROOT / "README.md").read_text()
    block = re.search(r"```yaml\n(.*?)```", readme, re.S)
    if block:
        write("config", "readme", expand(block.group(1)).encode())
    write("config", "filters-where", b"""pipeline: fz
source: {kind: mysql, dsn: "mysql://u:p@127.0.0.1:3306/shop", server_id: 7}
sinks:
  - {name: api, kind: instasent, url: "https://x", project: p, datasource: d, token: t, batch_size: 10}
  - {name: audit, kind: jsonl, path: "-"}
admin: {listen: "127.0.0.1:9187"}
log: {level: debug}
mappings:
  - table: customers
    where: "status == 'paid' and (amount >= 100 or vip == true) and not (country == 'ES')"
    contact:
      user_id: "u-{id}"
      attributes:
        _email: "{email | trim | email}"
        _phone_mobile: "{phone | e164('ES')}"
        hash: "{email | lower | sha256}"
        n: "{n | default(0) | int}"
        born: "{born | date('%Y-%m-%d')}"
    on_delete: delete_contact
  - table: shop.orders
    sink: audit
    ops: [snapshot, insert, update]
    where: "changed(status) and status is not null"
    event:
      type: purchase
      id: "order-{id}"
      user_id: "{customer_id}"
      date: "{created_at}"
      parameters:
        amount: "{amount | number}"
        f: "{f | float}"
        s: "{s | upper | string}"
""")


def response_seeds():
    shapes = {
        "documented": (3, {"entity": {"successful": 2, "failed": 1, "items": [
            {"status": "success", "_user_id": "USER-1"},
            {"status": "error", "_user_id": "USER-2", "errors": {"_email": ["Invalid format"]}},
            {"status": "success", "_user_id": "USER-3"}]}}),
        "client": (3, {"success": True, "entitiesSuccess": 2, "streamId": "s", "projectId": "p",
                       "datasourceId": "d",
                       "errors": [{"position": 1, "errors": {"_phone_mobile": ["Invalid"]}}],
                       "accepted": [{"position": 0, "item": {}}, {"position": 2, "item": {}}]}),
        "client-single-failure": (1, {"success": False, "entitiesSuccess": 0,
                                      "errors": [{"_email": ["Invalid format"]}]}),
        "error-message": (1, {"message": "Body should be an array"}),
    }
    for name, (items, body) in shapes.items():
        write("response", name, bytes([items]) + json.dumps(body).encode())


if __name__ == "__main__":
    pgoutput_seeds()
    binlog_seeds()
    config_seeds()
    response_seeds()
