#!/usr/bin/env bash
# Runs every test of the reactor (mvn -B verify); extra arguments go to Maven (e.g. ./test.sh -pl guard).
#
# Some tests need services beyond a JDK and Maven. On Debian/Ubuntu as root, this script installs
# and starts whatever is missing (and does nothing when all is there):
#   - JDK 17 and Maven                                    (openjdk-17-jdk-headless, maven)
#   - PostgreSQL, with a role and database for the tests  (postgresql; VIGIL_TEST_PG_URL)
#   - a Docker engine for the Testcontainers test         (docker.io; dockerd in the background)
#   - the Python gRPC client's runtime and code generator (python3-grpcio, python3-protobuf,
#                                                          protobuf-compiler, protobuf-compiler-grpc)
#   - Node.js and the Node client's packages              (nodejs, npm; npm ci in examples/clients/node)
# Elsewhere it only checks, and the tests that need a missing service are skipped, except when
# CI=true: then they fail. Set VIGIL_TEST_PG_URL (a jdbc:postgresql:// URL) to use your own server.
set -euo pipefail
cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")"

say() { echo "test.sh: $*" >&2; }

is_root_debian() { [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null 2>&1; }

# ---- Debian packages: one apt-get update and one install for everything that is missing --------
packages=()
need() { packages+=("$@"); }

if ! command -v java >/dev/null 2>&1 || ! command -v mvn >/dev/null 2>&1; then
  need openjdk-17-jdk-headless maven
fi
if [[ -z "${VIGIL_TEST_PG_URL:-}" ]] && ! command -v pg_ctlcluster >/dev/null 2>&1; then
  need postgresql
fi
if ! command -v dockerd >/dev/null 2>&1 && ! docker info >/dev/null 2>&1; then
  need docker.io
fi
# The Python client runs with Debian's /usr/bin/python3 (a python3 earlier on PATH, e.g. pyenv's,
# does not see Debian's python3-grpcio).
if ! /usr/bin/python3 -c 'import grpc, google.protobuf' >/dev/null 2>&1; then
  need python3 python3-grpcio python3-protobuf
fi
if ! command -v protoc >/dev/null 2>&1; then need protobuf-compiler; fi
if ! command -v grpc_python_plugin >/dev/null 2>&1; then need protobuf-compiler-grpc; fi
if ! command -v node >/dev/null 2>&1; then need nodejs; fi
if ! command -v npm >/dev/null 2>&1; then need npm; fi

if (( ${#packages[@]} > 0 )); then
  if is_root_debian; then
    say "installing ${packages[*]}..."
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${packages[@]}" >/dev/null
  else
    say "missing (not installed: not root on Debian/Ubuntu): ${packages[*]}"
  fi
fi

if ! command -v java >/dev/null 2>&1 || ! command -v mvn >/dev/null 2>&1; then
  say "Java 17+ and Maven are required (on Debian/Ubuntu: apt-get install openjdk-17-jdk-headless maven)"
  exit 2
fi
java_major="$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')"
if [[ -z "$java_major" || "${java_major%%.*}" -lt 17 ]]; then
  say "Java 17 or newer is required (found ${java_major:-unknown}); set JAVA_HOME or PATH"
  exit 2
fi

# ---- PostgreSQL: start the first cluster, create role vigil and database vigil_test -------------
# a command as the postgres superuser, from a directory it may enter
as_postgres() { (cd / && su postgres -c "$1"); }

start_postgres() {
  command -v pg_lsclusters >/dev/null 2>&1 || return 1
  local version cluster port status
  if [[ -z "$(pg_lsclusters -h 2>/dev/null)" ]]; then
    version="$(ls /usr/lib/postgresql | sort -V | tail -n 1)"
    [[ -n "$version" ]] || return 1
    say "creating PostgreSQL cluster $version/main"
    pg_createcluster "$version" main >/dev/null
  fi
  read -r version cluster port status _ < <(pg_lsclusters -h | head -n 1)
  if [[ "$status" != online* ]]; then
    say "starting PostgreSQL $version/$cluster on port $port"
    pg_ctlcluster "$version" "$cluster" start
  fi
  if [[ "$(as_postgres "psql -p $port -tAc \"SELECT 1 FROM pg_roles WHERE rolname = 'vigil'\"")" != 1 ]]; then
    as_postgres "psql -p $port -qc \"CREATE ROLE vigil LOGIN PASSWORD 'vigil'\""
  fi
  if [[ "$(as_postgres "psql -p $port -tAc \"SELECT 1 FROM pg_database WHERE datname = 'vigil_test'\"")" != 1 ]]; then
    as_postgres "psql -p $port -qc \"CREATE DATABASE vigil_test OWNER vigil\""
  fi
  export VIGIL_TEST_PG_URL="jdbc:postgresql://127.0.0.1:$port/vigil_test?user=vigil&password=vigil"
}
if [[ -z "${VIGIL_TEST_PG_URL:-}" ]]; then
  if [[ "$(id -u)" == 0 ]] && start_postgres; then
    :
  else
    say "no PostgreSQL server (set VIGIL_TEST_PG_URL=jdbc:postgresql://HOST:PORT/DB?user=U&password=P)"
  fi
fi

# ---- Docker: start dockerd in the background when no engine answers ------------------------------
if ! docker info >/dev/null 2>&1; then
  if [[ "$(id -u)" == 0 ]] && command -v dockerd >/dev/null 2>&1; then
    log=/var/log/vigil-dockerd.log
    say "starting dockerd (log: $log)"
    setsid dockerd </dev/null >"$log" 2>&1 &
    for _ in $(seq 1 60); do
      docker info >/dev/null 2>&1 && break
      sleep 0.5
    done
    docker info >/dev/null 2>&1 || { say "dockerd did not come up; last lines of $log:"; tail -n 20 "$log" >&2; }
  else
    say "no Docker engine"
  fi
fi
# No image registry is reachable: Ryuk (the reaper image) cannot be pulled. The tests also carry
# these in Surefire's environment, for runs without this script.
export TESTCONTAINERS_RYUK_DISABLED=true TESTCONTAINERS_HOST_OVERRIDE=localhost

# ---- Node client packages --------------------------------------------------------------------------
node_dir=examples/clients/node
if command -v npm >/dev/null 2>&1 && [[ -f "$node_dir/package-lock.json" ]]; then
  if [[ ! -f "$node_dir/node_modules/.package-lock.json" || "$node_dir/package-lock.json" -nt "$node_dir/node_modules/.package-lock.json" ]]; then
    say "npm ci in $node_dir"
    (cd "$node_dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  fi
fi

exec mvn -B verify "$@"
