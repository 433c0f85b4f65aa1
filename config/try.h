// Early-return helpers for core::Result chains inside config/ (.cpp files only).
#pragma once

#define CDC_TRY_ASSIGN(lhs, expr)                              \
  do {                                                         \
    auto cdc_tmp_ = (expr);                                    \
    if (!cdc_tmp_) return ::cdc::core::Fail(cdc_tmp_.error()); \
    lhs = std::move(*cdc_tmp_);                                \
  } while (0)

#define CDC_TRY(expr)                                          \
  do {                                                         \
    auto cdc_tmp_ = (expr);                                    \
    if (!cdc_tmp_) return ::cdc::core::Fail(cdc_tmp_.error()); \
  } while (0)
