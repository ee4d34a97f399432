/*
 * vsgi's bare-metal SGI test image for QEMU's `virt` board (written for vsgi; no third-party code).
 * Every CPU sends SGIs of every kind the architecture has — unicast, multicast within a cluster,
 * "all but self" (GICv3 IRM = 1, GICv2 TargetListFilter 1) and "self" (GICv2 filter 2) — then
 * acknowledges and EOIs what it received until nothing is pending anywhere, and CPU 0 powers the
 * machine off with PSCI SYSTEM_OFF. The GIC version is read from ID_AA64PFR0_EL1.GIC (QEMU sets it
 * when the GICv3 CPU interface is present).
 * Console: `@@H`, `@@M` markers on the PL011 like the Linux capture guest's /init.
 */
#include <stdint.h>

#define UART 0x09000000UL
#define GICD 0x08000000UL
#define GICC 0x08010000UL   /* GICv2 CPU interface */
#define GICR 0x080A0000UL   /* GICv3 redistributors, 128 KiB each */
#define PSCI_CPU_ON 0xC4000003UL
#define PSCI_SYSTEM_OFF 0x84000008UL
#define ROUNDS 24
#define MAX_CPUS 512

extern long psci_call(unsigned long fn, unsigned long a1, unsigned long a2, unsigned long a3);
extern void sgi1r_write(uint64_t v);
extern void gicv3_cpuif_on(void);
extern uint64_t iar1_read(void);
extern void eoir1_write(uint64_t v);
extern char _start[];
extern uint64_t id_aa64pfr0(void);

static volatile uint32_t *reg(unsigned long a) { return (volatile uint32_t *)a; }

static int version;            /* 2 or 3 */
static int cluster;            /* CPUs per Aff1 cluster: 8 (GICv2) or 16 (GICv3) */
static volatile int ncpus;
static volatile int online;
static volatile int sent;      /* CPUs done sending */
static volatile int drained;   /* CPUs whose interface read spurious after every sender was done */
static volatile uint32_t lock;

static void putc_(char c) { *reg(UART) = (uint32_t)c; }
static void puts_(const char *s) { while (*s) putc_(*s++); }
static void putu(unsigned v) {
  char b[12]; int i = 0;
  do { b[i++] = (char)('0' + v % 10); v /= 10; } while (v);
  while (i) putc_(b[--i]);
}
static void inc(volatile int *p) { __atomic_fetch_add(p, 1, __ATOMIC_SEQ_CST); }
static int get(volatile int *p) { return __atomic_load_n(p, __ATOMIC_SEQ_CST); }

static uint64_t mpidr_of(int i) { return ((uint64_t)(i / cluster) << 8) | (uint64_t)(i % cluster); }

/* One SGI write: v3 as ICC_SGI1R_EL1, v2 as GICD_SGIR. `kind`: 0 list, 1 all but self, 2 self. */
static void send(int self, int intid, int kind, int cl, uint32_t list) {
  (void)self;
  if (version == 3) {
    uint64_t v = ((uint64_t)intid << 24) | ((uint64_t)cl << 16) | (list & 0xffff);
    if (kind == 1) v = ((uint64_t)intid << 24) | (1ULL << 40);
    sgi1r_write(v);
  } else {
    *reg(GICD + 0xf00) = ((uint32_t)kind << 24) | ((list & 0xff) << 16) | (uint32_t)intid;
  }
}

/* Acknowledges and EOIs one interrupt: its INTID, or -1 when nothing is pending. */
static int ack_one(void) {
  if (version == 3) {
    uint64_t iar = iar1_read() & 0xffffff;
    if (iar >= 1020) return -1;
    eoir1_write(iar);
    return (int)iar;
  }
  uint32_t iar = *reg(GICC + 0x0c);
  if ((iar & 0x3ff) >= 1020) return -1;
  *reg(GICC + 0x10) = iar;
  return (int)(iar & 0x3ff);
}

