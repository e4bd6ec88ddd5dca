// Runs every uvu test file under dist/lib/test and ends with the line CI reads:
// "N passed, N failed". uvu's own summary is kept above it. The failures are repeated just
// before that line, so a CI log that keeps only its tail still names what failed and why.
import { spawn } from "node:child_process";

const args = ["node_modules/uvu/bin.js", "dist/lib/test", "\\.test\\.js$", ...process.argv.slice(2)];
const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "inherit"] });
let out = "";
child.stdout.on("data", (chunk) => { out += chunk; process.stdout.write(chunk); });
child.on("close", (code) => {
  const plain = out.replace(/\x1b\[[0-9;]*m/g, "");
  const total = Number(/Total:\s+(\d+)/.exec(plain)?.[1] ?? 0);
  const passed = Number(/Passed:\s+(\d+)/.exec(plain)?.[1] ?? 0);
  const skipped = Number(/Skipped:\s+(\d+)/.exec(plain)?.[1] ?? 0);
  let failed = total - passed - skipped;
  if (code !== 0 && failed === 0) failed = 1; // a crash before uvu's summary still counts as a failure
  const recap = failureRecap(plain);
  if (recap) process.stdout.write(`\n--- failures again (first lines of each)\n${recap}`);
  process.stdout.write(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}\n`);
  process.exit(code === 0 && failed === 0 ? 0 : 1);
});

/** Each uvu FAIL block with the test file it belongs to, cut to its first lines. */
function failureRecap(plain) {
  const LINES_PER_FAILURE = 14;
  const MAX_FAILURES = 12;
  const blocks = [];
  let file = "";
  let current = null;
  for (const line of plain.split("\n")) {
    if (/^\S.*\.test\.js$/.test(line)) { file = line; current = null; continue; }
    if (/^\s+FAIL\s/.test(line)) {
      current = [`${file}: ${line.trim()}`];
      blocks.push(current);
      continue;
    }
    if (!current || /node_modules\/uvu\//.test(line)) continue; // uvu's own frames say nothing
    if (current.length < LINES_PER_FAILURE && !/^\s+Total:/.test(line)) current.push(line);
    else current = null;
  }
  const shown = blocks.slice(0, MAX_FAILURES).map((b) => b.join("\n").trimEnd());
  if (blocks.length > MAX_FAILURES) shown.push(`… and ${blocks.length - MAX_FAILURES} more failures above`);
  return shown.length ? shown.join("\n\n") + "\n" : "";
}
