#!/bin/bash
# vtep-controld.sh with ONE ovsdb-lite serving both the Open_vSwitch and the hardware_vtep
# database (two DB files), weft-controld reading the latter over tcp:127.0.0.1:PORT, instead of
# ovsdb-server for hardware_vtep: the same checks. Takes about 10 s.
exec "$(cd "$(dirname "$0")" && pwd)/vtep-controld.sh" lite
