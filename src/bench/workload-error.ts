/** The error a workload throws when it cannot run on a topology (the cell is skipped, with the reason). */
import { UsageError } from "../errors.ts";

/** A workload that cannot run on the topology it was given (e.g. a trace from a bigger VM). */
export class WorkloadUnsupportedError extends UsageError {}
