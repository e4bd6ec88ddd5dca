// Runs every uvu test file under dist/lib/test and ends with the line CI reads:
// "N passed, N failed". uvu's own summary is kept above it.
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
  process.stdout.write(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}\n`);
  process.exit(code === 0 && failed === 0 ? 0 : 1);
});
