# tools/cmake/RlPackage.cmake: `cpack -G DEB` in the build tree builds refactor-ledger_<version>_<arch>.deb
# from the install rules (engine/CMakeLists.txt, tools/cmake/RlInstall.cmake), installed under /usr.
# The runtime dependencies are computed by dpkg-shlibdeps (Debian package dpkg-dev) from the
# libraries the binary links; tests/package/deb.sh checks them.
set(RL_PACKAGE_MAINTAINER "refactor-ledger maintainers <maintainers@users.noreply.r-seed-75e6a579.example>"
    CACHE STRING "Maintainer field of the .deb built by cpack")

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME refactor-ledger)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT ${RL_PACKAGE_MAINTAINER})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "governance ledger of a refactoring program")
set(CPACK_PACKAGE_DESCRIPTION
    "refactor-ledger checks a refactoring program's milestones, invariants, risks and deferrals,
written as YAML, keeps them in SQLite, ingests verification evidence (JUnit XML, GitHub
Actions runs, coverage, SARIF), evaluates invariant rules and milestone gates, and renders
the program's living log, REFACTOR.md, in which every figure is computed.
License: Apache-2.0.")
set(CPACK_RESOURCE_FILE_LICENSE ${PROJECT_SOURCE_DIR}/LICENSE)
set(CPACK_STRIP_FILES ON)

set(CPACK_DEBIAN_PACKAGE_NAME refactor-ledger)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT) # refactor-ledger_0.1.0_amd64.deb
set(CPACK_DEBIAN_PACKAGE_MAINTAINER ${RL_PACKAGE_MAINTAINER})
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# The tool runs git (closing commits, the default --commit of evidence); it works without.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS git)
set(CPACK_DEBIAN_PACKAGE_SUGGESTS bash-completion)

include(CPack)
