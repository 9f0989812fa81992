# Text files compiled into kevolve, so that it needs no data files at run time: the templates of
# generated code and of the prompts (templates/), the playbook (knowledge/playbook/). Each file
# becomes a `const char* const` named by its path as a C identifier, holding its text as a raw
# string literal.

# Appends to the variable <out> one definition per file (paths relative to <dir>); a change to a
# file configures again.
function(kevolve_embed_definitions out dir)
  set(content "${${out}}")
  foreach(file IN LISTS ARGN)
    file(READ "${dir}/${file}" text)
    string(FIND "${text}" ")kevolve_embedded\"" delimiter)
    if(NOT delimiter EQUAL -1)
      message(FATAL_ERROR "${dir}/${file}: holds ')kevolve_embedded\"', which ends the raw string it is embedded in")
    endif()
    string(MAKE_C_IDENTIFIER "${file}" name)
    string(APPEND content "const char* const ${name} = R\"kevolve_embedded(${text})kevolve_embedded\";\n")
    set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${dir}/${file}")
  endforeach()
  set(${out} "${content}" PARENT_SCOPE)
endfunction()

# Writes <content> to <file> only when it changes, so that configuring again rebuilds nothing
# (file(CONFIGURE) would expand the templates' @PLACEHOLDERS@).
function(kevolve_write_if_changed file content)
  set(previous "")
  if(EXISTS "${file}")
    file(READ "${file}" previous)
  endif()
  if(NOT previous STREQUAL content)
    file(WRITE "${file}" "${content}")
  endif()
endfunction()
