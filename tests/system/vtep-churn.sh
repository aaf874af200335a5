#!/bin/bash
# vtep-stack.sh, then churn of the hardware_vtep database under weft-controld in VTEP mode
# (its header says what and why: a MAC sync overtaken by a pass must not be applied). ~8 s.
exec "$(cd "$(dirname "$0")" && pwd)/vtep-stack.sh" churn
