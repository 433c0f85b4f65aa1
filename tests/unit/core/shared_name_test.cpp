#include "core/model/shared_name.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "core/model/record.h"

namespace cdc::core {
namespace {

TEST(SharedName, EqualTextsShareOneStorageAndCompareLikeStrings) {
  const std::string long_name = "public.customers_with_a_long_name";
  SharedName a(long_name);
  SharedName b(std::string("public.customers_with_a_long_name"));
  EXPECT_EQ(&a.str(), &b.str());
  EXPECT_TRUE(a == b);
  EXPECT_TRUE(a == long_name);
  EXPECT_TRUE(long_name == a);
  EXPECT_TRUE(a == "public.customers_with_a_long_name");
  EXPECT_FALSE(a == SharedName("public.orders"));
  EXPECT_FALSE(a == "public.orders");
  const std::string& as_string = a;
  EXPECT_EQ(as_string, long_name);
}

TEST(SharedName, DefaultIsEmptyAndEqualToAnEmptyName) {
  SharedName none;
  EXPECT_TRUE(none.empty());
  EXPECT_EQ(none.str(), "");
  EXPECT_TRUE(none == SharedName(""));
  EXPECT_FALSE(SharedName("x").empty());
}

TEST(SharedName, RecordsCopyTheirTableAndDestinationWithoutCopyingText) {
  Record r;
  r.table = std::string("public.orders_of_last_year");
  r.destination = "audit";
  Record copy = r;
  EXPECT_EQ(&copy.table.str(), &r.table.str());
  EXPECT_EQ(copy.destination, "audit");
  std::string letter_table;
  letter_table = r.table;  // as a dead letter takes it
  EXPECT_EQ(letter_table, "public.orders_of_last_year");
}

TEST(SharedName, ThreadsInterningTheSameNamesGetTheSameStorage) {
  std::vector<const std::string*> seen(8);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < seen.size(); ++i) {
    threads.emplace_back([&seen, i] {
      for (int k = 0; k < 1000; ++k) SharedName("t" + std::to_string(k));
      seen[i] = &SharedName("shared.table.name.for.threads").str();
    });
  }
  for (auto& t : threads) t.join();
  for (const auto* p : seen) EXPECT_EQ(p, seen[0]);
}

}  // namespace
}  // namespace cdc::core
