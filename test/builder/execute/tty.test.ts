/**
 * End-to-end `kiln build` on a real terminal: `script(1)` gives kiln a pseudo-terminal, so
 * `--progress auto` picks the live view. While a RUN is running, ora redraws its line with the
 * elapsed time and the last line of the step's output; finished steps stay above as `✔` lines;
 * a rebuild shows every step `CACHED`; a failing step is marked `✖` and the error keeps its
 * code frame. The full log of every step is still on disk.
 */
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import { kilnLauncher, repoRoot } from "../../bin/helpers.js";
import { BASE, cannotRun, makeRoot, rootTest, type BuildRoot } from "./helpers.js";

let r: BuildRoot;
test.before(() => {
  if (!cannotRun) r = makeRoot();
});
test.after(() => r?.cleanup());

/** Runs `kiln args` under a pseudo-terminal; returns the exit status and the raw terminal bytes. */
function onTerminal(args: readonly string[]): { status: number | null; screen: string } {
  const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const env: NodeJS.ProcessEnv = { ...process.env, KILN_ROOT: r.root, KILN_BUILD_LINT: "0", TERM: "xterm-256color", COLUMNS: "120" };
  for (const k of ["CI", "NO_COLOR", "FORCE_COLOR", "KILN_DEBUG", "SOURCE_DATE_EPOCH"]) delete env[k];
  // -e: script exits with the command's status; -q: no "Script started" banner
  const res = spawnSync("script", ["-qec", [kilnLauncher, ...args].map(quote).join(" "), "/dev/null"], {
    cwd: repoRoot,
    env,
    encoding: "utf8",
    timeout: 60_000,
  });
  if (res.error) throw res.error;
  return { status: res.status, screen: res.stdout };
}

/** The screen without colours and cursor movements. */
const plain = (screen: string) => screen.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, "").replace(/\r/g, "\n");

const hasScript = spawnSync("script", ["--version"]).status === 0;

rootTest("on a terminal the running step is redrawn with its elapsed time and last output line; done steps stay as ✔ lines", () => {
  if (!hasScript) return console.log("  (skipped: script(1) from util-linux is not installed)");
  const ctx = r.context({
    Dockerfile: `FROM ${BASE}\nCOPY hello.txt /hello.txt\nRUN echo tty-marker-one && sleep 1.2 && echo tty-marker-two && sleep 0.6\n`,
    "hello.txt": "hi\n",
  });
  const first = onTerminal(["build", "-t", "tty:one", ctx]);
  assert.is(first.status, 0, first.screen);
  // ora draws through cursor control sequences, which the plain view never writes
  assert.match(first.screen, /\x1b\[\?25l/, "the cursor is hidden while steps run (ora)");
  const text = plain(first.screen);
  assert.match(text, /✔ \[stage-0 2\/3\] COPY hello\.txt \/hello\.txt \d+\.\ds/);
  // the live line: the running RUN's title with its elapsed time, then its latest output line
  assert.match(text, /\[stage-0 3\/3\] RUN echo tty-marker-one.* \d+\.\ds\n\s+tty-marker-one/);
  assert.match(text, /\n\s+tty-marker-two/, "the last output line follows the step's output");
  assert.match(text, /✔ \[stage-0 3\/3\] RUN echo tty-marker-one.* [12]\.\ds/);
  assert.match(text, /writing image sha256:[0-9a-f]{64}/);
  assert.not.match(text, /^#\d+ /m, "no plain-progress lines on a terminal");

  // the full output is kept on disk even though the terminal only showed the last line
  const logs = join(r.root, "logs");
  assert.ok(existsSync(logs), "step logs are kept under KILN_ROOT/logs");
  const files = readdirSync(logs, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
  const bodies = files.map((e) => readFileSync(join(e.parentPath ?? e.path, e.name), "utf8"));
  assert.ok(bodies.some((b) => /tty-marker-one[\s\S]*tty-marker-two/.test(b)), "the RUN's whole output is in its log file");

  const again = onTerminal(["build", "-t", "tty:one", ctx]);
  assert.is(again.status, 0, again.screen);
  const cached = plain(again.screen);
  assert.match(cached, /✔ \[stage-0 2\/3\] COPY hello\.txt \/hello\.txt CACHED/);
  assert.match(cached, /✔ \[stage-0 3\/3\] RUN echo tty-marker-one.* CACHED/);
  assert.not.match(cached, /\n\s+tty-marker-one/, "a cached RUN does not run");
});

rootTest("on a terminal a failing step is marked ✖ and the error still shows the code frame, exit code and output", () => {
  if (!hasScript) return console.log("  (skipped: script(1) from util-linux is not installed)");
  const ctx = r.context({ Dockerfile: `FROM ${BASE}\nRUN echo about-to-fail && exit 7\n` });
  const res = onTerminal(["build", "-t", "tty:fail", ctx]);
  assert.is(res.status, 1, res.screen);
  const text = plain(res.screen);
  assert.match(text, /✖ \[stage-0 2\/2\] RUN echo about-to-fail && exit 7 \d+\.\ds/);
  assert.match(text, /exit code:? 7|exited with (code|status) 7/);
  assert.match(text, /about-to-fail/);
  assert.match(text, /Dockerfile:2/);
  assert.is(r.kiln(["inspect", "tty:fail"]).status, 1, "nothing tagged");
});

test.run();
