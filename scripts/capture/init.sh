#!/bin/sh
# /init of the vsgi capture guest (busybox sh, PID 1 in an initramfs). Parameters come from the
# kernel command line: wl=<workload,...> t=<seconds per workload> ipi=<0|1> (dump the guest's own
# ipi_raise tracepoint to the console at the end). Markers on the console (also in QEMU's
# pl011_write trace) let SGI lines be tied to workloads:
#   @@H <key=value...>            header: vCPUs, kernel, parameters
#   @@M <workload> BEGIN|END ...  workload boundaries
#   @@F <raw ftrace line>         the guest's ipi_raise events (ipi=1), read by `vsgi replay --format ftrace`
# Then `poweroff -f`; QEMU runs with -no-reboot so the VM exits.
/bin/busybox mkdir -p /proc /sys /dev /tmp /bin /sbin /usr/bin /usr/sbin
/bin/busybox --install -s
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mount -t tmpfs tmpfs /tmp
mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
export PATH=/usr/bin:/usr/sbin:/bin:/sbin LD_LIBRARY_PATH=/lib/aarch64-linux-gnu:/usr/lib/aarch64-linux-gnu

WL=idle
T=2
IPI=0
for a in $(cat /proc/cmdline); do
  case "$a" in
    wl=*) WL="${a#wl=}" ;;
    t=*) T="${a#t=}" ;;
    ipi=*) IPI="${a#ipi=}" ;;
  esac
done
NCPU=$(grep -c ^processor /proc/cpuinfo)
# stress-ng workers: one per CPU, but at most 4 above 32 vCPUs, where one per CPU makes TCG on a
# 2-core host take minutes per second of membarrier (soft lockups at 64 vCPUs).
W=$NCPU
[ "$NCPU" -gt 32 ] && W=4
echo "@@H ncpu=$NCPU workers=$W kernel=$(uname -r) wl=$WL t=$T ipi=$IPI"
# Hard stop: whatever hangs, the guest powers off (the host also kills QEMU after its own timeout).
( sleep $(( (T + 30) * 8 + 60 )); echo "@@M watchdog POWEROFF"; poweroff -f ) &

TR=/sys/kernel/tracing
if [ "$IPI" = 1 ] && [ -e $TR/events/ipi/ipi_raise/enable ]; then
  echo 0 > $TR/tracing_on
  echo 4096 > $TR/buffer_size_kb
  echo > $TR/trace
  echo 1 > $TR/events/ipi/ipi_raise/enable
  echo 1 > $TR/tracing_on
fi

cpu_cycle() {
  # Unplug and replug every secondary CPU once (CPU hotplug sends stop/function-call IPIs).
  for c in /sys/devices/system/cpu/cpu[1-9]*; do
    [ -e "$c/online" ] || continue
    echo 0 > "$c/online"
    echo 1 > "$c/online"
  done
}

for w in $(echo "$WL" | tr , ' '); do
  echo "@@M $w BEGIN up=$(cut -d' ' -f1 /proc/uptime)"
  case "$w" in
    idle) sleep "$T" ;;
    hackbench) timeout $((T + 30)) hackbench -g 2 -f 4 -l $((T * 20)) -s 64 > /dev/null 2>&1 ;;
    hackbench-threads) timeout $((T + 30)) hackbench -T -g 2 -f 4 -l $((T * 20)) -s 64 > /dev/null 2>&1 ;;
    membarrier) timeout $((T + 30)) stress-ng --membarrier "$W" -t "${T}s" --quiet > /dev/null 2>&1 ;;
    futex) timeout $((T + 30)) stress-ng --futex "$W" -t "${T}s" --quiet > /dev/null 2>&1 ;;
    pipe) timeout $((T + 30)) stress-ng --pipe "$W" -t "${T}s" --quiet > /dev/null 2>&1 ;;
    yield) timeout $((T + 30)) stress-ng --yield "$W" -t "${T}s" --quiet > /dev/null 2>&1 ;;
    mprotect) timeout $((T + 30)) stress-ng --mprotect "$W" -t "${T}s" --quiet > /dev/null 2>&1 ;;
    hotplug) cpu_cycle ;;
    *) echo "@@M $w UNKNOWN" ;;
  esac
  echo "@@M $w END rc=$? up=$(cut -d' ' -f1 /proc/uptime)"
done

if [ "$IPI" = 1 ] && [ -e $TR/trace ]; then
  echo 0 > $TR/tracing_on
  echo "@@F BEGIN"
  grep ipi_raise: $TR/trace | sed 's/^/@@F /'
  echo "@@F END"
fi
echo "@@M poweroff POINT up=$(cut -d' ' -f1 /proc/uptime)"
poweroff -f
