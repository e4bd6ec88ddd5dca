/** `kiln lint` end to end: the bundled CLI in a temporary directory. */
import { spawnSync } from "node:child_process";
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { kiln } from "../bin/helpers.js";

const dir = mkdtempSync(join(tmpdir(), "kiln-lint-"));
const write = (name: string, text: string) => {
  mkdirSync(join(dir, name, ".."), { recursive: true });
  writeFileSync(join(dir, name), text);
};
// Tagged images, so hadolint's DL3006 stays quiet. MAINTAINER is reported by MaintainerDeprecated
// and DL4000 (hadolint: error) as one finding.
const BAD = "FROM alpine:3.20 AS Build\nMAINTAINER me\n";
const GOOD = "FROM alpine:3.20 AS build\nCMD [\"sh\"]\n";

test.after(() => rmSync(dir, { recursive: true, force: true }));

test("--shellcheck adds shellcheck's findings at Dockerfile positions, in SARIF with a rule entry", () => {
  if (spawnSync("shellcheck", ["--version"]).status !== 0) {
    console.log("  (skipped: shellcheck is not installed)");
    return;
  }
  write("sc/Dockerfile", "FROM alpine:3.20\nRUN echo \\\n  $1\nCMD [\"sh\"]\n");
  const plain = kiln(["lint", "sc/Dockerfile", "--format", "gnu"], { cwd: dir });
  assert.is(plain.status, 0, plain.stdout + plain.stderr);
  const r = kiln(["lint", "--shellcheck", "sc/Dockerfile", "--format", "gnu"], { cwd: dir });
  assert.is(r.status, 1);
  assert.is(r.stdout, "sc/Dockerfile:3:3: info: Double quote to prevent globbing and word splitting. [SC2086]\n");
  const sarif = JSON.parse(kiln(["lint", "--shellcheck", "sc/Dockerfile", "--format", "sarif"], { cwd: dir }).stdout);
  const rules = sarif.runs[0].tool.driver.rules as { id: string; helpUri: string }[];
  assert.is(rules.find((x) => x.id === "SC2086")?.helpUri, "https://www.shellcheck.net/wiki/SC2086");
});

test("clean file: exit 0, no output", () => {
  write("Dockerfile", GOOD);
  const r = kiln(["lint"], { cwd: dir });
  assert.is(r.stdout, "");
  assert.is(r.status, 0, r.stderr);
});

test("findings: code frames and exit 1 (default threshold info)", () => {
  write("bad/Dockerfile", BAD);
  const r = kiln(["lint", "bad/Dockerfile"], { cwd: dir });
  assert.is(r.status, 1);
  assert.match(r.stdout, "warning[StageNameCasing]: Stage name 'Build' should be lowercase");
  assert.match(r.stdout, "--> bad/Dockerfile:1:21");
  assert.match(r.stdout, "2 problems (1 error, 1 warning)");
  assert.not.match(r.stdout, "\x1b[");
});

test("--failure-threshold error, --ignore, --error", () => {
  assert.is(kiln(["lint", "bad/Dockerfile", "--failure-threshold", "error"], { cwd: dir }).status, 1);
  assert.is(kiln(["lint", "bad/Dockerfile", "--failure-threshold", "error", "--warning", "DL4000"], { cwd: dir }).status, 0);
  const ignored = kiln(["lint", "bad/Dockerfile", "--ignore", "StageNameCasing", "--ignore", "MaintainerDeprecated", "--ignore", "DL4000"], { cwd: dir });
  assert.is(ignored.status, 0);
  // options before the file take one value each: bad/Dockerfile is linted, not ignored as a rule
  const before = kiln(["lint", "--ignore", "StageNameCasing", "--ignore", "MaintainerDeprecated", "--ignore", "DL4000", "bad/Dockerfile", "--format", "gnu"], { cwd: dir });
  assert.is(before.status, 0, before.stdout + before.stderr);
  const first = kiln(["lint", "--ignore", "StageNameCasing", "bad/Dockerfile", "--format", "gnu"], { cwd: dir });
  assert.is(first.status, 1);
  assert.match(first.stdout, "bad/Dockerfile:2:1:");
  const escalated = kiln(["lint", "bad/Dockerfile", "-t", "error", "--error", "MaintainerDeprecated", "--format", "gnu"], { cwd: dir });
  assert.is(escalated.status, 1);
  assert.match(escalated.stdout, "bad/Dockerfile:2:1: error: Maintainer instruction is deprecated in favor of using label [MaintainerDeprecated,DL4000]");
});

