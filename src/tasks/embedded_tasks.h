// The built-in task files, compiled in (cmake/EmbedTasks.cmake).
#pragma once

#include <string>
#include <vector>

namespace clinbench {

struct EmbeddedTask {
  std::string path;  // "tasks/NAME.yaml", relative to the source tree
  std::string yaml;
};

const std::vector<EmbeddedTask>& embedded_tasks();

}  // namespace clinbench
