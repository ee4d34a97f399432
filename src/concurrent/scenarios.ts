/** The interleaving model's scenarios: small concurrent situations of senders and receivers (see interleavings.ts). */

/** Which implementation of the protocol a model run uses. */
export type ProtocolVariant = "atomic" | "racy";

/** One thread of a scenario. */
export type ModelThreadSpec =
  /** A vCPU writing ICC_SGI1R_EL1: one target, a TargetList of several, or IRM = 1 (every vCPU but `sender`). */
  | { readonly kind: "send"; readonly sender: number; readonly target: number | readonly number[] | "all-but-self"; readonly intid: number }
  /** A vCPU acknowledging (and EOIing) its own SGIs `attempts` times. */
  | { readonly kind: "ack"; readonly vcpu: number; readonly attempts: number };

/** A small concurrent situation to explore. At most 32 vCPUs (one bitmap word per INTID). */
export interface ModelScenario {
  readonly name: string;
  readonly vcpus: number;
  /** SGIs already pending (sent) before the threads start, as [vcpu, intid]. */
  readonly pending?: readonly (readonly [number, number])[];
  readonly threads: readonly ModelThreadSpec[];
}

/**
 * Small situations covering each race: two senders on one bitmap word, a sender beside an
 * acknowledge of a neighbour, coalescing into one pending SGI, an IRM broadcast beside a unicast.
 */
export const SCENARIOS: readonly ModelScenario[] = [
  {
    name: "two senders, neighbours in one word",
    vcpus: 2,
    threads: [
      { kind: "send", sender: 0, target: 1, intid: 1 },
      { kind: "send", sender: 1, target: 0, intid: 1 },
    ],
  },
  {
    name: "sender beside a neighbour's acknowledge",
    vcpus: 2,
    pending: [[0, 1]],
    threads: [
      { kind: "send", sender: 0, target: 1, intid: 1 },
      { kind: "ack", vcpu: 0, attempts: 1 },
    ],
  },
  {
    name: "two sends to one target coalesce, target acknowledges twice",
    vcpus: 2,
    threads: [
      { kind: "send", sender: 1, target: 0, intid: 2 },
      { kind: "send", sender: 1, target: 0, intid: 2 },
      { kind: "ack", vcpu: 0, attempts: 2 },
    ],
  },
  {
    name: "IRM broadcast beside a unicast and an acknowledge",
    vcpus: 3,
    threads: [
      { kind: "send", sender: 2, target: "all-but-self", intid: 0 },
      { kind: "send", sender: 1, target: 0, intid: 0 },
      { kind: "ack", vcpu: 1, attempts: 1 },
    ],
  },
  {
    name: "multicast (one word OR) beside a unicast and an acknowledge",
    vcpus: 3,
    pending: [[0, 5]],
    threads: [
      { kind: "send", sender: 2, target: [0, 1], intid: 5 },
      { kind: "send", sender: 0, target: 2, intid: 5 },
      { kind: "ack", vcpu: 0, attempts: 1 },
    ],
  },
  {
    name: "two receivers on one word, then a send",
    vcpus: 2,
    pending: [
      [0, 3],
      [1, 3],
    ],
    threads: [
      { kind: "ack", vcpu: 0, attempts: 1 },
      { kind: "ack", vcpu: 1, attempts: 1 },
      { kind: "send", sender: 1, target: 0, intid: 3 },
    ],
  },
];

/** A larger scenario for randomized scheduling (too many interleavings to run them all). */
export const SCHEDULER_SCENARIO: ModelScenario = {
  name: "three senders, three receivers, one word",
  vcpus: 6,
  pending: [[4, 1]],
  threads: [
    { kind: "send", sender: 5, target: 0, intid: 1 },
    { kind: "send", sender: 4, target: 1, intid: 1 },
    { kind: "send", sender: 3, target: "all-but-self", intid: 1 },
    { kind: "ack", vcpu: 0, attempts: 2 },
    { kind: "ack", vcpu: 1, attempts: 2 },
    { kind: "ack", vcpu: 4, attempts: 1 },
  ],
};
