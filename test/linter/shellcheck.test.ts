// --shellcheck: SC findings mapped back to Dockerfile positions. Runs only when a shellcheck
// binary is installed (CI installs it); otherwise the cases are skipped with a note.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { parse } from "../../parser/index.js";
import { DEFAULT_CONFIG, LintContext, mergeConfig } from "../../linter/index.js";
import { shellcheckAvailable, shellcheckRun } from "../../linter/shellcheck.js";
import { KilnError } from "../../util/errors.js";

function run(text: string, config = DEFAULT_CONFIG) {
  const { dockerfile, diagnostics } = parse(text);
  return shellcheckRun(new LintContext(text, dockerfile, diagnostics, { config }));
}

const where = (f: { ruleId: string; range: { start: { line: number; column: number }; end: { line: number; column: number } } }) =>
  `${f.ruleId}@${f.range.start.line}:${f.range.start.column}-${f.range.end.line}:${f.range.end.column}`;

if (!shellcheckAvailable()) {
  test.skip("shellcheck is not installed");
} else {
  test("findings point at the Dockerfile text, across continuation lines", () => {
    const found = run("FROM debian:12\nRUN apt-get update && \\\n    echo $1 && ls `pwd`\n").map(where);
    assert.ok(found.includes("SC2086@3:10-3:12"), found.join(" "));
    assert.ok(found.includes("SC2006@3:19-3:24"), found.join(" "));
  });

  test("heredoc scripts are checked, data heredocs are not", () => {
    const found = run("FROM debian:12\nRUN <<EOF\nset -e\nrm -rf $DIR/*\nEOF\nRUN cat <<EOF > /x.py\nprint($x)\nEOF\n").map(where);
    assert.ok(found.some((f) => f.startsWith("SC2115@4:")), found.join(" "));
    assert.ok(!found.some((f) => f.includes("@7:")), found.join(" "));
  });

  test("the dialect follows SHELL; non-POSIX shells are skipped", () => {
    const sh = run("FROM debian:12\nRUN [[ -f x ]] && echo y\n").map((f) => f.ruleId);
    assert.ok(sh.includes("SC3010"), sh.join(" "));
    const bash = run("FROM debian:12\nSHELL [\"/bin/bash\", \"-c\"]\nRUN [[ -f x ]] && echo y\n").map((f) => f.ruleId);
    assert.not.ok(bash.includes("SC3010"), bash.join(" "));
    assert.equal(run("FROM x\nSHELL [\"pwsh\", \"-c\"]\nRUN echo $x\n"), []);
  });

  test("pragmas and configuration apply", () => {
    const text = "FROM debian:12\n# hadolint ignore=SC2086\nRUN echo $1\nRUN echo $2\n";
    assert.equal(run(text).map((f) => `${f.ruleId}@${f.range.start.line}`), ["SC2086@4"]);
    assert.equal(run(text, mergeConfig(DEFAULT_CONFIG, { ignored: ["SC2086"] })), []);
    assert.equal(run(text, mergeConfig(DEFAULT_CONFIG, { override: { SC2086: "error" } })).map((f) => f.severity), ["error"]);
  });
}

test("a missing binary is a KilnError with exit status 2", () => {
  const { dockerfile, diagnostics } = parse("FROM debian:12\nRUN echo $1\n");
  const ctx = new LintContext("FROM debian:12\nRUN echo $1\n", dockerfile, diagnostics);
  try {
    shellcheckRun(ctx, { binary: "/nonexistent/shellcheck" });
    assert.unreachable("no error");
  } catch (e) {
    assert.instance(e, KilnError);
    assert.is((e as KilnError).code, "shellcheck-missing");
    assert.is((e as KilnError).exitCode, 2);
  }
});

test.run();
