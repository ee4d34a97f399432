#!/bin/sh
# Builds vsgi's bare-metal SGI test image with Debian's aarch64 cross compiler
# (apt-get install gcc-aarch64-linux-gnu). Usage: build.sh <output.elf>
set -eu
here=$(dirname "$0")
out=${1:-sgi-test.elf}
${CC:-aarch64-linux-gnu-gcc} -O2 -ffreestanding -fno-stack-protector -fno-pie -no-pie -nostdlib -nostartfiles \
  -mgeneral-regs-only -mstrict-align -mno-outline-atomics -Wall -Wextra -Werror -static \
  -Wl,--build-id=none -Wl,--no-warn-rwx-segments -Wl,-T,"$here/link.ld" -o "$out" "$here/start.S" "$here/sgi-test.c"
