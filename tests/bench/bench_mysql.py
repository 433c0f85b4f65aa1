"""MariaDB workloads against the server of tests/lib/with-mariadb.sh
(MYSQL_PORT, MYSQL_UNIX_PORT, CDC_MYSQL_DSN in the environment). Each run:
the connector stores the binlog end as its position, the workload is
written, then the connector (jsonl on /dev/null), `mariadb-binlog --raw`,
`mariadb-binlog --base64-output=decode-rows -v` and the npm @vlasky/zongji
reader each read from that position to the same end position. The snapshot
is compared with a plain SELECT streamed by the mariadb client (--quick)."""

import os
import shutil
import subprocess
import tempfile

from bench_common import (BIG_MAPPING, CUSTOMERS_MAPPING, HERE, ORDERS_MAPPING, SNAP_MAPPING, connector_run,
                          jsonl_sink, measure, run_row, write_config)

SCHEMA = """
CREATE TABLE customers (id BIGINT PRIMARY KEY, email VARCHAR(64), first_name VARCHAR(64), plan VARCHAR(16),
                        updated_at DATETIME(6));
CREATE TABLE orders (id BIGINT PRIMARY KEY, customer_id BIGINT, amount DECIMAL(10,2), currency CHAR(3),
                     created_at DATETIME(6));
CREATE TABLE big (id BIGINT PRIMARY KEY, email VARCHAR(64), n INT);
CREATE TABLE snap (id BIGINT PRIMARY KEY, email VARCHAR(64), first_name VARCHAR(64), plan VARCHAR(16),
                   updated_at DATETIME(6));
DELIMITER //
CREATE PROCEDURE mixed(base BIGINT, n INT)
BEGIN
  DECLARE i INT DEFAULT 0;
  WHILE i < n DO
    START TRANSACTION;
    INSERT INTO customers SELECT base + i + seq, CONCAT('u', base + i + seq, '@example.com'),
      CONCAT('Name', base + i + seq), 'free', NOW(6) FROM seq_0_to_59;
    UPDATE customers SET plan = 'pro', updated_at = NOW(6) WHERE id BETWEEN base + i AND base + i + 29;
    DELETE FROM customers WHERE id BETWEEN base + i + 50 AND base + i + 59;
    COMMIT;
    SET i = i + 100;
  END WHILE;
END //
CREATE PROCEDURE orders_load(base BIGINT, n INT)
BEGIN
  DECLARE i INT DEFAULT 0;
  WHILE i < n DO
    INSERT INTO orders SELECT base + i + seq, (base + i + seq) % 10000, 10 + (base + i + seq) % 90, 'EUR',
      NOW(6) FROM seq_0_to_99;
    SET i = i + 100;
  END WHILE;
END //
DELIMITER ;
"""

# The connector knows it is caught up when the binlog ends where it stands
# (SHOW MASTER STATUS on a side connection, asked between transactions when
# nothing more is buffered), not at the server's first heartbeat after 1 s of
# silence: nothing is taken off its wall time.
HEARTBEAT_S = 0.0

ZONGJI_READER = os.path.join(HERE, "zongji_reader.js")


def client_args():
    return ["mariadb", "--no-defaults", "--protocol=socket", "--host=localhost", f"--socket={os.environ['MYSQL_UNIX_PORT']}", "-uroot"]


