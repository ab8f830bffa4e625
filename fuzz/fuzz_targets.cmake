# The fuzz targets and the library sources they need; shared by fuzz/CMakeLists.txt (libFuzzer,
# clang) and tests/fuzz/CMakeLists.txt (the corpus replay test, any compiler). A new target is a
# file fuzz/NAME_fuzz.cpp, its name here, and seeds in fuzz/corpus/NAME/.
set(CLINBENCH_FUZZ_TARGETS
  dataset_jsonl
  dataset_json
  dataset_csv
  task_yaml
  suite_yaml
  openai_replies
  answer_extraction
  icd_codes
  data_manifest)

# The stages the parsers live in, whole (a static library links only what a target uses, and a
# new dependency inside a stage needs no edit here; task files are read through the kind table,
# whose rows reach prompt and the backend interface), plus single files from stages that also
# hold code built on llama.cpp, libcurl or SQLite.
file(GLOB CLINBENCH_FUZZ_LIBRARY_SOURCES CONFIGURE_DEPENDS
  ${PROJECT_SOURCE_DIR}/src/core/*.cpp
  ${PROJECT_SOURCE_DIR}/src/data/*.cpp
  ${PROJECT_SOURCE_DIR}/src/tasks/*.cpp
  ${PROJECT_SOURCE_DIR}/src/stats/*.cpp
  ${PROJECT_SOURCE_DIR}/src/metrics/*.cpp
  ${PROJECT_SOURCE_DIR}/src/prompt/*.cpp
  ${PROJECT_SOURCE_DIR}/src/kinds/*.cpp
  ${PROJECT_SOURCE_DIR}/src/backends/*.cpp)
list(APPEND CLINBENCH_FUZZ_LIBRARY_SOURCES
  ${PROJECT_SOURCE_DIR}/src/backends/openai/openai_replies.cpp
  ${PROJECT_SOURCE_DIR}/src/compare/pairs_file.cpp
  ${PROJECT_SOURCE_DIR}/src/compare/margins.cpp
  ${PROJECT_SOURCE_DIR}/src/run/suite_file.cpp
  ${PROJECT_SOURCE_DIR}/src/fetch/data_sources.cpp
  ${PROJECT_SOURCE_DIR}/src/backends/llama/study_models.cpp
  # The backend table's openers, standing in for llama.cpp and libcurl (no target opens a model).
  ${PROJECT_SOURCE_DIR}/fuzz/backend_openers.cpp)
