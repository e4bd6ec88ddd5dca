/**
 * `kiln lint --format sarif` against real SARIF oracles: the official SARIF 2.1.0 JSON schema
 * (validated with ajv) and Microsoft's SARIF Multitool `validate`, both from the npm package
 * @microsoft/sarif-multitool-linux.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { kiln } from "../bin/helpers.js";

const require = createRequire(import.meta.url);
const toolDir = dirname(require.resolve("@microsoft/sarif-multitool-linux/package.json"));
const schemaPath = join(toolDir, "sarif-2.1.0.json");
const multitool = join(toolDir, "Sarif.Multitool");

const DOCKERFILE = [
  "from alpine AS Build",
  "MAINTAINER someone",
  "ENV LEGACY value",
  "WORKDIR relative",
  "RUN echo $UNDEFINED_thing",
  "CMD echo one",
  "CMD echo two",
  "",
].join("\n");

function sarifFor(dir: string, file: string): { out: string; path: string } {
  writeFileSync(join(dir, file), DOCKERFILE);
  const r = kiln(["lint", "--format", "sarif", join(dir, file)]);
  assert.is(r.status, 1, r.stderr); // findings at the default threshold
  const path = join(dir, "out.sarif");
  writeFileSync(path, r.stdout);
  return { out: r.stdout, path };
}

test("the SARIF log validates against the official SARIF 2.1.0 schema", async () => {
  const dir = mkdtempSync(join(tmpdir(), "kiln-sarif-"));
  try {
    const { out } = sarifFor(dir, "Dockerfile");
    const log = JSON.parse(out);
    assert.ok(log.runs[0].results.length >= 5, "expected several findings");
    const { default: Ajv } = (await import("ajv")) as unknown as { default: new (o: object) => { compile(s: object): ((d: unknown) => boolean) & { errors?: unknown } } };
    const { default: addFormats } = (await import("ajv-formats")) as unknown as { default: (a: unknown) => void };
    const schema = JSON.parse(readFileSync(schemaPath, "utf8"));
    delete schema.$schema; // draft-07 meta-schema id; ajv's default draft validates the same keywords
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    const validate = ajv.compile(schema);
    assert.ok(validate(log), JSON.stringify(validate.errors, null, 2));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("Microsoft's SARIF Multitool validates the log without errors or warnings", () => {
  if (!existsSync(multitool)) {
    console.log("  (skipped: Sarif.Multitool binary not installed)");
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), "kiln-sarif-"));
  try {
    const { path } = sarifFor(dir, "Dockerfile");
    const report = join(dir, "validation.sarif");
    const r = spawnSync(multitool, ["validate", path, "--output", report], {
      encoding: "utf8",
      env: { ...process.env, DOTNET_SYSTEM_GLOBALIZATION_INVARIANT: "1", DOTNET_CLI_TELEMETRY_OPTOUT: "1" },
      timeout: 120_000,
    });
    assert.is(r.status, 0, r.stdout + r.stderr);
    const findings = JSON.parse(readFileSync(report, "utf8")).runs[0].results as { level?: string; message: { text?: string; id?: string } }[];
    const problems = findings.filter((f) => (f.level ?? "warning") === "error" || (f.level ?? "warning") === "warning");
    assert.equal(problems, [], `${r.stdout}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
