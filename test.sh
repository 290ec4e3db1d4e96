#!/usr/bin/env bash
# Runs every test of the reactor. Installs a JDK 17 and Maven first when they are missing
# (Debian/Ubuntu, as root); extra arguments go to Maven (e.g. ./test.sh -pl guard).
set -euo pipefail
cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")"

if ! command -v java >/dev/null 2>&1 || ! command -v mvn >/dev/null 2>&1; then
  if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null 2>&1; then
    echo "installing openjdk-17-jdk-headless and maven..." >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jdk-headless maven >/dev/null
  else
    echo "test.sh: Java 17+ and Maven are required (on Debian/Ubuntu: apt-get install openjdk-17-jdk-headless maven)" >&2
    exit 2
  fi
fi

java_major="$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')"
if [[ -z "$java_major" || "${java_major%%.*}" -lt 17 ]]; then
  echo "test.sh: Java 17 or newer is required (found ${java_major:-unknown}); set JAVA_HOME or PATH" >&2
  exit 2
fi

exec mvn -B verify "$@"