static void cpu_on(int self) {
  if (version == 3) {
    volatile uint32_t *rd = reg(GICR + (unsigned long)self * 0x20000);
    rd[0x14 / 4] &= ~2u;                      /* GICR_WAKER.ProcessorSleep = 0 */
    while (rd[0x14 / 4] & 4u) {}              /* ChildrenAsleep */
    volatile uint32_t *sgi = reg(GICR + (unsigned long)self * 0x20000 + 0x10000);
    sgi[0x80 / 4] = 0xffffffffu;              /* GICR_IGROUPR0: SGIs in Group 1 */
    sgi[0x100 / 4] = 0xffffu;                 /* GICR_ISENABLER0: SGIs 0..15 */
    gicv3_cpuif_on();
  } else {
    *reg(GICD + 0x100) = 0xffffu;             /* GICD_ISENABLER0 (banked): SGIs */
    *reg(GICC + 0x04) = 0xffu;                /* GICC_PMR */
    *reg(GICC + 0x00) = 1u;                   /* GICC_CTLR.Enable */
  }
}

/* SGI 15 is kept for the wake-up at the end; the traffic uses SGIs 0..14. */
#define WAKE_SGI 15

static void work(int self) {
  int n = get(&ncpus);
  int myc = self / cluster;
  int clusters = (n + cluster - 1) / cluster;
  for (int r = 0; r < ROUNDS; r++) {
    int intid = (self + r) % 15;
    int next = (self + 1 + r) % n;
    send(self, intid, 0, next / cluster, 1u << (next % cluster));          /* unicast */
    int oc = (myc + r) % clusters;                                            /* multicast in a cluster */
    int in = n - oc * cluster < cluster ? n - oc * cluster : cluster;
    uint32_t mask = (uint32_t)(0x5555u + r * 0x1111u) & ((1u << in) - 1u);
    if (mask) send(self, (intid + 3) % 15, 0, oc, mask);
    if (r % 4 == 0) send(self, (intid + 5) % 15, 1, 0, 0);                   /* all but self */
    if (version == 2 && r % 6 == 0) send(self, (intid + 7) % 15, 2, 0, 0);  /* self (GICv2 only) */
    while (ack_one() >= 0) {}
  }
  /* The last CPU done sending wakes the others with SGI 15 (all but self). A CPU that has it knows */
  /* every write is done, so one more drain empties its interface. Waiting CPUs sleep in WFI, which */
  /* a pending interrupt ends even with PSTATE.I set: the log has no busy polling. */
  if (__atomic_add_fetch(&sent, 1, __ATOMIC_SEQ_CST) == n) {
    if (n > 1) send(self, WAKE_SGI, 1, 0, 0);
  } else {
    for (int woke = 0; !woke;) {
      for (int i; (i = ack_one()) >= 0;) woke |= i == WAKE_SGI;
      if (!woke) __asm__ volatile("wfi");
    }
  }
  while (ack_one() >= 0) {}
  inc(&drained);
}

void cpu_main(int self) {
  if (self == 0) {
    version = ((id_aa64pfr0() >> 24) & 0xf) != 0 ? 3 : 2;
    cluster = version == 3 ? 16 : 8;
    puts_("@@H sgi-test gic="); putu((unsigned)version); puts_("\n");
    if (version == 3) *reg(GICD) = 0x12u;     /* GICD_CTLR: ARE, EnableGrp1 (one security state) */
    else *reg(GICD) = 1u;                      /* GICD_CTLR.Enable */
    int n = 1;
    while (n < MAX_CPUS && (version == 3 || n < 8)) {
      if (psci_call(PSCI_CPU_ON, mpidr_of(n), (unsigned long)_start, (unsigned long)cluster) != 0) break;
      n++;
    }
    ncpus = n;
    cpu_on(0);
    inc(&online);
    while (get(&online) < n) {}
    puts_("@@M sgi-test BEGIN cpus="); putu((unsigned)n); puts_("\n");
  } else {
    while (get(&ncpus) == 0) {}
    cpu_on(self);
    inc(&online);
    while (get(&online) < get(&ncpus)) {}
  }
  work(self);
  if (self != 0) return;
  while (get(&drained) < get(&ncpus)) {}
  puts_("@@M sgi-test END rc=0\n@@M poweroff POINT\n");
  psci_call(PSCI_SYSTEM_OFF, 0, 0, 0);
}
