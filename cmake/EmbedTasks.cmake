# Compiles the built-in task YAML files (tasks/*.yaml) into the binary, so build/clinbench finds
# its tasks wherever it is run from. Editing a YAML file re-runs this at the next build.
include(${CMAKE_CURRENT_LIST_DIR}/EmbedFiles.cmake)
file(GLOB CLINBENCH_TASK_FILES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/tasks/*.yaml)
list(SORT CLINBENCH_TASK_FILES)
set(CLINBENCH_EMBEDDED_TASKS_SOURCE ${CMAKE_BINARY_DIR}/generated/embedded_tasks.cpp)
clinbench_embed_files(OUTPUT ${CLINBENCH_EMBEDDED_TASKS_SOURCE} HEADER tasks/embedded_tasks.h
  TYPE EmbeddedTask FUNCTION embedded_tasks ROOT ${CMAKE_SOURCE_DIR} FILES ${CLINBENCH_TASK_FILES})
