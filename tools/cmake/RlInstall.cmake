# tools/cmake/RlInstall.cmake: what `cmake --install` and `cpack` install besides the binary
# (engine/CMakeLists.txt installs that): the JSON Schemas, the man page, the bash and zsh
# completions, LICENSE, README.md. The man page and the completions are generated at build
# time from the binary's --help (tools/cli-docs.sh), so they cannot drift from the CLI.
set(rl_docs_dir ${PROJECT_BINARY_DIR}/docs)
set(rl_bash_completion ${rl_docs_dir}/refactor-ledger.bash)
set(rl_zsh_completion ${rl_docs_dir}/_refactor-ledger)
set(rl_man_include ${rl_docs_dir}/commands.h2m)
add_custom_command(
  OUTPUT ${rl_bash_completion} ${rl_zsh_completion} ${rl_man_include}
  COMMAND bash ${PROJECT_SOURCE_DIR}/tools/cli-docs.sh $<TARGET_FILE:refactor-ledger> ${rl_docs_dir}
  DEPENDS refactor-ledger ${PROJECT_SOURCE_DIR}/tools/cli-docs.sh
  COMMENT "Generating the completions and the man page's COMMANDS section from --help"
  VERBATIM)
set(rl_docs_outputs ${rl_bash_completion} ${rl_zsh_completion})

# help2man (Debian package help2man; tools/install-deps.sh installs it). Without it there is
# no man page, and the package tests skip (tests/package/).
find_program(RL_HELP2MAN help2man)
if(RL_HELP2MAN)
  set(rl_man_page ${rl_docs_dir}/refactor-ledger.1.gz)
  # --version-string: the page says 0.1.0, not the commit, so it is the same for every build
  # of a version; gzip -n: no time stamp (Debian policy: man pages are installed gzipped).
  add_custom_command(
    OUTPUT ${rl_man_page}
    COMMAND ${RL_HELP2MAN} --no-info --version-string=${PROJECT_VERSION}
            "--name=governance ledger of a refactoring program" --section=1
            --include=${rl_man_include} --output=${rl_docs_dir}/refactor-ledger.1
            $<TARGET_FILE:refactor-ledger>
    COMMAND gzip -9nf ${rl_docs_dir}/refactor-ledger.1
    DEPENDS refactor-ledger ${rl_man_include}
    COMMENT "Generating the man page refactor-ledger.1 with help2man"
    VERBATIM)
  list(APPEND rl_docs_outputs ${rl_man_page})
  install(FILES ${rl_man_page} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
else()
  message(STATUS "help2man not found: no man page (apt-get install help2man)")
endif()
add_custom_target(rl_docs ALL DEPENDS ${rl_docs_outputs})

file(GLOB rl_input_schemas CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/schema/*.schema.json)
file(GLOB rl_output_schemas CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/schema/output/*.schema.json)
install(FILES ${rl_input_schemas} DESTINATION ${CMAKE_INSTALL_DATADIR}/refactor-ledger/schema)
install(FILES ${rl_output_schemas} DESTINATION ${CMAKE_INSTALL_DATADIR}/refactor-ledger/schema/output)
install(FILES ${rl_bash_completion} DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions
        RENAME refactor-ledger)
install(FILES ${rl_zsh_completion} DESTINATION ${CMAKE_INSTALL_DATADIR}/zsh/vendor-completions)
install(FILES ${PROJECT_SOURCE_DIR}/LICENSE ${PROJECT_SOURCE_DIR}/README.md
              ${PROJECT_SOURCE_DIR}/tools/debian/copyright
        DESTINATION ${CMAKE_INSTALL_DOCDIR})
