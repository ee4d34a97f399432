/** Plugin engines (`--engine <file>`: TS/JS modules and C files over the C engine ABI) and `vsgi check`. */
export { type CheckOptions, type CheckReport, checkEngine, type Counterexample } from "./check.ts";
export { type CCompiler, compileCModule, compileCObject, findCCompiler, NO_COMPILER_HELP, pluginNativeDir } from "./compile.ts";
export { COMPLEXITY_FAMILIES, COMPLEXITY_WORKLOADS, type ComplexityRow, complexityRows, formatComplexity, logLogSlope, MEASURED_SIZES, PROJECTED_SIZES } from "./complexity.ts";
export { ENGINE_CONTRACT_VERSION, type PluginEngine, type PluginEngineInstance, type PluginKind } from "./contract.ts";
export { formatCheck } from "./format.ts";
export { loadEngineFile, loadEngineFiles, PLUGIN_EXTENSIONS, TS_LOADER_HELP } from "./load.ts";
export { engineTemplate, TEMPLATE_LANGUAGES, type TemplateLanguage } from "./templates.ts";
export { registerEngineFiles } from "./register.ts";
