#!/bin/sh
# Runs the pinned pnpm on a machine that has only Node and npm, installing the
# workspace first when it is missing or older than the lockfile.
#   sh scripts/pnpm.sh start   # install if needed, then start everything
#   sh scripts/pnpm.sh test    # install if needed, then run every test
set -eu
cd "$(dirname "$0")/.."
PNPM="npx -y pnpm@12.4.2"

# Offline machines cannot download better-sqlite3's prebuilt addon, and pnpm does
# not hand npm's nodedir to node-gyp: point it at the installed Node headers.
if [ -z "${npm_config_nodedir:-}" ] && [ -d /usr/include/node ]; then
  export npm_config_nodedir=/usr
fi

if [ ! -f node_modules/.modules.yaml ] || [ pnpm-lock.yaml -nt node_modules/.modules.yaml ]; then
  $PNPM install --frozen-lockfile
fi

exec $PNPM "$@"
