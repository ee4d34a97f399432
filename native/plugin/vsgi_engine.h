/*
 * vsgi C engine ABI, version 1 — the two functions a C dispatch engine defines.
 *
 * vsgi compiles the engine's single .c file with the machine's C compiler and calls it from
 * `vsgi check`, `route`, `replay`, `model`, `lab` (in-process, through napi-shim.c) and from
 * `vsgi bench` (timed in native/plugin/bench.cpp beside C++ kvm-linear, kvm-mpidr-index and
 * vsgi, which implement this same ABI). Every engine file is compiled with this header
 * force-included, so a definition whose types differ from these is a compile error.
 *
 * The rule an engine must implement is the GIC architecture's (IHI 0069 §12.2 ICC_SGI1R_EL1):
 * IRM = 1 reaches every vCPU but the sender; otherwise bit n of TargetList reaches the vCPU with
 * affinity Aff3.Aff2.Aff1.(RS*16 + n), where RS counts only when the VM advertises RSS (without
 * RSS, RS is RES0 and treated as 0). Bits the register reserves (RES0) are ignored.
 */
#ifndef VSGI_ENGINE_H
#define VSGI_ENGINE_H
#include <stdint.h>

#define VSGI_ENGINE_ABI_VERSION 1
/* Size of the reason buffer vsgi_engine_prepare may write into (NUL included). */
#define VSGI_ENGINE_REASON_BYTES 256

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Called once per VM layout before any dispatch (and again for each new layout).
 * affinity[i] = Aff3<<24 | Aff2<<16 | Aff1<<8 | Aff0 of vCPU i (ids 0..count-1, unique);
 * rss = 1 when the VM advertises Range Selector Support (Aff0 may then exceed 15).
 * Returns 0 when the engine supports the layout; else writes a NUL-terminated reason
 * (< 256 bytes) and returns non-zero. `affinity` stays valid until the next prepare.
 */
int vsgi_engine_prepare(const uint32_t *affinity, uint32_t count, int rss, char *reason);

/*
 * One ICC_SGI1R_EL1 write as the guest wrote it (RES0 bits included), by vCPU `sender`.
 * Writes the target vCPU ids to targets (room for count ids, each target once, any order) and
 * their number to *ntargets. Returns visits: vCPU records or table slots examined.
 */
uint32_t vsgi_engine_dispatch(uint64_t sgi1r, uint32_t sender, uint32_t *targets, uint32_t *ntargets);

#ifdef __cplusplus
}
#endif
#endif
