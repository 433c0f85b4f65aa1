// PostgreSQL array text ("{1,2,NULL}", "{{a,\"b c\"},{d,NULL}}", "[0:1]={x,y}")
// → JSON array text. Each non-NULL element is unescaped and handed to
// `element`, whose Value is rendered with core::AppendJsonValue; nested
// arrays become nested JSON arrays; lower-bound decorations are dropped.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "core/model/result.h"
#include "core/model/value.h"

namespace cdc::pg {

using ArrayElementConverter = std::function<core::Result<core::Value>(std::string_view)>;

// `delimiter` is ',' for every type except box (';'). Malformed text fails
// with kBadData.
core::Result<std::string> ArrayTextToJson(std::string_view text,
                                          const ArrayElementConverter& element,
                                          char delimiter = ',');

}  // namespace cdc::pg
