// The mapping compiler's side of MappingOutline: describes one compiled
// template. Internal to config/.
#pragma once

#include <string>

#include "config/mapping_outline.h"
#include "config/template.h"

namespace cdc::config {

FieldOutline OutlineTemplate(const Template& t, FieldRole role, std::string name, std::string where);

}  // namespace cdc::config
