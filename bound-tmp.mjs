import { DEFAULT_CONFIG, lint, mergeConfig } from "./dist/lib/linter/index.js";
import { parse } from "./dist/lib/parser/index.js";
import { allRunCommands } from "./dist/lib/linter/rules/hadolint/helpers.js";
import { generateCorpus } from "./dist/lib/bench/corpus.js";
import dfl from "./node_modules/dockerfilelint/lib/index.js";
const corpus = generateCorpus(5000, 1);
const config = mergeConfig(DEFAULT_CONFIG, { enable: ["all"] });
const di = "*.env\nnode_modules\n";
let sink = 0;
const shellRule = { meta: { id: "X", source: "kiln", severity: "info", description: "", docs: "" }, check(ctx) { sink += allRunCommands(ctx).length; } };
const sides = {
  dockerfilelint: (t) => { try { sink += dfl.run("/tmp", t).length; } catch {} },
  parseOnly: (t) => { sink += parse(t).dockerfile.instructions.length; },
  noRules: (t) => { sink += lint(t, { config, dockerignore: di, rules: [] }).findings.length; },
  shellOnly: (t) => { sink += lint(t, { config, dockerignore: di, rules: [shellRule] }).findings.length; },
  all: (t) => { sink += lint(t, { config, dockerignore: di }).findings.length; },
};
const res = {};
for (let r = 0; r < 7; r++) for (const [k, f] of Object.entries(sides)) {
  const t0 = performance.now(); for (const t of corpus) f(t); const ms = performance.now() - t0;
  if (r >= 2) (res[k] ??= []).push(ms * 1000 / corpus.length);
}
const med = (a) => a.sort((x, y) => x - y)[a.length >> 1];
for (const [k, v] of Object.entries(res)) console.log(k.padEnd(16), med(v).toFixed(0), "µs/file", (med(res.dockerfilelint) / med(v)).toFixed(2) + "x dockerfilelint");
