// From Dockerfile instructions to scripts and back: exact offsets across continuation lines,
// comment lines, CRLF, the backtick escape and heredoc bodies; which heredoc bodies are shell;
// SHELL dialects and pipefail.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { LineIndex, parse, type Instruction, type RunInstruction } from "../../../parser/index.js";
import {
  commands, findCommands, logicalOffsets, pipefailFrom, shellDialect, shellHasPipefail, shellSources, parseScript,
} from "../../../linter/shell/index.js";
import { repoRoot } from "../../helpers/paths.js";

function runs(text: string): { index: LineIndex; runs: RunInstruction[]; escapeChar: "\\" | "`" } {
  const { dockerfile } = parse(text);
  const all: Instruction[] = [];
  for (const i of dockerfile.instructions) {
    all.push(i);
    if (i.kind === "ONBUILD" && i.trigger) all.push(i.trigger);
  }
  return { index: new LineIndex(text), runs: all.filter((i): i is RunInstruction => i.kind === "RUN"), escapeChar: dockerfile.escapeChar };
}

/** Every script character maps to the same character in the Dockerfile. */
function assertExact(text: string): void {
  const { index, runs: list, escapeChar } = runs(text);
  for (const run of list) {
    for (const src of shellSources(run, index, { escapeChar }).sources) {
      if (!src.exact) continue;
      const script = src.script.text;
      for (let k = 0; k < script.length; k++) {
        const o = src.offsets[k]!;
        if (script[k] === "\n") continue; // line ends (and the synthetic one after the command text)
        assert.is(text[o], script[k], `script[${k}] maps to ${o} in ${JSON.stringify(script)}`);
      }
    }
  }
}

/** [Dockerfile, a command name, its expected "line:column-line:column" range] */
const ranges: ReadonlyArray<readonly [string, string, string]> = [
  ["FROM a\nRUN apt-get update && apt-get install -y x\n", "install", "2:31-2:38"],
  ["FROM a\nRUN apt-get update \\\n && apt-get install -y x\n", "install", "3:13-3:20"],
  ["FROM a\nRUN apt-get update \\\n# a comment line\n\n && apt-get install -y x\n", "install", "5:13-5:20"],
  ["FROM a\r\nRUN a \\\r\n  b \\\r\n  install\r\n", "install", "4:3-4:10"],
  ["# escape=`\nFROM a\nRUN echo a `\n  install\n", "install", "4:3-4:10"],
  ["FROM a\nRUN --mount=type=cache,target=/x \\\n  install x\n", "install", "3:3-3:10"],
  ["FROM a\nRUN <<EOF\napt-get update\n  install x\nEOF\n", "install", "4:3-4:10"],
  ["FROM a\nRUN <<-EOF\n\t\tapt-get update\n\t\tinstall x\n\tEOF\n", "install", "4:3-4:10"],
  ["FROM a\nRUN bash <<EOF\nset -e\ninstall x\nEOF\n", "install", "4:1-4:8"],
  ["FROM a\nRUN cat <<EOF > /x && install y\nbody\nEOF\n", "install", "2:23-2:30"],
  ["FROM a\nONBUILD RUN make \\\n  install\n", "install", "3:3-3:10"],
];

const show = (r: { start: { line: number; column: number }; end: { line: number; column: number } }) =>
  `${r.start.line}:${r.start.column}-${r.end.line}:${r.end.column}`;

for (const [text, word, expected] of ranges) {
  test(`range of "${word}" in ${JSON.stringify(text)}`, () => {
    const { index, runs: list, escapeChar } = runs(text);
    const found: string[] = [];
    for (const run of list) {
      for (const src of shellSources(run, index, { escapeChar }).sources) {
        for (const c of commands(src.script)) {
          for (const w of c.argv) if (w.value === word) found.push(show(src.range(w)));
        }
      }
    }
    assert.equal(found, [expected]);
    assertExact(text);
  });
}

test("every fixture Dockerfile maps every script character exactly", () => {
  const dir = join(repoRoot, "fixtures", "dockerfiles");
  for (const name of readdirSync(dir)) {
    let text: string;
    try {
      text = readFileSync(join(dir, name, "Dockerfile"), "utf8");
    } catch {
      continue;
    }
    assertExact(text);
  }
});

test("logicalOffsets follows the parser's continuation rules", () => {
  const text = "RUN a \\\n   \n  # c\n b \\\\\nnext";
  const { dockerfile } = parse(text);
  const run = dockerfile.instructions[0] as RunInstruction;
  assert.is(run.command.form, "shell");
  if (run.command.form !== "shell") return;
  const map = logicalOffsets(text, run.command.range.start.offset, run.command.text.length);
  for (let k = 0; k < run.command.text.length; k++) assert.is(text[map[k]!], run.command.text[k]);
});

/** [Dockerfile RUN, heredoc shellness "name:shell|data:program"] */
const heredocs: ReadonlyArray<readonly [string, readonly string[]]> = [
  ["RUN <<EOF\napt-get update\nEOF", ["EOF:shell:-"]],
  ["RUN <<EOF\n#!/bin/bash\nset -e\nEOF", ["EOF:shell:bash"]],
  ["RUN <<EOF\n#!/usr/bin/env python3\nprint(1)\nEOF", ["EOF:data:python3"]],
  ["RUN python3 <<EOF\nimport os\nEOF", ["EOF:data:python3"]],
  ["RUN bash <<EOF\nset -e\nEOF", ["EOF:shell:bash"]],
  ["RUN sh -s -- arg <<EOF\necho\nEOF", ["EOF:shell:sh"]],
  ["RUN bash -c 'echo' <<EOF\ndata\nEOF", ["EOF:data:bash"]],
  ["RUN cat <<EOF > /etc/conf\nkey=value\nEOF", ["EOF:data:cat"]],
  ["RUN cat <<EOF | sh\necho hi\nEOF", ["EOF:shell:sh"]],
  ["RUN <<A cat && <<B python3\na\nA\nb\nB", ["A:data:cat", "B:data:python3"]],
  ["RUN cat <<A > a && bash <<B\na\nA\nb\nB", ["A:data:cat", "B:shell:bash"]],
];

