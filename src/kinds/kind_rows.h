// The rows of the kind table, one a file (src/kinds/KIND.cpp); kind_table.cpp lists them.
#pragma once

#include "clinbench/kinds.h"

namespace clinbench {

const TaskKindDefinition& multiple_choice_kind();  // multiple_choice.cpp
const TaskKindDefinition& generation_kind();       // generation.cpp
const TaskKindDefinition& longhealth_kind();       // longhealth.cpp

// The default retrieval query of the kinds whose items ask a question over options (multiple
// choice, LongHealth): the question alone, since the options would pull in passages about every
// wrong answer. kind_table.cpp.
std::string question_retrieval_query(const TaskSpec& spec, const Example& example);

}  // namespace clinbench
