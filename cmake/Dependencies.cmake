# Third-party libraries, gathered into one interface target so stages need not list them.
#
# llama.cpp comes from, in order of preference:
#   1. LLAMA_CPP_DIR, a llama.cpp source tree built here as a subproject;
#   2. an installed llama.cpp that find_package(llama) finds (scripts/setup.sh builds the pinned
#      release into ~/.cache/clinbench/llama-* and passes it in CMAKE_PREFIX_PATH).
# Either way llama.cpp's common library comes with it, for its Jinja engine (chat templates are
# rendered by common/jinja, as `llama-server --jinja` does); scripts/build-llama.sh installs it
# as PREFIX/lib/libllama-common*.a with only the jinja headers in PREFIX/include/llama-common.

find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)

if(DEFINED ENV{LLAMA_CPP_DIR} AND NOT LLAMA_CPP_DIR)
  set(LLAMA_CPP_DIR $ENV{LLAMA_CPP_DIR})
endif()
if(LLAMA_CPP_DIR)
  set(LLAMA_BUILD_TESTS OFF CACHE BOOL "" FORCE)
  set(LLAMA_BUILD_EXAMPLES OFF CACHE BOOL "" FORCE)
  set(LLAMA_BUILD_TOOLS OFF CACHE BOOL "" FORCE)
  set(LLAMA_BUILD_SERVER OFF CACHE BOOL "" FORCE)
  set(LLAMA_BUILD_COMMON ON CACHE BOOL "" FORCE)
  add_subdirectory(${LLAMA_CPP_DIR} ${CMAKE_BINARY_DIR}/llama.cpp EXCLUDE_FROM_ALL SYSTEM)
  set(CLINBENCH_LLAMA_TARGETS llama ggml llama-common)
  set(CLINBENCH_LLAMA_MODELS_DIR ${LLAMA_CPP_DIR}/models)
else()
  # A build folder configured before keeps llama_DIR cached; when CMAKE_PREFIX_PATH now names
  # another llama.cpp (a new pin or patch set), follow it instead of the stale one.
  if(llama_DIR AND CMAKE_PREFIX_PATH)
    set(clinbench_llama_dir_in_prefix OFF)
    foreach(prefix IN LISTS CMAKE_PREFIX_PATH)
      file(REAL_PATH "${prefix}" prefix)
      string(FIND "${llama_DIR}" "${prefix}/" at)
      if(at EQUAL 0)
        set(clinbench_llama_dir_in_prefix ON)
      endif()
    endforeach()
    if(NOT clinbench_llama_dir_in_prefix)
      message(STATUS "llama.cpp: ${llama_DIR} is not under CMAKE_PREFIX_PATH; looking again")
      get_filename_component(stale_prefix "${llama_DIR}/../../.." ABSOLUTE)
      get_cmake_property(cached_variables CACHE_VARIABLES)
      foreach(variable IN LISTS cached_variables)
        string(FIND "${${variable}}" "${stale_prefix}/" at)
        if(at EQUAL 0)
          unset(${variable} CACHE)
        endif()
      endforeach()
    endif()
  endif()
  find_package(llama REQUIRED CONFIG)
  # scripts/build-llama.sh links the source's models/ (vocab-only GGUFs) into the prefix.
  get_filename_component(CLINBENCH_LLAMA_PREFIX ${llama_DIR}/../../.. ABSOLUTE)
  # Not the cpp-httplib common links privately: only its download code needs it, and it would
  # resolve the tests' Debian cpp-httplib (another version) to the wrong implementation.
  foreach(library llama-common llama-common-base)
    string(MAKE_C_IDENTIFIER "CLINBENCH_LIB_${library}" variable)
    find_library(${variable} ${library} PATHS ${CLINBENCH_LLAMA_PREFIX}/lib NO_DEFAULT_PATH)
    if(NOT ${variable})
      message(FATAL_ERROR "llama.cpp's common library (lib${library}.a) is not in "
                          "${CLINBENCH_LLAMA_PREFIX}/lib: rerun scripts/build-llama.sh, which adds it")
    endif()
  endforeach()
  add_library(clinbench_llama_common INTERFACE)
  target_include_directories(clinbench_llama_common SYSTEM INTERFACE
    ${CLINBENCH_LLAMA_PREFIX}/include/llama-common)
  target_link_libraries(clinbench_llama_common INTERFACE
    ${CLINBENCH_LIB_llama_common} ${CLINBENCH_LIB_llama_common_base} llama)
  set(CLINBENCH_LLAMA_TARGETS llama ggml::ggml clinbench_llama_common)
  set(CLINBENCH_LLAMA_MODELS_DIR ${CLINBENCH_LLAMA_PREFIX}/models)
endif()

find_package(CLI11 REQUIRED CONFIG)
find_package(nlohmann_json REQUIRED CONFIG)
find_package(yaml-cpp REQUIRED CONFIG)
find_package(SQLite3 REQUIRED)
find_package(CURL REQUIRED)
pkg_check_modules(UTF8PROC REQUIRED IMPORTED_TARGET libutf8proc)
pkg_check_modules(XXHASH REQUIRED IMPORTED_TARGET libxxhash)
pkg_check_modules(ZSTD REQUIRED IMPORTED_TARGET libzstd)
pkg_check_modules(XAPIAN REQUIRED IMPORTED_TARGET xapian-core)

add_library(clinbench_dependencies INTERFACE)
target_link_libraries(clinbench_dependencies INTERFACE
  ${CLINBENCH_LLAMA_TARGETS}
  nlohmann_json::nlohmann_json
  yaml-cpp
  SQLite::SQLite3
  CURL::libcurl
  PkgConfig::UTF8PROC
  PkgConfig::XXHASH
  PkgConfig::ZSTD
  PkgConfig::XAPIAN
  Threads::Threads)
