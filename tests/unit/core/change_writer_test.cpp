// ChangeWriter with a ChunkPool: chunks the consumer hands back are refilled
// by overwriting their old events, and nothing old ever reaches the queue.
#include "core/pipeline/change_writer.h"

#include <gtest/gtest.h>

#include <string>

namespace cdc::core {
namespace {

using namespace std::chrono_literals;

SourceEvent Row(uint64_t n) {
  RowChange c;
  c.position.change = n;
  c.after = {Value::Int(static_cast<int64_t>(n)), Value::String("row number " + std::to_string(n) + " text")};
  return c;
}

SourceEvent End(uint64_t n) {
  TxEnd end;
  end.position.commit = n;
  return end;
}

// The sequence number an event carries (rows: change; ends: commit).
uint64_t Number(const SourceEvent& e) {
  if (auto* c = std::get_if<RowChange>(&e)) return c->position.change;
  return std::get<TxEnd>(e).position.commit;
}

TEST(ChangeWriter, RecycledChunksCarryOnlyTheNewEventsInOrder) {
  ChangeQueue queue(64);
  ChunkPool pool(2);
  ChangeWriter writer(queue, &pool);
  uint64_t next_emitted = 1;
  uint64_t next_expected = 1;
  // Rows and transaction ends alternate in different rhythms, so a recycled
  // slot is overwritten by an event of the other kind as often as not.
  auto emit_some = [&](uint64_t count) {
    for (uint64_t i = 0; i < count; ++i, ++next_emitted) {
      ASSERT_TRUE(writer.Emit(next_emitted % 7 == 0 ? End(next_emitted) : Row(next_emitted)));
    }
    ASSERT_TRUE(writer.Flush());
  };
  auto drain = [&] {
    while (auto chunk = queue.Pop(0ms)) {
      for (const auto& e : *chunk) {
        ASSERT_EQ(Number(e), next_expected) << "an old or misplaced event reached the queue";
        if (auto* c = std::get_if<RowChange>(&e)) {
          ASSERT_EQ(c->after.at(1).text(), "row number " + std::to_string(next_expected) + " text");
        }
        ++next_expected;
      }
      pool.Return(std::move(*chunk));
    }
  };
  // Full chunks, then shorter ones into recycled chunks holding more old events.
  for (uint64_t count : {600, 1000, 5, 300, 1, 256, 257, 40}) {
    emit_some(count);
    drain();
  }
  EXPECT_EQ(next_expected, next_emitted);
  EXPECT_EQ(next_emitted - 1, 600u + 1000 + 5 + 300 + 1 + 256 + 257 + 40);
}

TEST(ChangeWriter, WakeSendsWhatItHoldsOrAnEmptyChunk) {
  ChangeQueue queue(2);
  ChangeWriter writer(queue);
  // Holding events: they go out, as with Flush.
  ASSERT_TRUE(writer.Emit(Row(1)));
  ASSERT_TRUE(writer.Wake());
  auto held = queue.Pop(0ms);
  ASSERT_TRUE(held.has_value());
  ASSERT_EQ(held->size(), 1u);
  EXPECT_EQ(Number(held->front()), 1u);
  // Holding nothing: an empty chunk, so the consumer looks at the source now.
  ASSERT_TRUE(writer.Wake());
  auto nudge = queue.Pop(0ms);
  ASSERT_TRUE(nudge.has_value());
  EXPECT_TRUE(nudge->empty());
  // A full queue needs no nudge: Wake does not wait for room.
  ASSERT_TRUE(writer.Wake());
  ASSERT_TRUE(writer.Wake());
  ASSERT_TRUE(writer.Wake());
  EXPECT_EQ(queue.Size(), 2u);
  // Once the pipeline has closed the queue, Wake says so.
  queue.Close();
  EXPECT_FALSE(writer.Wake());
}

TEST(ChunkPool, KeepsAtMostItsCapacity) {
  ChunkPool pool(1);
  pool.Return(ChangeChunk(3));
  pool.Return(ChangeChunk(5));  // over capacity: left to the caller, not kept
  EXPECT_EQ(pool.Take().size(), 3u);
  EXPECT_TRUE(pool.Take().empty());
}

}  // namespace
}  // namespace cdc::core
