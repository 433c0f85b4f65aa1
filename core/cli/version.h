#pragma once
namespace cdc::cli {
inline constexpr const char* kVersion = "0.1.0";
}
