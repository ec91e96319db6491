#!/usr/bin/env bash
# Installs the runtime dependencies of the committed bundle (action/) next to it, for the GitHub
# Action (action.yml) and the GitLab component (templates/greenlight.yml). Run from the root of a
# greenlight checkout at the pinned commit.
#
# What is pinned: every package comes from package-lock.json through `npm ci`, which refuses a
# tarball whose sha512 differs from the lockfile's. Install scripts are off (--ignore-scripts);
# the one native addon, better-sqlite3, is then compiled from its own checked tarball, against the
# running node's headers (from its installation when present, else node-gyp downloads them from
# nodejs.org and checks them against that release's SHASUMS256.txt). GREENLIGHT_SQLITE chooses:
#   auto      (default) build it unless GREENLIGHT_DATABASE_URL names PostgreSQL
#   build     always build it from source
#   prebuilt  download better-sqlite3's prebuilt binary from its GitHub release (faster; that
#             binary is NOT checked against any digest)
#   skip      do not install it (PostgreSQL only)
# Idempotent: a second run in the same job with the same lockfile and node is a no-op.
set -euo pipefail

mode="${GREENLIGHT_SQLITE:-auto}"
case "$mode" in
  auto)
    case "${GREENLIGHT_DATABASE_URL:-}" in
      postgres://* | postgresql://*) mode=skip ;;
      *) mode=build ;;
    esac
    ;;
  build | prebuilt | skip) ;;
  *)
    echo "greenlight: sqlite must be auto, build, prebuilt or skip (got '$mode')" >&2
    exit 2
    ;;
esac

stamp=node_modules/.greenlight-install
want="$(sha256sum package-lock.json | cut -d' ' -f1) node-abi-$(node -p process.versions.modules) sqlite-$mode"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  exit 0
fi

# Build against the running node's own headers when its installation has them (official tarballs,
# the node Docker images and setup-node do), so nothing is downloaded for the build.
prefix="$(dirname "$(dirname "$(node -p process.execPath)")")"
if [ -f "$prefix/include/node/common.gypi" ]; then export npm_config_nodedir="$prefix"; fi

npm ci --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error
case "$mode" in
  build) npm_config_build_from_source=better-sqlite3 npm rebuild better-sqlite3 --loglevel=error ;;
  prebuilt) npm rebuild better-sqlite3 --loglevel=error ;;
  skip) ;;
esac
echo "$want" >"$stamp"
