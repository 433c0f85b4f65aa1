// ByteReader overrun: every event of every binlog fixture, truncated at every
// length, fails cleanly (or decodes a shorter valid event) without reading a
// byte past the end. Each truncated copy ends right before a PROT_NONE page,
// so any read past the end crashes the test instead of passing silently.
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstring>

#include "connectors/mysql/event_decoder.h"
#include "tests/unit/mysql/fixture_reader.h"

namespace cdc::mysql::testing {
namespace {

class GuardedBuffer {
 public:
  explicit GuardedBuffer(size_t capacity) {
    page_ = static_cast<size_t>(sysconf(_SC_PAGESIZE));
    usable_ = (capacity + page_ - 1) / page_ * page_ + page_;
    void* p = mmap(nullptr, usable_ + page_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) throw std::runtime_error("mmap");
    base_ = static_cast<char*>(p);
    mprotect(base_ + usable_, page_, PROT_NONE);
  }
  ~GuardedBuffer() { munmap(base_, usable_ + page_); }
  GuardedBuffer(const GuardedBuffer&) = delete;
  GuardedBuffer& operator=(const GuardedBuffer&) = delete;

  // Copies `data` so that its last byte is the last readable byte.
  std::string_view Place(std::string_view data) {
    char* start = base_ + usable_ - data.size();
    std::memcpy(start, data.data(), data.size());
    return {start, data.size()};
  }

