#!/usr/bin/env bash
# Runs the example built by build.sh (same BUILD_DIR), on the JAX-WS runtime in /usr/share/java
# (Debian: apt-get install jaxws). The settings it reads are listed in AsyncAddListExample.java.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
BUILD_DIR=${BUILD_DIR:-$here/build}
[ -d "$BUILD_DIR/classes" ] || { echo "error: $BUILD_DIR/classes is missing: run build.sh first" >&2; exit 1; }
[ -f /usr/share/java/jaxws-rt.jar ] || { echo "error: the JAX-WS runtime is not installed (Debian: apt-get install jaxws)" >&2; exit 1; }
# jaxws-rt.jar's manifest brings in the rest of the runtime (JAXB, SAAJ, StAX extensions…).
# Naming the SAAJ factory spares a deprecation warning per message from the runtime's lookup.
exec java -Djavax.xml.soap.SAAJMetaFactory=com.sun.xml.messaging.saaj.soap.SAAJMetaFactoryImpl -cp "$BUILD_DIR/classes:/usr/share/java/jaxws-rt.jar" AsyncAddListExample
