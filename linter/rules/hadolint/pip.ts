/** pip invocations: `pip install`, `pip3.12 install`, `python3 -m pip install`, `uv pip install`. */
import type { OptionSpec, Word } from "../../shell/index.js";
import type { RunCommand } from "./helpers.js";

/** pip's options that take a value. */
export const PIP: OptionSpec = {
  shortWithValue: "rcetibf",
  longWithValue: [
    "requirement", "constraint", "editable", "target", "index-url", "extra-index-url", "find-links", "prefix", "root", "src",
    "upgrade-strategy", "platform", "python-version", "implementation", "abi", "trusted-host", "cache-dir", "progress-bar",
    "log", "proxy", "retries", "timeout", "exists-action", "cert", "client-cert", "only-binary", "no-binary",
    "config-settings", "global-option", "report", "build",
  ],
};

const PIP_NAME = /^pip(\d+(\.\d+)?)?$/;
const PYTHON_NAME = /^python(\d+(\.\d+)?)?$/;

/** The words after `install` when the command is a pip install, else null. */
export function pipInstall(c: RunCommand): readonly Word[] | null {
  // Once per command (two rules ask of every command): the same array each time, so parseArgs'
  // cache (per word array) holds across the rules too.
  const holder = c as RunCommand & { pip?: readonly Word[] | null };
  if (holder.pip !== undefined) return holder.pip;
  return (holder.pip = findPipInstall(c));
}

function findPipInstall(c: RunCommand): readonly Word[] | null {
  const argv = c.argv;
  let k = -1;
  const name = c.name;
  // Only names starting with "p" or "u" can be pip, python or uv: no regex for the others.
  const c0 = name === null ? 0 : name.charCodeAt(0);
  if (c0 !== 112 /* p */ && c0 !== 117 /* u */) return null;
  if (name !== null && PIP_NAME.test(name)) k = 1;
  else if (name !== null && PYTHON_NAME.test(name)) {
    const m = argv.findIndex((w, i) => i > 0 && w.value === "-m");
    if (m > 0 && argv[m + 1]?.value === "pip") k = m + 2;
  } else if (name === "uv" && argv[1]?.value === "pip") k = 2;
  if (k < 0) return null;
  // Skip pip's global options before the subcommand.
  while (k < argv.length && argv[k]!.value?.startsWith("-")) k++;
  if (argv[k]?.value !== "install") return null;
  return argv.slice(k + 1);
}
