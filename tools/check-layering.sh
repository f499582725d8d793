#!/usr/bin/env bash
# Fails if a source file under engine/ includes a header its layer may not use.
# The allowed edges mirror target_link_libraries() in engine/CMakeLists.txt.
set -euo pipefail
cd "$(dirname "$0")/../engine"
declare -A forbidden=(
  [util]='"(model|store|loader|evidence|rules|report|app|cli)/|<(SQLiteCpp|yaml-cpp|CLI|pugixml|nlohmann)/'
  # model/ may use nlohmann in its .cpp files only: it owns the closeout record's JSON form.
  [model]='"(store|loader|evidence|rules|report|app|cli)/|<(SQLiteCpp|yaml-cpp|CLI|pugixml)/'
  [store]='"(loader|evidence|rules|report|app|cli)/|<(yaml-cpp|CLI)/'
  [loader]='"(store|evidence|rules|report|app|cli)/|<(SQLiteCpp|CLI)/'
  [evidence]='"(store|loader|rules|report|app|cli)/|<(SQLiteCpp|yaml-cpp|CLI)/'
  [rules]='"(store|loader|evidence|report|app|cli)/|<(SQLiteCpp|yaml-cpp|CLI)/'
  [report]='"(store|loader|evidence|rules|app|cli)/|<(SQLiteCpp|yaml-cpp|CLI)/'
  [app]='"cli/|<CLI/|<SQLiteCpp/(Statement|Transaction|Savepoint)\.h>'
  [cli]='"(store|loader|evidence|rules)/|<(SQLiteCpp|yaml-cpp)/'
)
status=0
for layer in "${!forbidden[@]}"; do
  [[ -d $layer ]] || continue
  if grep -rnE "^#\s*include\s*(${forbidden[$layer]})" "$layer"; then
    echo "error: $layer/ includes a header outside its allowed dependencies (above)" >&2
    status=1
  fi
done
# SQL lives only in store/.
if grep -rlE 'R"sql\(' --include='*.cpp' . | grep -v '^./store/'; then
  echo "error: SQL text outside engine/store/ (above)" >&2
  status=1
fi
exit $status
