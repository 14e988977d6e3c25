#!/bin/sh
# Builds an earlier commit of Tessera beside the working tree, for
#   node dist/bench/run.js --baseline DIR server
#
#   bench/prepare-baseline.sh COMMIT [DIR]      (DIR defaults to /tmp/tessera-prev)
#
# DIR becomes a detached git worktree at COMMIT (an earlier worktree there is removed first)
# that uses this project's node_modules through a symlink, built with its own tsconfig.build.json.
# Nothing in the working tree changes. Remove it with: git worktree remove --force DIR
set -eu
commit=${1:?usage: bench/prepare-baseline.sh COMMIT [DIR]}
dir=${2:-/tmp/tessera-prev}
root=$(cd "$(dirname "$0")/.." && pwd)
if [ -e "$dir/.git" ]; then git -C "$root" worktree remove --force "$dir"; fi
git -C "$root" worktree add --detach "$dir" "$commit"
[ -e "$dir/node_modules" ] || ln -s "$root/node_modules" "$dir/node_modules"
rm -rf "$dir/dist"
# tsc emits despite type errors; an old commit's errors matter only if the server is missing.
(cd "$dir" && "$root/node_modules/.bin/tsc" -p tsconfig.build.json) || echo "tsc reported errors in $dir (see above)"
test -f "$dir/dist/src/cli/main.js" || { echo "$dir/dist/src/cli/main.js was not built" >&2; exit 1; }
echo "baseline $(git -C "$dir" rev-parse --short HEAD) built in $dir: node dist/bench/run.js --baseline $dir server"
