// instasent-emulator: a local Instasent Ingest API for tests and benchmarks.
// Prints `listening on http://HOST:PORT` once bound; exits 0 on SIGTERM/SIGINT.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "tests/emulator/clock.h"
#include "tests/emulator/emulator.h"
#include "tests/emulator/http_server.h"

namespace {

using cdc::emulator::Auth;
using cdc::emulator::EmulatorOptions;

int Fail(const std::string& message) {
  std::cerr << "instasent-emulator: " << message << "\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Instasent Ingest API emulator"};
  std::string listen = "127.0.0.1:0";
  std::vector<std::string> credentials;
  std::vector<std::string> product_tokens;
  std::string specs_file;
  std::string shape = "documented";
  uint64_t seed = 1;
  int threads = 2;
  cdc::emulator::FaultSettings f;
  app.add_option("--listen", listen, "HOST:PORT to bind (port 0: any free port)");
  app.add_option("--credential", credentials, "PROJECT:DATASOURCE:TOKEN (repeatable)");
  app.add_option("--product-token", product_tokens,
                 "PROJECT:TOKEN, a Product API token valid for every datasource of PROJECT (repeatable)");
  app.add_option("--specs", specs_file, "JSON file with attributes, events, event_parameters");
  app.add_option("--response-shape", shape, "documented|client");
  app.add_option("--seed", seed, "seed of the fault decisions");
  app.add_option("--threads", threads, "server threads")->check(CLI::Range(1, 64));
  app.add_option("--latency-ms", f.latency_ms, "latency added to every API request");
  app.add_option("--latency-jitter-ms", f.latency_jitter_ms, "± jitter on the latency");
  app.add_option("--fail-rate", f.fail_rate, "fraction of ingest requests answered 5xx")
      ->check(CLI::Range(0.0, 1.0));
  app.add_option("--drop-rate", f.drop_rate, "fraction of ingest requests dropped")
      ->check(CLI::Range(0.0, 1.0));
  app.add_option("--burst-429-every", f.burst_429_every, "ingest requests between 429 bursts");
  app.add_option("--burst-429-length", f.burst_429_length, "ingest requests per 429 burst");
  app.add_option("--rate-limit", f.rate_limit, "requests per minute per datasource and endpoint");
  app.add_option("--queue-contacts-ms", f.queue_contacts_ms,
                 "delay of contact upserts without ?_sync");
  CLI11_PARSE(app, argc, argv);

  EmulatorOptions options;
  if (credentials.empty()) credentials.push_back("proj_test:ds_test:test-token");
  for (const auto& text : credentials) {
    auto c = Auth::ParseCredential(text);
    if (!c) return Fail(c.error().message);
    options.credentials.push_back(*c);
  }
  for (const auto& text : product_tokens) {
    auto p = Auth::ParseProductToken(text);
    if (!p) return Fail(p.error().message);
    options.product_tokens.push_back(*p);
  }
  if (!specs_file.empty()) {
    auto specs = cdc::emulator::Specs::LoadFile(specs_file);
    if (!specs) return Fail(specs.error().message);
    options.specs = std::move(*specs);
  }
  auto parsed_shape = cdc::emulator::ParseResponseShape(shape);
  if (!parsed_shape) return Fail(parsed_shape.error().message);
  f.response_shape = *parsed_shape;
  if (auto checked = f.Patched(nlohmann::json::object()); !checked) {
    return Fail(checked.error().message);
  }
  options.faults = f;
  options.seed = seed;

  const auto colon = listen.rfind(':');
  if (colon == std::string::npos) return Fail("--listen must be HOST:PORT");
  int port = 0;
  try {
    port = std::stoi(listen.substr(colon + 1));
  } catch (const std::exception&) {
    return Fail("--listen must be HOST:PORT");
  }
  if (port < 0 || port > 65535) return Fail("--listen port out of range");

  cdc::emulator::SystemClock clock;
  cdc::emulator::Emulator emulator(std::move(options), clock);
  cdc::emulator::HttpServer server(emulator, threads);
  const std::string host = listen.substr(0, colon);
  auto bound = server.Listen(host, static_cast<uint16_t>(port));
  if (!bound) return Fail(bound.error().message);
  std::printf("listening on http://%s:%u\n", host.c_str(), static_cast<unsigned>(*bound));
  std::fflush(stdout);
  server.Run();
  return 0;
}
