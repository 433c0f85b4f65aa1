# Every dependency is a Debian 12 package (see `make deps`); nothing is downloaded.
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
find_package(fmt REQUIRED)
find_package(spdlog REQUIRED)
find_package(nlohmann_json 3 REQUIRED)
find_package(CLI11 REQUIRED)
find_package(tl-expected REQUIRED)
find_package(yaml-cpp REQUIRED)
find_package(Boost 1.74 REQUIRED COMPONENTS system)
find_package(GTest REQUIRED)
# The executable's allocator: rows are allocated on the reader thread and freed on the
# pipeline thread, the pattern glibc malloc serves worst (core/README.md).
find_package(mimalloc 2.0 REQUIRED)

pkg_check_modules(PQ REQUIRED IMPORTED_TARGET libpq)
pkg_check_modules(PQXX REQUIRED IMPORTED_TARGET libpqxx)
pkg_check_modules(MARIADB REQUIRED IMPORTED_TARGET libmariadb)
pkg_check_modules(CURL REQUIRED IMPORTED_TARGET libcurl)
pkg_check_modules(SQLITE REQUIRED IMPORTED_TARGET sqlite3)
pkg_check_modules(ZSTD REQUIRED IMPORTED_TARGET libzstd)
# CRC32 of binlog events (PCLMUL-accelerated; zlib's is bytewise-table speed).
pkg_check_modules(LIBDEFLATE REQUIRED IMPORTED_TARGET libdeflate)

# libphonenumber and mysql-connector-c++ ship no CMake or pkg-config files.
find_library(PHONENUMBER_LIB phonenumber REQUIRED)
find_path(PHONENUMBER_INCLUDE phonenumbers/phonenumberutil.h REQUIRED)
add_library(deps_phonenumber INTERFACE)
target_link_libraries(deps_phonenumber INTERFACE ${PHONENUMBER_LIB})
target_include_directories(deps_phonenumber INTERFACE ${PHONENUMBER_INCLUDE})

find_library(MYSQLCPPCONN_LIB mysqlcppconn REQUIRED)
add_library(deps_mysqlcppconn INTERFACE)
target_link_libraries(deps_mysqlcppconn INTERFACE ${MYSQLCPPCONN_LIB})

include(GoogleTest)

# cdc_test(NAME SOURCES... LIBS ...): a GoogleTest binary registered with ctest.
function(cdc_test name)
  cmake_parse_arguments(T "" "" "SOURCES;LIBS" ${ARGN})
  add_executable(${name} ${T_SOURCES})
  target_link_libraries(${name} PRIVATE ${T_LIBS} GTest::gtest_main GTest::gmock)
  # The environment goes through `cmake -E env` as the test launcher: an
  # ENVIRONMENT property with two entries is split at its ';' by
  # gtest_discover_tests, and the second variable would never arrive.
  set_target_properties(${name} PROPERTIES CROSSCOMPILING_EMULATOR
    "${CMAKE_COMMAND};-E;env;CDC_SOURCE_DIR=${CMAKE_SOURCE_DIR};CDC_BINARY_DIR=${CMAKE_BINARY_DIR}")
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60 PROPERTIES LABELS unit)
endfunction()

# cdc_add_folders(DIR...): add_subdirectory for each folder that exists and is
# not listed in CDC_SKIP (paths relative to the source root).
function(cdc_add_folders)
  file(RELATIVE_PATH here ${CMAKE_SOURCE_DIR} ${CMAKE_CURRENT_SOURCE_DIR})
  foreach(dir ${ARGN})
    if(here)
      set(path "${here}/${dir}")
    else()
      set(path "${dir}")
    endif()
    if(EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/${dir}/CMakeLists.txt AND NOT path IN_LIST CDC_SKIP)
      add_subdirectory(${dir})
    endif()
  endforeach()
endfunction()
