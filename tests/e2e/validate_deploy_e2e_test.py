"""deploy/ checked here, without docker, kubectl or helm (none can run in the
test environment; helm is not even packaged by Debian 12): every Kubernetes
manifest parses and holds together (one replica, probes on the admin port of
the config, non-root, the config and state mounts the arguments and the config
point at, the Secret keys the config expands), the Helm chart renders (a small
Go-template subset; a missing value is an error) to the same, the Dockerfile
keeps its contract, `systemd-analyze verify` accepts the unit, and the real
binary runs the way the manifests and the unit run it (validate, then
`run -c <config>` with the manifest's environment, SIGTERM → exit 0) on the
shipped example config against PostgreSQL and the emulator."""

import glob
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import unittest
import urllib.error
import urllib.request

import yaml

sys.path.insert(0, os.path.dirname(__file__))
import harness  # noqa: E402
from harness import Emulator, psql, wait_for  # noqa: E402
from validate_deploy_gotemplate import Renderer, TemplateError  # noqa: E402

SOURCE_DIR = os.environ.get("CDC_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
DEPLOY = os.path.join(SOURCE_DIR, "deploy")
CHART = os.path.join(DEPLOY, "helm", "instasent-cdc")
UNIT = os.path.join(DEPLOY, "systemd", "instasent-cdc@.service")


def load_k8s():
    docs = []
    for path in sorted(glob.glob(os.path.join(DEPLOY, "k8s", "*.yaml"))):
        with open(path) as f:
            docs += [(os.path.basename(path), d) for d in yaml.safe_load_all(f) if d]
    return docs


def render_chart(**overrides):
    with open(os.path.join(CHART, "values.yaml")) as f:
        values = yaml.safe_load(f)
    values.update(overrides)
    renderer = Renderer(CHART, values)
    with open(os.path.join(CHART, "templates", "_helpers.tpl")) as f:
        renderer.load_helpers(f.read())
    docs = []
    for path in sorted(glob.glob(os.path.join(CHART, "templates", "*.yaml"))):
        with open(path) as f:
            docs += [d for d in yaml.safe_load_all(renderer.render(f.read())) if d]
    return docs


def one(docs, kind):
    found = [d for d in docs if d.get("kind") == kind]
    assert len(found) == 1, f"expected one {kind}, found {len(found)}"
    return found[0]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_status(url):
    try:
        with urllib.request.urlopen(url, timeout=2) as resp:
            return resp.status
    except urllib.error.HTTPError as e:
        return e.code
    except OSError:
        return None


class Manifests(unittest.TestCase):
    def check_pipeline(self, docs):
        """The checks every rendering of a pipeline must pass; returns (statefulset, config text)."""
        sts, svc, cm = one(docs, "StatefulSet"), one(docs, "Service"), one(docs, "ConfigMap")
        spec, pod = sts["spec"], sts["spec"]["template"]["spec"]
        labels = sts["spec"]["template"]["metadata"]["labels"]
        self.assertEqual(spec["replicas"], 1, "a pipeline has exactly one reader")
        self.assertEqual(spec["serviceName"], svc["metadata"]["name"])
        self.assertEqual(svc["spec"]["clusterIP"], "None")
        for selector in (spec["selector"]["matchLabels"], svc["spec"]["selector"]):
            self.assertLessEqual(selector.items(), labels.items())

        self.assertIs(pod["securityContext"]["runAsNonRoot"], True)
        self.assertNotEqual(pod["securityContext"].get("runAsUser"), 0)
        containers = pod["containers"] + pod.get("initContainers", [])
        for c in containers:
            sc = c["securityContext"]
            self.assertIs(sc["allowPrivilegeEscalation"], False, c["name"])
            self.assertIs(sc["readOnlyRootFilesystem"], True, c["name"])
            self.assertIn("ALL", sc["capabilities"]["drop"], c["name"])

        main = [c for c in pod["containers"] if c["name"] == "instasent-cdc"][0]
        args = main["args"]
        self.assertEqual(args[:2], ["run", "-c"])
        config_path = args[2]
        for init in pod.get("initContainers", []):
            self.assertEqual(init["args"], ["validate", "-c", config_path])

        mounts = {m["mountPath"]: m["name"] for m in main["volumeMounts"]}
        volumes = {v["name"]: v for v in pod["volumes"]}
        config_volume = volumes[mounts[os.path.dirname(config_path)]]
        self.assertEqual(config_volume["configMap"]["name"], cm["metadata"]["name"])
        config_text = cm["data"][os.path.basename(config_path)]
        config = yaml.safe_load(config_text)

        claims = {t["metadata"]["name"] for t in spec["volumeClaimTemplates"]}
        state_mount = [p for p, name in mounts.items() if name in claims]
        self.assertEqual(len(state_mount), 1, "one persistent volume for the state store")
        self.assertTrue(config["state"].startswith(state_mount[0] + "/"), "state: must live on the volume")

        ports = {p["name"]: p["containerPort"] for p in main["ports"]}
        listen_port = int(config["admin"]["listen"].rsplit(":", 1)[1])
        self.assertEqual(ports["admin"], listen_port)
        self.assertEqual(main["livenessProbe"]["httpGet"], {"path": "/healthz", "port": "admin"})
        self.assertEqual(main["readinessProbe"]["httpGet"], {"path": "/readyz", "port": "admin"})
        self.assertEqual([p["targetPort"] for p in svc["spec"]["ports"]], ["admin"])

        # Every ${VAR} without a default comes from the env list or the Secret.
        secret = one(docs, "Secret")
        self.assertEqual(main["envFrom"], [{"secretRef": {"name": secret["metadata"]["name"]}}])
        self.assertIn("INSTASENT_TOKEN", secret["stringData"])
        provided = {e["name"] for e in main["env"]} | set(secret["stringData"])
        needed = set(re.findall(r"\$\{([A-Z_][A-Z0-9_]*)\}", config_text))
        self.assertIn("INSTASENT_TOKEN", needed)
        self.assertLessEqual(needed, provided)
        return sts, config_text

    def test_kubernetes_manifests_hold_together(self):
        named = load_k8s()
        docs = [d for _, d in named if d["kind"] != "Kustomization"]
        for _, d in named:
            self.assertTrue(d.get("apiVersion") and d.get("kind"), d)
        kustomization = one([d for _, d in named], "Kustomization")
        files = sorted({f for f, d in named if d["kind"] != "Kustomization"})
        self.assertEqual(sorted(kustomization["resources"]), files)
        self.check_pipeline(docs)

    def test_helm_chart_renders_the_same_pipeline(self):
        docs = render_chart()
        _, helm_config = self.check_pipeline(docs)
        _, k8s_config = self.check_pipeline([d for _, d in load_k8s() if d["kind"] != "Kustomization"])
        self.assertEqual(yaml.safe_load(helm_config), yaml.safe_load(k8s_config))

        external = render_chart(existingSecret="shop-credentials", validateOnStart=False)
        self.assertEqual([d for d in external if d["kind"] == "Secret"], [])
        pod = one(external, "StatefulSet")["spec"]["template"]["spec"]
        self.assertNotIn("initContainers", pod)
        self.assertEqual(pod["containers"][0]["envFrom"], [{"secretRef": {"name": "shop-credentials"}}])

        with self.assertRaises(TemplateError):  # a template reading a value values.yaml lacks fails
            Renderer(CHART, {}).render("{{ .Values.nope.port }}")

    def test_dockerfile_keeps_its_contract(self):
        with open(os.path.join(DEPLOY, "Dockerfile")) as f:
            text = f.read()
        stages = re.findall(r"^FROM (\S+)(?: AS (\w+))?", text, re.M)
        self.assertEqual(len(stages), 2, "multi-stage: build, then runtime")
        self.assertTrue(all(image.startswith("debian:bookworm") for image, _ in stages))
        runtime = text[text.rindex("\nFROM "):]
        self.assertNotIn("-dev", runtime, "no -dev packages in the runtime stage")
        self.assertRegex(runtime, r"\nUSER 10001:10001\n")
        self.assertIn('VOLUME ["/var/lib/instasent-cdc"]', runtime)
        self.assertIn('ENTRYPOINT ["instasent-cdc"]', runtime)
        self.assertIn('CMD ["run", "-c", "/config/pipeline.yaml"]', runtime)
        with open(os.path.join(SOURCE_DIR, "cmake", "debian-packages.txt")) as f:
            listed = set(re.sub(r"#.*", "", f.read()).split())
        build = text[:text.rindex("\nFROM ")]
        dev = set(re.findall(r"\b([a-z0-9.+-]+-dev)\b", build))
        self.assertTrue(dev)
        self.assertLessEqual(dev, listed, "build packages come from cmake/debian-packages.txt")

    @unittest.skipUnless(shutil.which("systemd-analyze"), "systemd-analyze is not installed")
    def test_systemd_unit_verifies(self):
        with tempfile.TemporaryDirectory() as tmp:
            with open(UNIT) as f:
                unit = f.read().replace("/usr/bin/instasent-cdc", harness.CONNECTOR)
            path = os.path.join(tmp, "instasent-cdc@shop.service")
            with open(path, "w") as f:
                f.write(unit)
            out = subprocess.run(["systemd-analyze", "verify", "--man=no", path], capture_output=True,
                                 text=True, timeout=120)
            self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
            self.assertNotIn("Unknown", out.stdout + out.stderr)
            # Hardened: systemd's own exposure score stays low (0 = fully locked down, 10 = exposed).
            score = subprocess.run(["systemd-analyze", "security", "--offline=yes", path], capture_output=True,
                                   text=True, timeout=120)
        level = re.search(r"Overall exposure level for \S+: ([0-9.]+)", score.stdout + score.stderr)
        self.assertIsNotNone(level, score.stdout + score.stderr)
        self.assertLessEqual(float(level.group(1)), 2.0)


class RunsLikeTheManifests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        psql("DROP TABLE IF EXISTS orders, customers;"
             "CREATE TABLE customers (id bigint PRIMARY KEY, email text, first_name text, last_name text);"
             "CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint, amount numeric(10,2),"
             " currency char(3), created_at timestamptz);"
             "INSERT INTO customers VALUES (1, ' Ana@Example.com ', 'Ana', 'Gil');"
             "INSERT INTO orders VALUES (10, 1, 49.90, 'EUR', '2024-03-05 10:20:30+00')")
        cls.emulator = Emulator()

    @classmethod
    def tearDownClass(cls):
        cls.emulator.stop()

    def test_validate_then_run_with_the_manifest_arguments_and_environment(self):
        docs = [d for _, d in load_k8s()]
        sts, cm = one(docs, "StatefulSet"), one(docs, "ConfigMap")
        pod = sts["spec"]["template"]["spec"]
        main, init = pod["containers"][0], pod["initContainers"][0]
        config_path = main["args"][2]
        with open(UNIT) as f:
            unit = f.read()
        exec_start = re.search(r"^ExecStart=\S+ (.*)$", unit, re.M).group(1).split()
        # The unit and the manifest run the same command, each with its config path.
        self.assertEqual(exec_start[:2] + exec_start[3:], main["args"][:2] + main["args"][3:])

        # Only what cannot exist here changes: the state path and the admin address.
        work = tempfile.mkdtemp(prefix="cdc-deploy-")
        port = free_port()
        config = cm["data"][os.path.basename(config_path)]
        config = re.sub(r"^state: \S+", f"state: {work}/shop.db", config, flags=re.M)
        config = config.replace('listen: "0.0.0.0:9187"', f'listen: "127.0.0.1:{port}"')
        local_config = os.path.join(work, "pipeline.yaml")
        with open(local_config, "w") as f:
            f.write(config)

        env = dict(os.environ)
        env.update({e["name"]: e["value"] for e in main["env"]})
        env.update(PGHOST=os.environ["PGHOST"], PGPORT=os.environ["PGPORT"], PGUSER=os.environ["PGUSER"],
                   PGDATABASE=os.environ["PGDATABASE"], INSTASENT_URL=self.emulator.url,
                   INSTASENT_PROJECT=harness.PROJECT, INSTASENT_DATASOURCE=harness.DATASOURCE,
                   INSTASENT_TOKEN=harness.TOKEN)

        def argv(args):
            return [harness.CONNECTOR] + [local_config if a == config_path else a for a in args]

        checked = subprocess.run(argv(init["args"]), capture_output=True, text=True, env=env, timeout=120)
        self.assertEqual(checked.returncode, 0, checked.stdout + checked.stderr)

        log_path = os.path.join(work, "connector.log")
        with open(log_path, "w") as log:
            proc = subprocess.Popen(argv(main["args"]), stdout=log, stderr=log, env=env)
        try:
            wait_for(lambda: "1" in self.emulator.contacts() and self.emulator.events(), timeout=60,
                     what="the example pipeline's contact and purchase")
            contact = self.emulator.contacts()["1"]
            self.assertEqual(contact["_email"], "ana@example.com")
            self.assertEqual(self.emulator.events()[0]["_event_type"], "purchase")
            # The probes, when this build serves the admin endpoint.
            if wait_for_optional(lambda: http_status(f"http://127.0.0.1:{port}/healthz") is not None, 5):
                self.assertEqual(http_status(f"http://127.0.0.1:{port}/healthz"), 200)
                wait_for(lambda: http_status(f"http://127.0.0.1:{port}/readyz") == 200, timeout=30,
                         what="/readyz to answer 200")
            else:
                print("note: this build does not serve admin.listen; probe paths checked statically only")
            proc.send_signal(signal.SIGTERM)
            code = proc.wait(timeout=pod["terminationGracePeriodSeconds"])
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        with open(log_path) as f:
            log_text = f.read()
        self.assertEqual(code, 0, log_text)
        self.assertNotIn(harness.TOKEN, log_text)
        shutil.rmtree(work, ignore_errors=True)


def wait_for_optional(predicate, timeout):
    try:
        return wait_for(predicate, timeout=timeout)
    except AssertionError:
        return False


if __name__ == "__main__":
    unittest.main(verbosity=2)
