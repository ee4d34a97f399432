/**
 * The cost model of a whole vSGI: published terms, engine-counted visits, measured JS figures,
 * trace mixes. `costModel` is the lab's entry point; the general one is `runModel` in model.ts,
 * exported here as `runCostModel` (the lab looks for a `runModel(bench, traces)` function first).
 */
export { costModel } from "./lab.ts";
export { type Citation, CITATIONS, type CostTerm, MACHINE_NAMES, type MachineCosts, MACHINES } from "./costs.ts";
export { type MeasuredRow, type MeasureOptions, measureModel } from "./measure.ts";
export {
  answerParagraph,
  type BreakEven,
  DELIVERIES,
  type Delivery,
  deliveryNs,
  MODEL_ENGINES,
  type ModelOptions,
  type ModelOutput,
  type ModelRow,
  type ModelWorkload,
  runModel as runCostModel,
  streamFor,
} from "./model.ts";
export { formatModel } from "./format.ts";
export { MODEL_DEFAULT_VCPUS, MODEL_DEFAULT_WORKLOADS, type ModelReport, type ModelRequest, modelReport, modelWorkload } from "./report.ts";
export { type TraceMix, traceMix } from "./trace.ts";
