import { DEFAULT_CONFIG, lint, mergeConfig } from "./dist/lib/linter/index.js";
import { allRunCommands, runs } from "./dist/lib/linter/rules/hadolint/helpers.js";
import { generateCorpus } from "./dist/lib/bench/corpus.js";
const corpus = generateCorpus(5000, 1);
const config = mergeConfig(DEFAULT_CONFIG, { enable: ["all"] });
let sink = 0, bytes = 0, nruns = 0, ncmd = 0;
const mode = process.argv[2] ?? "cmds";
const shellRule = { meta: { id: "X", source: "kiln", severity: "info", description: "", docs: "" }, check(ctx) {
  if (mode === "runs") { const r = runs(ctx); sink += r.length; if (count) for (const i of r) { nruns++; for (const s of i.sources) bytes += s.script.length; } }
  else { const c = allRunCommands(ctx); sink += c.length; if (count) ncmd += c.length; } } };
let count = true;
for (const t of corpus) lint(t, { config, rules: [shellRule] });
console.log("per file: runs", (nruns / 5000).toFixed(1), "script bytes", (bytes / 5000).toFixed(0), "commands", (ncmd/5000).toFixed(1));
count = false;
const times = [];
for (let r = 0; r < 6; r++) { const t0 = performance.now(); for (const t of corpus) lint(t, { config, rules: [shellRule] }); times.push((performance.now() - t0) * 1000 / 5000); }
console.log(mode, times.map((x) => x.toFixed(0)).join(" "));
