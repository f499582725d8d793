# Script mode: cmake -DOUT=<file.cpp> -DSCHEMA_DIR=<dir> -P EmbedSql.cmake
# Embeds schema/NNNN_name.sql files as the migrations list of rl::store.
file(GLOB files "${SCHEMA_DIR}/[0-9][0-9][0-9][0-9]_*.sql")
list(SORT files)
set(body "")
foreach(file IN LISTS files)
  get_filename_component(name "${file}" NAME_WE)
  string(REGEX MATCH "^[0-9]+" version "${name}")
  math(EXPR version "${version}")
  file(READ "${file}" sql)
  string(APPEND body "    {${version}, \"${name}\", R\"rl_sql(${sql})rl_sql\"},\n")
endforeach()
file(WRITE "${OUT}.tmp"
"// Generated from schema/*.sql by tools/cmake/EmbedSql.cmake. Do not edit.
#include \"store/migrations.hpp\"

namespace rl::store {

const std::vector<Migration>&
all_migrations()
{
  static const std::vector<Migration> k_migrations{
${body}  };
  return k_migrations;
}

} // namespace rl::store
")
file(COPY_FILE "${OUT}.tmp" "${OUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUT}.tmp")
