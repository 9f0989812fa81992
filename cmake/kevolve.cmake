#[=======================================================================[.rst:
kevolve
-------

Kernel tuning as part of the build. After ``find_package(kevolve)`` (or
``add_subdirectory`` of kevolve's source tree):

.. command:: kevolve_tune

  Makes a target's marked kernels tunable and injects their recorded winners::

    kevolve_tune(<target>
      [HARNESS <file>...]     # files with KEVOLVE_BENCH harnesses; only the tuner compiles them
      [UNITS <unit>...]       # default: every unit marked in the target's sources
      [KNOWLEDGE_DIR <dir>]   # default: ${PROJECT_SOURCE_DIR}/.kevolve
      [DEVICE <id>|auto]      # whose winners to inject; default: KEVOLVE_DEVICE, else auto
      [BUDGET <evaluations>] [TIME <seconds>] [STRATEGY <name>]
      [LLM openai|anthropic|command])  # the provider `kevolve tune` asks for code variants

  Every build of ``<target>`` then runs ``kevolve apply`` first, which writes
  ``${CMAKE_BINARY_DIR}/kevolve/<target>/kevolve_tuned.h`` from the knowledge directory and
  puts it first on the target's include path (and force-includes it, for units with
  ``inject: macros``). Each compiled source also gets a header of its own, force-included,
  with only the winners of the units it reaches, so a new winner recompiles only those sources
  (``KEVOLVE_PER_SOURCE_INJECTION``). The step reruns only when the target's sources, its
  harness files or the knowledge files change, and rewrites a header only when its content
  changes. No GPU, no network, no search: with nothing recorded the headers are empty and the
  build is the untuned build.

  Where the knowledge directory holds code variants (``<unit>/variants/*``), each compiled
  source of the target that marks a kernel (its text has ``KEVOLVE_TUNE``) is compiled through
  a wrapper, ``${CMAKE_BINARY_DIR}/kevolve/<target>/sources/<index>-<name>``, that the apply
  step writes: ``#include`` of the original, or the original with the winning variant spliced
  in (``#line`` directives point into the variant's file). The original is never written.

  It also adds the targets ``kevolve_tune_<target>`` and ``kevolve_tune`` (all tuned targets),
  which search on this machine (or, with ``KEVOLVE_EXECUTOR=slurm``, a SLURM cluster's nodes:
  docs/cluster.md) and write the knowledge directory, and ``kevolve_status``.

.. variable:: KEVOLVE_TUNE_ARGS

  Cache variable: options appended to the ``kevolve tune`` command of the tune targets
  (``-DKEVOLVE_TUNE_ARGS="-j 2;--unit foo"``); ``kevolve tune`` also appends those of the
  environment variable of that name (docs/cmake.md, "Options of the tune targets").

.. variable:: KEVOLVE_PER_SOURCE_INJECTION

  Option, ``ON`` by default: each compiled source of a tuned target gets its own forced-in header
  with only the winners of the units it reaches, so a new winner recompiles only those sources
  (docs/cmake.md, "What is injected where"). ``OFF``: every source reads every unit's winners.

.. variable:: KEVOLVE_DEVICE

  Cache variable (also read from the environment at build time): the device id whose winners
  are injected, or ``auto`` (this machine's device for each unit's backend).
#]=======================================================================]

include_guard(GLOBAL)

set(KEVOLVE_DEVICE "auto" CACHE STRING "Whose tuned winners kevolve injects: a device id or auto")
set(KEVOLVE_TUNE_ARGS "" CACHE STRING
    "Options appended to the kevolve tune command of the tune targets, e.g. '--time 60 -j 2'")
option(KEVOLVE_PER_SOURCE_INJECTION
       "Give each source of a tuned target a header with only the winners it uses" ON)
# The tool's strategies (tool/search/registry.cpp), in its order: tests/cli/strategies.bash checks.
set(_kevolve_strategies exhaustive random ils anneal genetic tpe bayes bandit)

# A JSON string literal for `value`.
function(_kevolve_json_string out value)
  string(REPLACE "\\" "\\\\" value "${value}")
  string(REPLACE "\"" "\\\"" value "${value}")
  set(${out} "\"${value}\"" PARENT_SCOPE)
endfunction()

function(_kevolve_json_list out)
  set(items "")
  foreach(item IN LISTS ARGN)
    _kevolve_json_string(quoted "${item}")
    list(APPEND items "${quoted}")
  endforeach()
  list(JOIN items ", " joined)
  set(${out} "[${joined}]" PARENT_SCOPE)
endfunction()

# Whether the target compiles `path` (a C, C++, CUDA or HIP source not marked header-only).
function(_kevolve_compiled target path out)
  get_filename_component(ext "${path}" LAST_EXT)
  string(TOLOWER "${ext}" ext)
  get_source_file_property(header_only "${path}" TARGET_DIRECTORY "${target}" HEADER_FILE_ONLY)
  if(ext MATCHES "^\\.(c|cc|cpp|cxx|c\\+\\+|cu|hip)$" AND NOT header_only)
    set(${out} ON PARENT_SCOPE)
  else()
    set(${out} OFF PARENT_SCOPE)
  endif()
endfunction()

# The compiled sources of `target` that mark a kernel, replaced in the target by the wrappers the
# apply step writes (docs/cmake.md, "Code variants"). Sets `out` to the JSON list of
# {"source", "wrapper"} objects, "[]" when nothing is wrapped. Only where the knowledge
# directory holds a variant: without one, the target is left as it is.
function(_kevolve_wrap_sources target knowledge dir out wrappers_out)
  set(${out} "[]" PARENT_SCOPE)
  set(${wrappers_out} "" PARENT_SCOPE)
  # CMake writes a CONFIGURE_DEPENDS pattern into its VerifyGlobs.cmake unescaped: a '"', a '\'
  # or a '${' in the path breaks every later build. There, the first variant needs a configure
  # (apply says so).
  if(knowledge MATCHES "[\"\\]|\\$\\{")
    file(GLOB variants "${knowledge}/*/variants/*")
  else()
    file(GLOB variants CONFIGURE_DEPENDS "${knowledge}/*/variants/*")
  endif()
  if(NOT variants)
    return()
  endif()
  get_target_property(sources "${target}" SOURCES)
  get_target_property(source_dir "${target}" SOURCE_DIR)
  set(kept "")
  set(wrapped "")
  set(wrappers "")
  set(index 0)
  foreach(source IN LISTS sources)
    math(EXPR index "${index} + 1")
    if(source MATCHES "^\\$<")
      list(APPEND kept "${source}")
      continue()
    endif()
    get_filename_component(path "${source}" ABSOLUTE BASE_DIR "${source_dir}")
    _kevolve_compiled("${target}" "${path}" compiled)
    get_source_file_property(generated "${path}" TARGET_DIRECTORY "${target}" GENERATED)
    set(marked "")
    if(compiled AND NOT generated AND EXISTS "${path}")
      file(STRINGS "${path}" marked REGEX "KEVOLVE_TUNE" LIMIT_COUNT 1)
    endif()
    if(NOT marked)
      list(APPEND kept "${source}")
      continue()
    endif()
    get_filename_component(name "${path}" NAME)
    set(wrapper "${dir}/sources/${index}-${name}")
    list(APPEND kept "${wrapper}")
    list(APPEND wrappers "${wrapper}")
    set_source_files_properties("${wrapper}" TARGET_DIRECTORY "${target}" PROPERTIES GENERATED ON)
    # The original's own flags follow it. A spliced copy lives in the build directory: the
    # splice makes the quoted includes of files beside the original absolute.
    foreach(property COMPILE_DEFINITIONS COMPILE_OPTIONS COMPILE_FLAGS INCLUDE_DIRECTORIES LANGUAGE
                     SKIP_PRECOMPILE_HEADERS)
      get_source_file_property(value "${path}" TARGET_DIRECTORY "${target}" ${property})
      if(NOT value STREQUAL "NOTFOUND")
        set_source_files_properties("${wrapper}" TARGET_DIRECTORY "${target}"
                                    PROPERTIES ${property} "${value}")
      endif()
    endforeach()
    _kevolve_json_string(j_path "${path}")
    _kevolve_json_string(j_wrapper "${wrapper}")
    list(APPEND wrapped "{\"source\": ${j_path}, \"wrapper\": ${j_wrapper}}")
  endforeach()
  if(wrapped)
    set_property(TARGET "${target}" PROPERTY SOURCES "${kept}")
    list(JOIN wrapped ", " joined)
    set(${out} "[${joined}]" PARENT_SCOPE)
    set(${wrappers_out} "${wrappers}" PARENT_SCOPE)
  endif()
endfunction()

# Per-source injection: each compiled source of the target (after _kevolve_wrap_sources) gets its
# own header, ${dir}/injected/<n>/kevolve_tuned.h, force-included, holding the winners of the units
# it reaches (kevolve apply writes it), and -DKEVOLVE_SOURCE_INJECTED, which makes the target's
# shared header skip the all-units one. So a new winner recompiles only the sources that reach
# its unit. Source properties belong to a directory, not a target: the generator expressions
# keep them to this target where another one compiles the same file.
function(_kevolve_inject_sources target dir out headers_out)
  set(${out} "[]" PARENT_SCOPE)
  set(${headers_out} "" PARENT_SCOPE)
  if(NOT KEVOLVE_PER_SOURCE_INJECTION)
    return()
  endif()
  get_target_property(sources "${target}" SOURCES)
  get_target_property(source_dir "${target}" SOURCE_DIR)
  set(injected "")
  set(headers "")
  set(index 0)
  foreach(source IN LISTS sources)
    if(source MATCHES "^\\$<")
      continue()
    endif()
    get_filename_component(path "${source}" ABSOLUTE BASE_DIR "${source_dir}")
    _kevolve_compiled("${target}" "${path}" compiled)
    if(NOT compiled)
      continue()
    endif()
    math(EXPR index "${index} + 1")
    set(header "${dir}/injected/${index}/kevolve_tuned.h")
    list(APPEND headers "${header}")
    # Inside a generator expression, a '>', ',' or ';' of the build directory is written escaped.
    string(REPLACE ">" "$<ANGLE-R>" quoted "${header}")
    string(REPLACE "," "$<COMMA>" quoted "${quoted}")
    string(REPLACE ";" "$<SEMICOLON>" quoted "${quoted}")
    set(this_target "$<STREQUAL:$<TARGET_PROPERTY:NAME>,${target}>")
    set_property(SOURCE "${path}" TARGET_DIRECTORY "${target}" APPEND PROPERTY
                 COMPILE_DEFINITIONS "$<${this_target}:KEVOLVE_SOURCE_INJECTED>")
    # Two words: CMake reads no SHELL: in a source's options, and repeats none of them away.
    set_property(SOURCE "${path}" TARGET_DIRECTORY "${target}" APPEND PROPERTY
                 COMPILE_OPTIONS "$<${this_target}:-include>" "$<${this_target}:${quoted}>")
    _kevolve_json_string(j_path "${path}")
    _kevolve_json_string(j_header "${header}")
    list(APPEND injected "{\"source\": ${j_path}, \"header\": ${j_header}}")
  endforeach()
  list(JOIN injected ", " joined)
  set(${out} "[${joined}]" PARENT_SCOPE)
  set(${headers_out} "${headers}" PARENT_SCOPE)
endfunction()

# The words of KEVOLVE_TUNE_ARGS, as arguments of the tune targets' command: split at spaces
# and ';' with quotes grouping, like a shell does but never through one (VERBATIM quotes each
# word for the build tool's shell). A '$<' is made literal, not a generator expression.
function(_kevolve_tune_args out)
  separate_arguments(words UNIX_COMMAND "${KEVOLVE_TUNE_ARGS}")
  set(literal "")
  foreach(word IN LISTS words)
    string(REPLACE "$<" "$<1:$><" word "${word}")
    list(APPEND literal "${word}")
  endforeach()
  set(${out} "${literal}" PARENT_SCOPE)
endfunction()

# Writes `content` to `file` unless it already holds it (so nothing that depends on it reruns).
function(_kevolve_write_if_changed file content)
  if(EXISTS "${file}")
    file(READ "${file}" current)
    if(current STREQUAL content)
      return()
    endif()
  endif()
  file(WRITE "${file}" "${content}")
endfunction()

# A device id (knowledge/device_id.hpp, DeviceId::parse): <backend>-<arch>-<name>.
set(_kevolve_device_id_regex "^[a-z0-9]+-[a-z0-9_.]+-[a-z0-9]+(-[a-z0-9]+)*$")

# Stops the configure unless `device` is auto or a device id, with a did-you-mean: the value
# in lowercase or as a slug, a recorded device of the knowledge directory that contains it, or
# else the forms (docs/cmake.md, "Checks").
function(_kevolve_check_device target what device knowledge)
  if(device STREQUAL "" OR device STREQUAL "auto" OR device MATCHES "${_kevolve_device_id_regex}")
    return()
  endif()
  file(GLOB wisdom RELATIVE "${knowledge}" "${knowledge}/*/*.json")
  set(recorded "")
  foreach(file IN LISTS wisdom)
    get_filename_component(id "${file}" NAME_WLE)
    if(id MATCHES "${_kevolve_device_id_regex}" AND NOT id IN_LIST recorded)
      list(APPEND recorded "${id}")
    endif()
  endforeach()
  string(TOLOWER "${device}" lower)
  string(STRIP "${lower}" lower)
  string(REGEX REPLACE "[^a-z0-9_.]+" "-" slug "${lower}")
  string(REGEX REPLACE "^-+|-+$" "" slug "${slug}")
  set(guess "")
  if(lower STREQUAL "auto")
    set(guess "auto")
  elseif(slug MATCHES "${_kevolve_device_id_regex}")
    set(guess "${slug}")
  elseif(NOT slug STREQUAL "")
    foreach(id IN LISTS recorded)
      string(FIND "${id}" "${slug}" at)
      if(NOT at EQUAL -1)
        set(guess "${id}")
        break()
      endif()
    endforeach()
  endif()
  if(guess)
    set(hint "did you mean '${guess}'?")
  elseif(recorded)
    list(JOIN recorded ", " known)
    set(hint "the knowledge directory records ${known}")
  else()
    set(hint "`kevolve hw` prints this machine's device ids")
  endif()
  message(FATAL_ERROR "kevolve_tune(${target}): ${what} '${device}' is neither auto nor a device id "
                      "(<backend>-<arch>-<name>, e.g. cpu-x86_64-amd-epyc-7b13 or "
                      "cuda-sm_90-nvidia-h100-80gb-hbm3): ${hint}")
endfunction()

# One kevolve_tune per target: a second call would add its custom targets again (CMake's own
# error names neither kevolve nor the first call).
function(_kevolve_check_once target)
  get_property(first TARGET "${target}" PROPERTY KEVOLVE_TUNE_CALLED)
  if(first)
    message(FATAL_ERROR "kevolve_tune(${target}) is called a second time; the first call was in "
                        "${first}. Call it once per target, with all its options")
  endif()
  set_property(TARGET "${target}" PROPERTY KEVOLVE_TUNE_CALLED "${CMAKE_CURRENT_LIST_FILE}")
endfunction()

# The characters CMake cannot put in the paths kevolve_tune needs, said before CMake fails
# later with less to go on (docs/cmake.md, "Paths").
function(_kevolve_check_paths target)
  if(CMAKE_BINARY_DIR MATCHES "#")
    message(FATAL_ERROR "kevolve_tune(${target}): the build directory ${CMAKE_BINARY_DIR} has a '#', "
                        "which CMake does not allow in the output of a custom command (the apply "
                        "step writes into the build directory); use a build directory without '#'")
  endif()
  if(NOT CMAKE_GENERATOR MATCHES "Makefiles")
    return()
  endif()
  get_target_property(source_dir "${target}" SOURCE_DIR)
  foreach(path IN ITEMS "${PROJECT_SOURCE_DIR}" "${source_dir}")
    foreach(char "#" "\"")
      string(FIND "${path}" "${char}" at)
      if(NOT at EQUAL -1)
        message(FATAL_ERROR "kevolve_tune(${target}): ${path} has a '${char}', which the "
                            "${CMAKE_GENERATOR} generator cannot write into a Makefile rule; "
                            "use the Ninja generator (cmake -G Ninja) or a path without '${char}'")
      endif()
    endforeach()
  endforeach()
endfunction()

function(kevolve_tune target)
  if(CMAKE_VERSION VERSION_LESS 3.20)
    message(FATAL_ERROR "kevolve_tune needs CMake 3.20 or newer (this is ${CMAKE_VERSION})")
  endif()
  if(NOT TARGET "${target}")
    message(FATAL_ERROR "kevolve_tune: there is no target named '${target}'")
  endif()
  get_target_property(type "${target}" TYPE)
  if(type STREQUAL "INTERFACE_LIBRARY" OR type STREQUAL "UTILITY")
    message(FATAL_ERROR "kevolve_tune(${target}): a ${type} target compiles nothing to tune")
  endif()
  _kevolve_check_once("${target}")
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "KNOWLEDGE_DIR;DEVICE;BUDGET;TIME;STRATEGY;LLM" "HARNESS;UNITS")
  # Lists in messages are joined with spaces: a user never wrote the ';' CMake keeps them with.
  if(arg_UNPARSED_ARGUMENTS)
    list(JOIN arg_UNPARSED_ARGUMENTS " " unknown)
    message(FATAL_ERROR "kevolve_tune(${target}): unknown arguments: ${unknown} "
                        "(expected HARNESS, UNITS, KNOWLEDGE_DIR, DEVICE, BUDGET, TIME, STRATEGY, LLM)")
  endif()
  if(arg_KEYWORDS_MISSING_VALUES)
    list(JOIN arg_KEYWORDS_MISSING_VALUES " and " keywords)
    message(FATAL_ERROR "kevolve_tune(${target}): ${keywords} needs a value")
  endif()
  if(DEFINED arg_BUDGET AND NOT arg_BUDGET MATCHES "^[1-9][0-9]*$")
    message(FATAL_ERROR "kevolve_tune(${target}): BUDGET must be a positive number of evaluations, not '${arg_BUDGET}'")
  endif()
  if(DEFINED arg_TIME AND NOT arg_TIME MATCHES "^[0-9]+(\\.[0-9]+)?$")
    message(FATAL_ERROR "kevolve_tune(${target}): TIME must be a number of seconds, not '${arg_TIME}'")
  endif()
  if(DEFINED arg_STRATEGY AND NOT arg_STRATEGY IN_LIST _kevolve_strategies)
    list(JOIN _kevolve_strategies " " known)
    message(FATAL_ERROR "kevolve_tune(${target}): unknown STRATEGY '${arg_STRATEGY}' (known: ${known})")
  endif()
  # The provider only: its URL, command and key come from the user's command line or
  # environment, never from a file a pull request could change (docs/llm.md, "Trust").
  if(DEFINED arg_LLM AND NOT arg_LLM MATCHES "^(openai|anthropic|command)$")
    message(FATAL_ERROR "kevolve_tune(${target}): unknown LLM '${arg_LLM}' (known: openai anthropic command)")
  endif()
  if(NOT arg_KNOWLEDGE_DIR)
    set(arg_KNOWLEDGE_DIR "${PROJECT_SOURCE_DIR}/.kevolve")
  endif()
  get_filename_component(knowledge "${arg_KNOWLEDGE_DIR}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
  _kevolve_check_paths("${target}")
  if(DEFINED arg_DEVICE)
    _kevolve_check_device("${target}" DEVICE "${arg_DEVICE}" "${knowledge}")
  else()
    set(arg_DEVICE "${KEVOLVE_DEVICE}")
    _kevolve_check_device("${target}" KEVOLVE_DEVICE "${arg_DEVICE}" "${knowledge}")
  endif()

  set(harness "")
  foreach(file IN LISTS arg_HARNESS)
    get_filename_component(path "${file}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
    if(NOT EXISTS "${path}")
      message(FATAL_ERROR "kevolve_tune(${target}): HARNESS file ${file} does not exist")
    endif()
    list(APPEND harness "${path}")
  endforeach()

  if(TARGET kevolve::kevolve)
    set(kevolve "$<TARGET_FILE:kevolve::kevolve>")
  else()
    message(FATAL_ERROR "kevolve_tune: the kevolve::kevolve target is missing; use find_package(kevolve) or "
                        "add_subdirectory(<kevolve source>) first")
  endif()

  # The target's sources: for the apply step's dependencies, and for reading their flags from
  # compile_commands.json before CMake's File API has answered (CMake < 3.27, first configure).
  get_target_property(sources "${target}" SOURCES)
  get_target_property(source_dir "${target}" SOURCE_DIR)
  set(depends "")
  foreach(source IN LISTS sources)
    if(NOT source MATCHES "^\\$<")
      get_filename_component(path "${source}" ABSOLUTE BASE_DIR "${source_dir}")
      list(APPEND depends "${path}")
    endif()
  endforeach()
  set_property(TARGET "${target}" PROPERTY EXPORT_COMPILE_COMMANDS ON)

  # What the CLI needs to know about the target (kevolve tune/apply/status read it).
  set(dir "${CMAKE_BINARY_DIR}/kevolve/${target}")
  set(header "${dir}/kevolve_tuned.h")
  set(stamp "${dir}/apply.stamp")
  set(config "${CMAKE_BINARY_DIR}/kevolve/targets/${target}.json")
  _kevolve_json_string(j_target "${target}")
  _kevolve_json_string(j_source "${PROJECT_SOURCE_DIR}")
  _kevolve_json_string(j_knowledge "${knowledge}")
  _kevolve_json_list(j_harness ${harness})
  _kevolve_json_list(j_units ${arg_UNITS})
  _kevolve_json_string(j_device "${arg_DEVICE}")
  _kevolve_json_string(j_strategy "${arg_STRATEGY}")
  _kevolve_json_string(j_header "${header}")
  _kevolve_json_list(j_sources ${depends})
  _kevolve_json_string(j_llm "${arg_LLM}")
  _kevolve_wrap_sources("${target}" "${knowledge}" "${dir}" j_wrapped wrappers)
  _kevolve_inject_sources("${target}" "${dir}" j_injected injected_headers)
  set(budget 0)
  if(arg_BUDGET)
    set(budget ${arg_BUDGET})
  endif()
  set(time 0)
  if(arg_TIME)
    set(time ${arg_TIME})
  endif()
  set(json "{\n  \"schema\": 1,\n  \"target\": ${j_target},\n  \"source_dir\": ${j_source},\n"
           "  \"knowledge_dir\": ${j_knowledge},\n  \"harness\": ${j_harness},\n  \"units\": ${j_units},\n"
           "  \"device\": ${j_device},\n  \"budget\": ${budget},\n  \"time\": ${time},\n"
           "  \"strategy\": ${j_strategy},\n  \"header\": ${j_header},\n  \"sources\": ${j_sources},\n"
           "  \"llm\": ${j_llm},\n  \"wrapped\": ${j_wrapped},\n  \"injected\": ${j_injected}\n}\n")
  string(JOIN "" json ${json})
  _kevolve_write_if_changed("${config}" "${json}")

  # kevolve reads the build through the CMake File API. CMake 3.27 answers a query made during
  # this configure; older versions answer from the next one (kevolve configures again itself).
  if(COMMAND cmake_file_api)
    cmake_file_api(QUERY API_VERSION 1 CODEMODEL 2 TOOLCHAINS 1 CACHE 2)
  endif()
  _kevolve_write_if_changed("${CMAKE_BINARY_DIR}/.cmake/api/v1/query/client-kevolve/query.json"
    "{\n  \"requests\": [\n    {\"kind\": \"codemodel\", \"version\": 2},\n    {\"kind\": \"toolchains\", \"version\": 1},\n    {\"kind\": \"cache\", \"version\": 2}\n  ]\n}\n")

  # The build's step: inject the recorded winners. kevolve apply writes a depfile naming what it
  # read (sources, their headers, the knowledge files and directories), so it reruns exactly when
  # one of them changes. Ninja reads it as it is (CMP0116 OLD), named relative to the build
  # directory: CMake's rewritten copy (NEW) is named unescaped in build.ninja, and a `$` in the
  # build directory lost it, so the step ran on every build (tool/tune/depfile.cpp).
  cmake_policy(PUSH)
  if(CMAKE_GENERATOR MATCHES "Ninja")
    cmake_policy(SET CMP0116 OLD)
    set(depfile "kevolve/${target}/apply.d")
  else()
    cmake_policy(SET CMP0116 NEW)
    set(depfile "${dir}/apply.d")
  endif()
  add_custom_command(
    OUTPUT "${stamp}"
    BYPRODUCTS "${header}" "${dir}/kevolve_all_units.h" ${injected_headers} ${wrappers}
    COMMAND "${kevolve}" apply -B "${CMAKE_BINARY_DIR}" --target "${target}" --stamp "${stamp}"
            --depfile "${dir}/apply.d"
    DEPFILE "${depfile}"
    DEPENDS ${depends} "${config}" kevolve::kevolve
    WORKING_DIRECTORY "${CMAKE_BINARY_DIR}"
    COMMENT "kevolve: injecting the winners of ${target}"
    VERBATIM)
  cmake_policy(POP)
  add_custom_target("kevolve_apply_${target}" DEPENDS "${stamp}")
  add_dependencies("${target}" "kevolve_apply_${target}")
  target_include_directories("${target}" BEFORE PRIVATE "${dir}")
  target_compile_options("${target}" PRIVATE "SHELL:-include \"${header}\"")
  target_link_libraries("${target}" PRIVATE kevolve::headers)

  # Tuning, on demand, with the options of KEVOLVE_TUNE_ARGS (kevolve tune itself appends those
  # of the environment variable of that name at build time).
  _kevolve_tune_args(tune_args)
  add_custom_target("kevolve_tune_${target}"
    COMMAND "${kevolve}" tune -B "${CMAKE_BINARY_DIR}" --target "${target}" ${tune_args}
    COMMENT "kevolve: tuning ${target}"
    USES_TERMINAL VERBATIM)
  add_dependencies("kevolve_tune_${target}" kevolve::kevolve)
  if(NOT TARGET kevolve_tune)
    add_custom_target(kevolve_tune COMMENT "kevolve: tuning every target that calls kevolve_tune()")
  endif()
  add_dependencies(kevolve_tune "kevolve_tune_${target}")
  if(NOT TARGET kevolve_status)
    add_custom_target(kevolve_status
      COMMAND "${kevolve}" status -B "${CMAKE_BINARY_DIR}"
      USES_TERMINAL VERBATIM)
    add_dependencies(kevolve_status kevolve::kevolve)
  endif()
endfunction()
