// The rows of the kind table, one a file (src/kinds/KIND.cpp); kind_table.cpp lists them.
#pragma once

#include "clinbench/kinds.h"

namespace clinbench {

const TaskKindDefinition& multiple_choice_kind();  // multiple_choice.cpp
const TaskKindDefinition& generation_kind();       // generation.cpp
const TaskKindDefinition& longhealth_kind();       // longhealth.cpp

}  // namespace clinbench
