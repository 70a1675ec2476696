#!/bin/sh
# `aegis`: runs the CLI bundle beside this file (aegis.js). A backtest starts instead from the bundle's V8 startup
# snapshot (aegis.blob, built by scripts/snapshot.mjs), which holds its modules already loaded and compiled, when
# that snapshot was made by the very Node binary found on PATH and NODE_OPTIONS is empty (V8 refuses, and aborts
# on, a snapshot made by another Node build or under other V8 flags). Other commands run long enough, or are small
# enough, that the snapshot would not pay; they start the bundle.
# AEGIS_SNAPSHOT=off: never use the snapshot. AEGIS_SNAPSHOT=require: a backtest fails (exit 2) rather than start
# without it.
self=$0
[ -L "$self" ] && self=$(readlink -f -- "$self")
case $self in
  */*) dir=${self%/*} ;;
  *) dir=. ;;
esac
node=$(command -v node) || { echo "aegis: node is not on PATH" >&2; exit 127; }

# The command is the first argument that is neither an option nor the value of -c/--config.
command=
skip=
for arg in "$@"; do
  if [ -n "$skip" ]; then skip=; continue; fi
  case $arg in
    -c | --config) skip=1 ;;
    -*) ;;
    *) command=$arg; break ;;
  esac
done

if [ "$command" = backtest ] && [ "${AEGIS_SNAPSHOT:-}" != off ]; then
  built=
  { read -r built < "$dir/aegis.blob.stamp"; } 2>/dev/null
  if [ -z "${NODE_OPTIONS:-}" ] && [ -f "$dir/aegis.blob" ] && [ -n "$built" ] &&
    [ "$built" = "$(stat -L -c '%s %Y' -- "$node" 2>/dev/null)" ]; then
    exec "$node" --snapshot-blob "$dir/aegis.blob" "$dir/aegis.js" "$@"
  fi
  if [ "${AEGIS_SNAPSHOT:-}" = require ]; then
    echo "aegis: cannot start from the startup snapshot beside $dir/aegis.js: it is missing," \
      "was built by another Node than $node (run \`npm run build\`), or NODE_OPTIONS is set" >&2
    exit 2
  fi
fi
exec "$node" "$dir/aegis.js" "$@"