 private:
  size_t page_ = 0;
  size_t usable_ = 0;
  char* base_ = nullptr;
};

struct Stats {
  size_t lengths = 0;
  size_t failed_cleanly = 0;
};

// Sakila's rows events are large (decoding each cut is linear in its length):
// they are cut at every length in their first and last 128 bytes and every
// 509th length in between; all other fixtures at every length.
bool Wanted(size_t length, size_t size, bool sample) {
  if (!sample || size <= 1024) return true;
  return length < 128 || length + 128 >= size || length % 509 == 0;
}

void TruncateEveryEvent(const std::string& relative, bool sample_large_rows, Stats& stats) {
  std::string file = BinlogBytes(relative);
  auto events = SplitEvents(file);
  size_t largest = 0;
  for (const auto& e : events) largest = std::max(largest, e.bytes.size());
  GuardedBuffer guard(largest + 64);
  EventDecoder decoder;
  for (const auto& e : events) {
    const std::string_view raw = e.bytes;
    const uint8_t type = static_cast<uint8_t>(raw[4]);
    const bool sample = sample_large_rows && type != kFormatDescriptionEvent && type != kTableMapEvent;
    // Only these types change the decoder's state; the others share one copy.
    const bool mutates =
        type == kFormatDescriptionEvent || type == kTableMapEvent || type == kTransactionPayloadEvent;
    EventDecoder scratch = decoder;
    // 1) Cut anywhere: the frame no longer matches its header and must fail.
    for (size_t len = 0; len < raw.size(); ++len) {
      if (!Wanted(len, raw.size(), sample)) continue;
      auto r = scratch.Decode(guard.Place(raw.substr(0, len)));
      ++stats.lengths;
      EXPECT_FALSE(r.has_value()) << relative << " @" << e.offset << " cut at " << len;
      if (!r) stats.failed_cleanly += r.error().kind == core::ErrorKind::kBadData;
    }
    // 2) Cut the body and fix the header's size (checksum off), so the body
    //    decoders themselves meet the short input.
    if (type != kFormatDescriptionEvent && decoder.format()) {
      EventDecoder unchecked = decoder;
      FormatDescription f = *decoder.format();
      const bool had_crc = f.checksum == ChecksumAlg::kCrc32;
      f.checksum = ChecksumAlg::kOff;
      unchecked.SetFormat(f);
      std::string_view body_end = had_crc ? raw.substr(0, raw.size() - 4) : raw;
      for (size_t len = kEventHeaderSize; len < body_end.size(); ++len) {
        if (!Wanted(len, body_end.size(), sample)) continue;
        std::string cut(body_end.substr(0, len));
        for (int i = 0; i < 4; ++i) cut[9 + i] = static_cast<char>((len >> (8 * i)) & 0xFF);
        auto r =
            mutates ? EventDecoder(unchecked).Decode(guard.Place(cut)) : unchecked.Decode(guard.Place(cut));
        ++stats.lengths;
        if (!r) {
          EXPECT_NE(r.error().kind, core::ErrorKind::kBug)
              << relative << " @" << e.offset << " body cut at " << len << ": " << r.error().message;
          stats.failed_cleanly++;
        }
      }
    }
    auto full = decoder.Decode(guard.Place(raw));
    (void)full;  // failures of the whole event are the fixture tests' business
  }
}

const char* kFixtures[] = {
    "boxercrab/03_stop.binlog",
    "boxercrab/04_rotate.binlog",
    "boxercrab/15_format_desc.binlog",
    "boxercrab/16_xid.binlog",
    "boxercrab/19_table_map.binlog",
    "boxercrab/29_row_query.binlog",
    "boxercrab/30_write_rows_v2.binlog",
    "boxercrab/31_update_rows_v2.binlog",
    "boxercrab/32_delete_rows_v2.binlog",
    "boxercrab/33_35_gtid_prev_gtid.binlog",
    "boxercrab/34_anonymous_gtid.binlog",
    "canal/tsdb-mysql-bin.000002",
    "canal/tsdb-mysql-bin.000003",
    "captured-mariadb-10.11-chinook/mariadb-bin.000002",
    "captured-mariadb-10.11-chinook/mariadb-bin.000003",
    "go-mysql-server-mariadb/binlog_delete.txt",
    "go-mysql-server-mariadb/binlog_format_desc.txt",
    "go-mysql-server-mariadb/binlog_insert.txt",
    "go-mysql-server-mariadb/binlog_no_format_desc.txt",
    "go-mysql-server-mariadb/binlog_transaction_multi_ops.txt",
    "go-mysql-server-mariadb/binlog_update.txt",
    "mariadb-poc/domain_id_0-mariadb-repl-bin.000001",
    "mariadb-poc/domain_id_0-mariadb-repl-bin.000005",
    "mariadb-poc/domain_id_0-mariadb-repl-bin.000009",
    "mariadb-poc/domain_id_0-mariadb-repl-bin.000010",
    "mysql-binlog-connector-java/mysql-bin.aurora-padding",
    "mysql-binlog-connector-java/mysql-bin.checksum-crc32",
    "mysql-binlog-connector-java/mysql-bin.checksum-none",
    "mysql-binlog-connector-java/mysql-bin.compressed",
    "rust_mysql_common/binlog-invisible-columns.000001",
    "rust_mysql_common/binlog_transaction_previous_GTID_no_tag.000001",
    "rust_mysql_common/binlog_transaction_with_GTID_TAG.000001",
    "rust_mysql_common/json-opaque.binlog",
    "rust_mysql_common/json.binlog.000001",
    "rust_mysql_common/mariadb-bin.000001",
    "rust_mysql_common/minimal_row_metadata.000001",
    "rust_mysql_common/mysql-enum-string-set.000001",
    "rust_mysql_common/mysql_type_bit.000001",
    "rust_mysql_common/time_issue.000001",
    "rust_mysql_common/transaction_compression.000001",
    "rust_mysql_common/vector.binlog",
};

TEST(ByteReaderOverrun, EveryFixtureEventTruncatedAtEveryLengthFailsCleanly) {
  Stats stats;
  for (const char* f : kFixtures) TruncateEveryEvent(f, false, stats);
  EXPECT_GT(stats.lengths, 100000u);
  EXPECT_GT(stats.failed_cleanly, stats.lengths / 2);
}

TEST(ByteReaderOverrun, SakilaEventsTruncatedFailCleanly) {
  Stats stats;
  TruncateEveryEvent("mysql-binlog-connector-java/mysql-bin.sakila.gz", true, stats);
  EXPECT_GT(stats.lengths, 100000u);
}

}  // namespace
}  // namespace cdc::mysql::testing
