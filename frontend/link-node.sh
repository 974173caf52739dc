#!/bin/sh
# Links the system's node and npm into <dir>/node/, the layout frontend-maven-plugin's npm goal runs
# (installDirectory=<dir>): node/node and node/node_modules/npm/bin/npm-cli.js. The plugin's own
# install-node-and-npm cannot work here: Node's archives are not on Maven Central.
# Usage: link-node.sh [dir]   (default: target)
set -eu

dir=${1:-target}/node

node_bin=$(command -v node) || {
  echo "link-node.sh: no 'node' on PATH; install Node.js ^20.19 or >=22.12 (e.g. apt-get install nodejs npm)" >&2
  exit 1
}
node_bin=$(readlink -f "$node_bin")

"$node_bin" -e '
const [major, minor] = process.versions.node.split(".").map(Number);
if (!((major === 20 && minor >= 19) || (major === 22 && minor >= 12) || major > 22)) {
  console.error(`link-node.sh: Node ${process.version} is too old; Vite needs ^20.19.0 or >=22.12.0`);
  process.exit(1);
}'

# npm's package directory: where the `npm` command resolves to (.../npm/bin/npm-cli.js), else the
# global node_modules next to node.
npm_root=
if npm_bin=$(command -v npm); then
  npm_cli=$(readlink -f "$npm_bin")
  case $npm_cli in
    */bin/npm-cli.js) npm_root=$(dirname "$(dirname "$npm_cli")") ;;
  esac
fi
if [ -z "$npm_root" ]; then
  for candidate in "$(dirname "$node_bin")/../lib/node_modules/npm" /usr/lib/node_modules/npm /usr/share/nodejs/npm; do
    if [ -f "$candidate/bin/npm-cli.js" ]; then
      npm_root=$(readlink -f "$candidate")
      break
    fi
  done
fi
if [ -z "$npm_root" ] || [ ! -f "$npm_root/bin/npm-cli.js" ]; then
  echo "link-node.sh: cannot find npm's bin/npm-cli.js; install npm" >&2
  exit 1
fi

mkdir -p "$dir/node_modules"
ln -sfn "$node_bin" "$dir/node"
ln -sfn "$npm_root" "$dir/node_modules/npm"
# npm scripts that call `npm run ...` find it here too (the plugin puts <dir>/node first on PATH).
ln -sfn "$npm_root/bin/npm-cli.js" "$dir/npm"

echo "link-node.sh: $dir/node -> $node_bin ($("$node_bin" --version)), npm $("$node_bin" "$npm_root/bin/npm-cli.js" --version 2>/dev/null) from $npm_root"