def mariadb(sql, database="test"):
    out = subprocess.run(client_args() + ["-N", "-B", database, "-e", sql], capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError(f"mariadb failed: {out.stderr.strip()}")
    return out.stdout.strip()


def master_status():
    file, pos = mariadb("SHOW MASTER STATUS").split("\t")[:2]
    return file, int(pos)


def binlogs_between(first, last):
    names = [line.split("\t")[0] for line in mariadb("SHOW BINARY LOGS").splitlines()]
    return names[names.index(first):names.index(last) + 1]


def install_zongji(work):
    """npm install @vlasky/zongji into a temp dir; None when npm cannot."""
    if not shutil.which("npm") or not shutil.which("node"):
        return None
    target = os.path.join(work, "zongji")
    os.makedirs(target, exist_ok=True)
    try:
        out = subprocess.run(["npm", "install", "--prefix", target, "--no-audit", "--no-fund", "--silent",
                              "@vlasky/zongji"], capture_output=True, text=True, timeout=180)
    except subprocess.TimeoutExpired:
        return None
    if out.returncode != 0:
        print(f"  npm install @vlasky/zongji failed; that column is skipped ({out.stderr.strip()[:200]})")
        return None
    return os.path.join(target, "node_modules")


class MysqlBench:
    def __init__(self, build, results, n, runs, work):
        self.build, self.results, self.n, self.runs, self.work = build, results, n, runs, work
        self.next_id = 1
        subprocess.run(client_args() + ["test"], input=SCHEMA, text=True, check=True)
        self.node_modules = install_zongji(work)

    def ids(self, count):
        base = self.next_id
        self.next_id += count + 100
        return base

    def load(self, workload):
        base = self.ids(self.n)
        if workload == "mixed":
            mariadb(f"CALL mixed({base}, {self.n})")
        elif workload == "orders":
            mariadb(f"CALL orders_load({base}, {self.n})")
        else:
            mariadb(f"INSERT INTO big SELECT {base} + seq, CONCAT('u', {base} + seq, '@example.com'), seq "
                    f"FROM seq_0_to_{self.n - 1}")

    def config(self, run_dir, mapping, snapshot="never"):
        path = os.path.join(run_dir, "bench.yaml")
        source = (f"source:\n  kind: mysql\n  dsn: \"{os.environ['CDC_MYSQL_DSN']}\"\n  server_id: 7101\n"
                  f"  snapshot: {snapshot}\n")
        write_config(path, source, jsonl_sink(), mapping, os.path.join(run_dir, "state.db"))
        return path

    def run_connector(self, config, idle_s=HEARTBEAT_S, expect_records=None):
        return connector_run(self.build.connector, config, idle_s=idle_s, expect_records=expect_records)

    def remote_args(self):
        return ["mariadb-binlog", "--no-defaults", "--read-from-remote-server", "--host=127.0.0.1",
                f"--port={os.environ['MYSQL_PORT']}", "--user=root"]

    def stream(self, workload):
        print(f"mysql {workload}: {self.runs} runs of {self.n} changes", flush=True)
        mapping = BIG_MAPPING if workload == "huge" else CUSTOMERS_MAPPING + ORDERS_MAPPING
        rows = {"ours": [], "raw": [], "decode": [], "zongji": []}
        for run in range(self.runs):
            run_dir = tempfile.mkdtemp(prefix=f"my-{workload}-{run}-", dir=self.work)
            config = self.config(run_dir, mapping)
            if self.run_connector(config)["rc"] != 0:  # stores the current end as its position
                raise RuntimeError(f"connector failed; see {run_dir}/connector.log")
            start_file, start_pos = master_status()
            self.load(workload)
            end_file, end_pos = master_status()
            files = binlogs_between(start_file, end_file)
            span = [f"--start-position={start_pos}", f"--stop-position={end_pos}"]
            raw_dir = os.path.join(run_dir, "raw") + "/"
            os.makedirs(raw_dir)
            rows["raw"].append(measure(self.remote_args() + ["--raw", f"--result-file={raw_dir}"] + span + files))
            shutil.rmtree(raw_dir, ignore_errors=True)
            rows["decode"].append(measure(self.remote_args() + ["--base64-output=decode-rows", "-v"] + span + files))
            rows["ours"].append(self.run_connector(config, expect_records=self.n))
            if self.node_modules:
                env = dict(os.environ, NODE_PATH=self.node_modules)
                rows["zongji"].append(measure(["node", ZONGJI_READER, "127.0.0.1", os.environ["MYSQL_PORT"],
                                               start_file, str(start_pos), str(self.n)], env=env))
        run_row(self.results, "mysql", workload, "instasent-cdc (jsonl)", self.n, rows["ours"],
                reference="mariadb-binlog -v")
        run_row(self.results, "mysql", workload, "mariadb-binlog --raw", self.n, rows["raw"])
        run_row(self.results, "mysql", workload, "mariadb-binlog -v", self.n, rows["decode"])
        if self.node_modules:
            run_row(self.results, "mysql", workload, "@vlasky/zongji", self.n, rows["zongji"])
        else:
            self.results.add(source="mysql", workload=workload, reader="@vlasky/zongji", skipped=True)

    def snapshot(self):
        print(f"mysql snapshot: {self.runs} runs of {self.n} rows", flush=True)
        mariadb("TRUNCATE snap")
        mariadb(f"INSERT INTO snap SELECT seq, CONCAT('u', seq, '@example.com'), CONCAT('Name', seq), 'free', "
                f"NOW(6) FROM seq_1_to_{self.n}")
        ours, theirs = [], []
        for run in range(self.runs):
            run_dir = tempfile.mkdtemp(prefix=f"my-snap-{run}-", dir=self.work)
            config = self.config(run_dir, SNAP_MAPPING, "initial_only")
            theirs.append(measure(client_args() + ["--quick", "-N", "-B", "test", "-e", "SELECT * FROM snap"]))
            ours.append(self.run_connector(config, idle_s=0.0, expect_records=self.n))  # initial_only stops by itself
        run_row(self.results, "mysql", "snapshot", "instasent-cdc (jsonl)", self.n, ours,
                reference="SELECT (mariadb --quick)")
        run_row(self.results, "mysql", "snapshot", "SELECT (mariadb --quick)", self.n, theirs)