for (const [line, expected] of heredocs) {
  test(`heredocs of ${JSON.stringify(line)}`, () => {
    const text = `FROM a\n${line}\n`;
    const { index, runs: list } = runs(text);
    const r = shellSources(list[0]!, index);
    assert.equal(r.heredocs.map((h) => `${h.heredoc.name}:${h.shell ? "shell" : "data"}:${h.program ?? "-"}`), expected);
    assert.is(r.sources.filter((s) => s.origin === "heredoc").length, expected.filter((e) => e.includes(":shell:")).length);
  });
}

test("heredoc bodies that are data are not parsed as commands", () => {
  const text = "FROM a\nRUN cat <<EOF > /x\nrm -rf /\nEOF\n";
  const { index, runs: list } = runs(text);
  const r = shellSources(list[0]!, index);
  assert.equal(r.sources.flatMap((s) => commands(s.script).map((c) => c.name)), ["cat"]);
});

test("exec form: sh -c scripts are parsed, other programs give no sources", () => {
  const text = `FROM a\nRUN ["/bin/sh", "-c", "apt-get update && apt-get install x"]\nRUN ["apt-get", "update"]\n`;
  const { index, runs: list } = runs(text);
  const a = shellSources(list[0]!, index);
  assert.equal(a.sources.flatMap((s) => commands(s.script).map((c) => c.name)), ["apt-get", "apt-get"]);
  assert.is(a.sources[0]!.exact, false);
  assert.is(show(a.sources[0]!.range({ start: 0, end: 3 })), "2:5-2:61");
  assert.equal(shellSources(list[1]!, index).sources, []);
});

test("a non-POSIX SHELL gives no sources", () => {
  const { index, runs: list } = runs("FROM a\nRUN Get-ChildItem | Select x\n");
  assert.equal(shellSources(list[0]!, index, { shell: ["pwsh", "-Command"] }).sources, []);
  assert.is(shellSources(list[0]!, index, { shell: ["/bin/bash", "-c"] }).sources.length, 1);
});

/** [SHELL array, dialect, pipefail] */
const shells: ReadonlyArray<readonly [readonly string[] | null, string, boolean]> = [
  [null, "sh", false],
  [["/bin/sh", "-c"], "sh", false],
  [["/bin/bash", "-c"], "bash", false],
  [["/bin/bash", "-o", "pipefail", "-c"], "bash", true],
  [["/bin/bash", "-eo", "pipefail", "-c"], "bash", true],
  [["/bin/bash", "-euxo", "pipefail", "-c"], "bash", true],
  [["bash", "-opipefail", "-c"], "bash", true],
  [["/bin/ash", "-eo", "pipefail", "-c"], "sh", true],
  [["/bin/zsh", "-o", "pipefail", "-c"], "bash", true],
  [["/bin/bash", "-c", "-o", "pipefail"], "bash", false],
  [["/bin/bash", "-o", "errexit", "-c"], "bash", false],
  [["pwsh", "-Command"], "other", false],
  [["cmd", "/S", "/C"], "other", false],
  [["/busybox", "sh", "-c"], "sh", false],
];

for (const [shell, dialect, pipefail] of shells) {
  test(`SHELL ${JSON.stringify(shell)}: ${dialect}, pipefail ${pipefail}`, () => {
    assert.is(shellDialect(shell), dialect);
    assert.is(shellHasPipefail(shell), pipefail);
  });
}

/** [script, pipefail is on from the end of this text, or null] */
const pipefail: ReadonlyArray<readonly [string, string | null]> = [
  ["set -o pipefail && curl x | sh", "set -o pipefail"],
  ["set -eux -o pipefail; curl x | sh", "set -eux -o pipefail"],
  ["set -euo pipefail\ncurl x | sh", "set -euo pipefail"],
  ["curl x | sh", null],
  ["(set -o pipefail) && curl x | sh", null],
  ["set -o pipefail || true", null],
  ["if x; then set -o pipefail; fi", "set -o pipefail"],
  ["set -o errexit", null],
];

for (const [script, until] of pipefail) {
  test(`pipefailFrom(${JSON.stringify(script)})`, () => {
    const s = parseScript(script);
    const at = pipefailFrom(s);
    assert.is(at === null ? null : script.slice(0, at).replace(/^.*?(set)/s, "$1"), until);
  });
}

test("a comment before a continuation swallows the joined lines, as the shell sees them", () => {
  const text = "FROM a\nRUN apt-get update # refresh \\\n    && rm -rf /var/lib/apt/lists/*\n";
  const { index, runs: list } = runs(text);
  const src = shellSources(list[0]!, index).sources[0]!;
  assert.equal(commands(src.script).map((c) => c.name), ["apt-get"]);
  assert.is(src.script.comments.length, 1);
  assert.is(show(src.range(src.script.comments[0]!)), "2:20-3:35");
});

test("findCommands sees commands in heredoc scripts", () => {
  const { index, runs: list } = runs("FROM a\nRUN <<EOF\nset -e\ncd /x\napt-get install -y y\nEOF\n");
  const src = shellSources(list[0]!, index).sources[0]!;
  assert.equal(findCommands(src.script, "cd").map((c) => show(src.range(c.command))), ["4:1-4:6"]);
});

test.run();
