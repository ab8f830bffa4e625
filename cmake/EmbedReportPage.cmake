# Compiles the HTML report's page (src/report/page/*.css|html|js) into the binary; the report
# stage assembles the page from these files (src/report/html_report_page.cpp).
include(${CMAKE_CURRENT_LIST_DIR}/EmbedFiles.cmake)
file(GLOB CLINBENCH_REPORT_PAGE_FILES CONFIGURE_DEPENDS
  ${CMAKE_SOURCE_DIR}/src/report/page/*.css
  ${CMAKE_SOURCE_DIR}/src/report/page/*.html
  ${CMAKE_SOURCE_DIR}/src/report/page/*.js)
list(SORT CLINBENCH_REPORT_PAGE_FILES)
set(CLINBENCH_REPORT_PAGE_SOURCE ${CMAKE_BINARY_DIR}/generated/report_page_files.cpp)
clinbench_embed_files(OUTPUT ${CLINBENCH_REPORT_PAGE_SOURCE} HEADER report/page_files.h
  TYPE ReportPageFile FUNCTION report_page_files ROOT ${CMAKE_SOURCE_DIR}/src/report/page
  FILES ${CLINBENCH_REPORT_PAGE_FILES})
