/**
 * The `kiln` binary end to end: spawned like a user would. Tests marked [parser] need the real
 * parser (parser/parse.ts, parser/dump.ts, parser/codeframe.ts).
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { spawnSync } from "node:child_process";
import { symlinkSync } from "node:fs";
import { kiln, kilnLauncher, repoRoot } from "./helpers.js";

const fixture = "fixtures/cli/Dockerfile";
const pkg = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as { version: string };

test("--version prints package.json's version", () => {
  const r = kiln(["--version"]);
  assert.is(r.status, 0, r.stderr);
  assert.is(r.stdout, `${pkg.version}\n`);
  assert.is(r.stderr, "");
});

test("the launcher works through a symlink (as npm installs it) and with NODE_EXTRA_CA_CERTS set", () => {
  const dir = mkdtempSync(join(tmpdir(), "kiln-launcher-"));
  try {
    const link = join(dir, "kiln");
    symlinkSync(kilnLauncher, link);
    const r = spawnSync(link, ["--version"], { encoding: "utf8", env: { ...process.env, NODE_EXTRA_CA_CERTS: "/nonexistent/ca.pem" } });
    assert.is(r.status, 0, r.stderr);
    assert.match(r.stdout, /^\d+\.\d+\.\d+/);
    // Node warns about an unreadable NODE_EXTRA_CA_CERTS at start-up; the launcher moved it aside.
    assert.not.match(r.stderr, /extra certs/i);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the launcher works by a relative path, by a bare name (sh kiln) and through a symlinked directory", () => {
  const dist = dirname(kilnLauncher);
  const dir = mkdtempSync(join(tmpdir(), "kiln-launcher-"));
  try {
    symlinkSync(dist, join(dir, "d"));
    for (const [cmd, args, cwd] of [
      [kilnLauncher, [], "/"],
      ["./kiln", [], dist],
      ["sh", ["kiln"], dist],
      ["d/kiln", [], dir],
    ] as const) {
      const r = spawnSync(cmd, [...args, "--version"], { encoding: "utf8", cwd });
      assert.is(r.status, 0, `${cmd} ${args.join(" ")} in ${cwd}: ${r.stderr}`);
      assert.match(r.stdout, /^\d+\.\d+\.\d+/);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("--help lists the commands and exits 0", () => {
  const r = kiln(["--help"]);
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /Usage: kiln <command>/);
  assert.match(r.stdout, /kiln parse\s+Parse a Dockerfile/);
  assert.match(r.stdout, /--version/);
});

test("parse --help shows the command's options", () => {
  const r = kiln(["parse", "--help"]);
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /-f, --file/);
  assert.match(r.stdout, /--format/);
  assert.match(r.stdout, /"json", "dump"/);
});

test("every command listed by --help answers its own --help with its usage, exit 0", () => {
  const commands = [...kiln(["--help"]).stdout.matchAll(/^  kiln (\w+)/gm)].map((m) => m[1]!);
  assert.ok(commands.length >= 20, commands.join(" "));
  for (const name of commands) {
    const r = kiln([name, "--help"]);
    assert.is(r.status, 0, `kiln ${name} --help: ${r.stderr}`);
    assert.match(r.stdout, new RegExp(`^kiln ${name}\\b`), `kiln ${name} --help prints its usage`);
  }
  // --help among run's own options (-h is --hostname there, as in docker)
  assert.is(kiln(["run", "--rm", "--help"]).status, 0);
});

test("no command: overview on stderr, exit 2", () => {
  const r = kiln([]);
  assert.is(r.status, 2);
  assert.is(r.stdout, "");
  assert.match(r.stderr, /Usage: kiln <command>/);
});

test("unknown command exits 2 and says so", () => {
  const r = kiln(["frobnicate"]);
  assert.is(r.status, 2);
  assert.match(r.stderr, /^kiln: unknown command: frobnicate\n/);
  assert.match(r.stderr, /kiln --help/);
});

test("a near-miss command gets a suggestion", () => {
  const r = kiln(["pars"]);
  assert.is(r.status, 2);
  assert.match(r.stderr, /did you mean parse\?/);
});

test("unknown option and bad choice exit 2", () => {
  const unknown = kiln(["parse", "--frobnicate"]);
  assert.is(unknown.status, 2);
  assert.match(unknown.stderr, /^kiln: .*frobnicate/);
  assert.match(unknown.stderr, /kiln parse --help/);
  const choice = kiln(["parse", "--format", "xml"]);
  assert.is(choice.status, 2);
  assert.match(choice.stderr, /xml/);
});

test("a missing file is an error naming the path (exit 1)", () => {
  const r = kiln(["parse", "-f", "no/such/Dockerfile.missing"]);
  assert.is(r.status, 1);
  assert.is(r.stdout, "");
  assert.match(r.stderr, /^kiln: cannot read no\/such\/Dockerfile\.missing/);
  assert.match(r.stderr, /no such file or directory/);
  assert.not.match(r.stderr, /internal error/);
});

test("without -f, ./Dockerfile is read (and named when missing)", () => {
  const dir = mkdtempSync(join(tmpdir(), "kiln-cli-"));
  try {
    const r = kiln(["parse"], { cwd: dir });
    assert.is(r.status, 1);
    assert.match(r.stderr, /^kiln: cannot read Dockerfile \(/);
    assert.match(r.stderr, /hint: /);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a directory is not a Dockerfile (exit 1, not an internal error)", () => {
  const r = kiln(["parse", "-f", "fixtures"]);
  assert.is(r.status, 1);
  assert.match(r.stderr, /^kiln: cannot read fixtures/);
  assert.match(r.stderr, /is a directory/);
});

// ---- [parser] these need the real parser ----

interface JsonOutput {
  dockerfile: { instructions: { kind: string; range: { start: { line: number } } }[] };
  diagnostics: { severity: string }[];
}

test("[parser] parse --format json prints { dockerfile, diagnostics } with ranges", () => {
  const r = kiln(["parse", "-f", fixture]);
  assert.is(r.status, 0, r.stderr);
  assert.ok(r.stdout.startsWith('{\n  "dockerfile": {'), "2-space JSON with dockerfile first");
  const out = JSON.parse(r.stdout) as JsonOutput;
  assert.equal(
    out.dockerfile.instructions.map((i) => i.kind),
    ["ARG", "FROM", "WORKDIR", "COPY", "RUN", "FROM", "COPY", "ENV", "EXPOSE", "USER", "CMD"],
  );
  assert.equal(out.dockerfile.instructions.map((i) => i.range.start.line), [2, 3, 4, 5, 6, 9, 10, 11, 12, 13, 14]);
  assert.equal(out.diagnostics, []);
});

test("[parser] parse --format dump prints the BuildKit S-expression", () => {
  const r = kiln(["parse", "-f", fixture, "--format", "dump"]);
  assert.is(r.status, 0, r.stderr);
  const lines = r.stdout.trimEnd().split("\n");
  assert.is(lines.length, 11, r.stdout);
  assert.match(lines[0]!, /^\(arg /i);
  assert.match(lines[1]!, /^\(from /i);
  assert.match(lines[10]!, /^\(cmd /i);
});

test("[parser] -f - reads standard input, same result as the file", () => {
  const text = readFileSync(join(repoRoot, fixture), "utf8");
  const fromStdin = kiln(["parse", "-f", "-"], { input: text });
  const fromFile = kiln(["parse", "-f", fixture]);
  assert.is(fromStdin.status, 0, fromStdin.stderr);
  assert.equal(JSON.parse(fromStdin.stdout), JSON.parse(fromFile.stdout));
  const dump = kiln(["parse", "-f", "-", "--format", "dump"], { input: text });
  assert.is(dump.stdout, kiln(["parse", "-f", fixture, "--format", "dump"]).stdout);
});

test("[parser] error diagnostics: AST still printed, code frame on stderr, exit 1", () => {
  const r = kiln(["parse", "-f", "-"], { input: "FROM alpine\nFRUM alpine\nRUN true\n" });
  assert.is(r.status, 1);
  const out = JSON.parse(r.stdout) as JsonOutput;
  assert.ok(out.diagnostics.some((d) => d.severity === "error"));
  assert.match(r.stderr, /FRUM/);
  assert.match(r.stderr, /<stdin>/);
  assert.not.match(r.stderr, /internal error/);
});

test.run();
