#!/usr/bin/env bash
# Generates the JAX-WS classes from the emulator's served WSDL (SuiteTalk 2023_2) with wsimport,
# and compiles AsyncAddListExample.java against them and the JAX-WS jars in /usr/share/java.
# Needs a running emulator (EMULATOR_URL, default http://localhost:8080) and Debian's jaxws and a
# JDK 17: apt-get install jaxws default-jdk-headless.
#
# Environment:
#   EMULATOR_URL   base URL of the emulator whose WSDL is read   http://localhost:8080
#   BUILD_DIR      where the generated sources and classes go    build/ beside this file
# Then: ./run.sh (with the same BUILD_DIR).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
EMULATOR_URL=${EMULATOR_URL:-http://localhost:8080}
BUILD_DIR=${BUILD_DIR:-$here/build}
JARS=/usr/share/java
# What the generated code and the example compile against: the JAX-WS, JAXB, SAAJ and javax.jws APIs.
API_CLASSPATH="$JARS/jaxws-api.jar:$JARS/jaxb-api.jar:$JARS/jws-api.jar:$JARS/javax.xml.soap-api.jar"

fail() {
  echo "error: $*" >&2
  exit 1
}
command -v wsimport >/dev/null || fail "wsimport is not installed (Debian: apt-get install jaxws)"
command -v javac >/dev/null || fail "javac is not installed (Debian: apt-get install default-jdk-headless)"
for jar in ${API_CLASSPATH//:/ }; do
  [ -f "$jar" ] || fail "$jar is missing (Debian: apt-get install jaxws)"
done

wsdl="$EMULATOR_URL/wsdl/v2023_2_0/netsuite.wsdl"
rm -rf "$BUILD_DIR"
mkdir -p "$BUILD_DIR/generated" "$BUILD_DIR/classes"
# Without -XadditionalHeaders the methods take only the body; the example adds the tokenPassport header itself.
wsimport -quiet -Xnocompile -s "$BUILD_DIR/generated" -d "$BUILD_DIR/generated" "$wsdl" ||
  fail "wsimport could not read $wsdl: is the emulator running there?"
find "$BUILD_DIR/generated" -name '*.java' > "$BUILD_DIR/sources.txt"
echo "$here/AsyncAddListExample.java" >> "$BUILD_DIR/sources.txt"
javac -nowarn -encoding UTF-8 --release 17 -cp "$API_CLASSPATH" -d "$BUILD_DIR/classes" "@$BUILD_DIR/sources.txt"
echo "built $BUILD_DIR/classes from $wsdl"
