# The stages of the data flow, each a CMake object library, listed bottom up (HACKING.md draws
# them). The build enforces the layering: a stage compiles against an include folder that holds
# only its own private headers and the public headers (include/clinbench/) of the stages listed
# before it, so `#include "metrics/x.h"` outside src/metrics/, or a public header of a stage
# further up, fails to compile. Tests, benchmarks and fuzzers may see everything.
#
# clinbench_stage(NAME FOLDER dir [PUBLIC header.h...] [SEES dir...] [SOURCES file...])
#   FOLDER   the stage's folder under src/; its *.cpp (not sub-folders) are the stage's sources
#   PUBLIC   the headers of include/clinbench/ the stage owns
#   SEES     other folders under src/ whose private headers the stage may include: the one
#            deliberate exception, the backend table opening the backends it lists
#   SOURCES  generated sources compiled with the stage
set(CLINBENCH_STAGE_TARGETS "")
set(CLINBENCH_VISIBLE_PUBLIC_HEADERS "")
set(CLINBENCH_OWNED_PUBLIC_HEADERS "")
set(CLINBENCH_STAGE_SOURCES "")

function(clinbench_stage name)
  cmake_parse_arguments(S "" "FOLDER" "PUBLIC;SEES;SOURCES" ${ARGN})
  set(src ${PROJECT_SOURCE_DIR}/src)
  set(view ${PROJECT_BINARY_DIR}/stage-include/${name})
  file(REMOVE_RECURSE ${view})

  # The stage's view of the headers: symbolic links, so that errors and debuggers name the
  # real files.
  set(private_headers "")
  foreach(folder ${S_FOLDER} ${S_SEES})
    file(GLOB headers CONFIGURE_DEPENDS ${src}/${folder}/*.h)
    list(APPEND private_headers ${headers})
  endforeach()
  foreach(header ${private_headers})
    file(RELATIVE_PATH relative ${src} ${header})
    get_filename_component(link_dir ${view}/${relative} DIRECTORY)
    file(MAKE_DIRECTORY ${link_dir})
    file(CREATE_LINK ${header} ${view}/${relative} SYMBOLIC)
  endforeach()
  foreach(header ${S_PUBLIC})
    if(NOT EXISTS ${PROJECT_SOURCE_DIR}/include/clinbench/${header})
      message(FATAL_ERROR "stage ${name}: include/clinbench/${header} does not exist")
    endif()
  endforeach()
  set(visible ${CLINBENCH_VISIBLE_PUBLIC_HEADERS} ${S_PUBLIC})
  file(MAKE_DIRECTORY ${view}/clinbench)
  foreach(header ${visible})
    file(CREATE_LINK ${PROJECT_SOURCE_DIR}/include/clinbench/${header} ${view}/clinbench/${header} SYMBOLIC)
  endforeach()

  file(GLOB sources CONFIGURE_DEPENDS ${src}/${S_FOLDER}/*.cpp)
  # A relative path would walk around the view ("../metrics/x.h" from src/cli/).
  foreach(file ${sources} ${private_headers})
    file(STRINGS ${file} climbing REGEX "^[ \t]*#[ \t]*include[ \t]*\"\\.\\./")
    if(climbing)
      message(FATAL_ERROR "${file}: include by a path with '..' (${climbing}): name the header "
                          "from src/ or include/ so that the layering applies")
    endif()
  endforeach()
  add_library(clinbench_stage_${name} OBJECT ${sources} ${S_SOURCES})
  target_include_directories(clinbench_stage_${name} PRIVATE ${view})
  target_compile_options(clinbench_stage_${name} PRIVATE ${CLINBENCH_WARNINGS})
  # No absolute source path here: objects stay identical across clones, so the compiler cache hits.
  target_compile_definitions(clinbench_stage_${name} PRIVATE CLINBENCH_VERSION="${PROJECT_VERSION}")
  target_link_libraries(clinbench_stage_${name} PUBLIC clinbench_dependencies)

  set(CLINBENCH_STAGE_TARGETS ${CLINBENCH_STAGE_TARGETS} clinbench_stage_${name} PARENT_SCOPE)
  set(CLINBENCH_VISIBLE_PUBLIC_HEADERS ${visible} PARENT_SCOPE)
  set(CLINBENCH_OWNED_PUBLIC_HEADERS ${CLINBENCH_OWNED_PUBLIC_HEADERS} ${S_PUBLIC} PARENT_SCOPE)
  set(CLINBENCH_STAGE_SOURCES ${CLINBENCH_STAGE_SOURCES} ${sources} PARENT_SCOPE)
endfunction()

# Every source file belongs to one stage and every public header to one owner: a new folder or
# header must be placed in the table above, not silently left out of the layering.
function(clinbench_stages_check_complete)
  file(GLOB_RECURSE all_sources CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/src/*.cpp)
  foreach(source ${all_sources})
    if(NOT source IN_LIST CLINBENCH_STAGE_SOURCES)
      file(RELATIVE_PATH relative ${PROJECT_SOURCE_DIR} ${source})
      message(FATAL_ERROR "${relative} belongs to no stage: add its folder to cmake/Stages.cmake")
    endif()
  endforeach()
  file(GLOB public_headers CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/include/clinbench/*.h)
  foreach(header_path ${public_headers})
    get_filename_component(header ${header_path} NAME)
    if(NOT header IN_LIST CLINBENCH_OWNED_PUBLIC_HEADERS)
      message(FATAL_ERROR "include/clinbench/${header} has no owning stage: name it in cmake/Stages.cmake")
    endif()
  endforeach()
endfunction()
