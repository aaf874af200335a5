#!/bin/bash
# vtep-controld.sh with ovsdb-lite (over tcp:127.0.0.1:PORT) serving the hardware_vtep
# database instead of ovsdb-server: the same checks. Takes about 17 s.
exec "$(cd "$(dirname "$0")" && pwd)/vtep-controld.sh" lite
