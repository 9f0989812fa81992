# Installation: the CLI, the public headers and a package config, so that a project can
# find_package(kevolve) and get kevolve::headers (the markers) and kevolve::kevolve (the CLI).
include(CMakePackageConfigHelpers)

set(KEVOLVE_INSTALL_CMAKEDIR "${CMAKE_INSTALL_LIBDIR}/cmake/kevolve"
    CACHE STRING "Where kevolve's package config is installed")

install(TARGETS kevolve kevolve_headers EXPORT kevolveTargets
        RUNTIME DESTINATION "${CMAKE_INSTALL_BINDIR}")
install(DIRECTORY "${PROJECT_SOURCE_DIR}/include/kevolve" DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}")
install(EXPORT kevolveTargets NAMESPACE kevolve:: DESTINATION "${KEVOLVE_INSTALL_CMAKEDIR}")

configure_package_config_file(
  "${PROJECT_SOURCE_DIR}/cmake/kevolveConfig.cmake.in"
  "${PROJECT_BINARY_DIR}/kevolveConfig.cmake"
  INSTALL_DESTINATION "${KEVOLVE_INSTALL_CMAKEDIR}"
  PATH_VARS CMAKE_INSTALL_BINDIR)
write_basic_package_version_file("${PROJECT_BINARY_DIR}/kevolveConfigVersion.cmake"
                                 COMPATIBILITY SameMinorVersion)
install(FILES "${PROJECT_BINARY_DIR}/kevolveConfig.cmake"
              "${PROJECT_BINARY_DIR}/kevolveConfigVersion.cmake"
              "${PROJECT_SOURCE_DIR}/cmake/kevolve.cmake"
        DESTINATION "${KEVOLVE_INSTALL_CMAKEDIR}")