test("config file in the working directory (.hadolint.yaml keys)", () => {
  write("cfg/.hadolint.yaml", "ignored:\n  - StageNameCasing\noverride:\n  warning: [DL4000]\nfailure-threshold: error\n");
  write("cfg/Dockerfile", BAD);
  const r = kiln(["lint", "--format", "gnu"], { cwd: join(dir, "cfg") });
  assert.is(r.status, 0);
  assert.is(r.stdout, "Dockerfile:2:1: warning: Maintainer instruction is deprecated in favor of using label [MaintainerDeprecated,DL4000]\n");
  const bad = kiln(["lint", "--config", "nope.yaml"], { cwd: join(dir, "cfg") });
  assert.is(bad.status, 2);
});

test("globs and several files; parse errors count", () => {
  write("g/a/Dockerfile", GOOD);
  write("g/b/Dockerfile", BAD);
  write("g/c/Dockerfile", "FROM alpine\nFOO bar\n");
  const r = kiln(["lint", "g/**/Dockerfile", "--format", "json"], { cwd: dir });
  assert.is(r.status, 1);
  const items = JSON.parse(r.stdout) as { file: string; ruleId: string; kind: string }[];
  assert.equal([...new Set(items.map((i) => i.file))], ["g/b/Dockerfile", "g/c/Dockerfile"]);
  assert.ok(items.some((i) => i.kind === "diagnostic" && i.ruleId === "unknown-instruction"));
  assert.is(kiln(["lint", "g/*/Nothing"], { cwd: dir }).status, 2);
});

test("--build-arg feeds resolution", () => {
  write("ba/Dockerfile", "ARG IMG\nFROM $IMG\n");
  assert.match(kiln(["lint", "ba/Dockerfile", "--format", "gnu"], { cwd: dir }).stdout, "InvalidDefaultArgInFrom");
  write("ba2/Dockerfile", "FROM scratch\nARG D=rel\nWORKDIR $D\n");
  assert.match(kiln(["lint", "ba2/Dockerfile", "--format", "gnu"], { cwd: dir }).stdout, 'Relative workdir "rel"');
  assert.is(kiln(["lint", "ba2/Dockerfile", "--build-arg", "D=/abs"], { cwd: dir }).status, 0);
});

test("stdin", () => {
  const r = kiln(["lint", "-f", "-", "--format", "gnu"], { cwd: dir, input: BAD });
  assert.match(r.stdout, "<stdin>:1:21: warning: Stage name 'Build' should be lowercase [StageNameCasing]");
});

test("--fix --dry-run prints a diff and writes nothing; --fix writes", () => {
  write("fx/Dockerfile", "from alpine:3.20 as b\nRUN x\nENV A 1\n");
  const dry = kiln(["lint", "fx/Dockerfile", "--fix", "--dry-run"], { cwd: dir });
  assert.is(dry.stdout, "--- a/fx/Dockerfile\n+++ b/fx/Dockerfile\n@@ -1,3 +1,3 @@\n-from alpine:3.20 as b\n+FROM alpine:3.20 AS b\n RUN x\n-ENV A 1\n+ENV A=1\n");
  assert.match(dry.stderr, "3 fixes would be applied");
  assert.is(readFileSync(join(dir, "fx/Dockerfile"), "utf8"), "from alpine:3.20 as b\nRUN x\nENV A 1\n");
  const real = kiln(["lint", "fx/Dockerfile", "--fix"], { cwd: dir });
  assert.is(readFileSync(join(dir, "fx/Dockerfile"), "utf8"), "FROM alpine:3.20 AS b\nRUN x\nENV A=1\n");
  assert.is(real.status, 0, real.stdout);
});

test("CopyIgnoredFile reads .dockerignore next to the Dockerfile", () => {
  write("ig/.dockerignore", "*.env\n");
  write("ig/Dockerfile", "FROM alpine:3.20\nCOPY app.env /\n");
  assert.is(kiln(["lint", "ig/Dockerfile"], { cwd: dir }).status, 0);
  const r = kiln(["lint", "ig/Dockerfile", "--enable", "CopyIgnoredFile", "--format", "gnu"], { cwd: dir });
  assert.match(r.stdout, 'Attempting to Copy file "app.env" that is excluded by .dockerignore');
});

test("--color forces ANSI colours", () => {
  assert.match(kiln(["lint", "bad/Dockerfile", "--color"], { cwd: dir }).stdout, "\x1b[");
});

test.run();
