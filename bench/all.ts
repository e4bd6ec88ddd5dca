/**
 * `npm run bench`: every benchmark, one after the other (startup first, while the machine is
 * quiet). Benchmarks print medians; they are not tests and never fail the build.
 */
import { lintBenchOptionsFromEnv, runLintBench } from "./lint.js";
import { runParseBench, parseBenchOptionsFromEnv } from "./parse.js";
import { runStartupBench, startupRunsFromEnv } from "./startup.js";
import { imageBenchOptionsFromEnv, runImageBench } from "./image.js";
import { runRuntimeBench } from "./runtime.js";
import { registryBenchOptionsFromEnv, runRegistryBench } from "./registry.js";
import { runBuildBench } from "./build.js";

const started = Date.now();
runStartupBench(startupRunsFromEnv());
console.log("");
runParseBench(parseBenchOptionsFromEnv());
console.log("");
await runLintBench(lintBenchOptionsFromEnv());
console.log("");
await runImageBench(imageBenchOptionsFromEnv());
console.log("");
await runRuntimeBench(Number(process.env.KILN_BENCH_RUNTIME_RUNS ?? 50));
console.log("");
await runRegistryBench(registryBenchOptionsFromEnv());
console.log("");
await runBuildBench();
console.log(`\nbench: done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
