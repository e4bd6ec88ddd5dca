// Options: getopt-style flag reading for lint rules. `hasFlag` takes flags as written ("-y",
// "--yes") or bare ("y", "yes"); short flags are found inside clusters (-qy).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { args, commands, flagValues, hasFlag, parseScript, subcommand, unwrap, type OptionSpec } from "../../../linter/shell/index.js";

const first = (script: string) => commands(parseScript(script))[0]!;

/** [command, flags asked, spec, expected] */
const flags: ReadonlyArray<readonly [string, readonly string[], OptionSpec, boolean]> = [
  ["apt-get install -y x", ["y", "yes"], {}, true],
  ["apt-get install -qy x", ["y"], {}, true],
  ["apt-get -yq install x", ["-y"], {}, true],
  ["apt-get install --yes x", ["y", "yes"], {}, true],
  ["apt-get install --assume-yes x", ["y", "yes", "assume-yes"], {}, true],
  ["apt-get install x", ["y", "yes"], {}, false],
  ["apt-get install yes", ["yes"], {}, false],
  ["apt-get install -q x", ["y"], {}, false],
  ["apt-get install --no-install-recommends x", ["--no-install-recommends"], {}, true],
  ["apt-get install --no-install-recommends=true x", ["no-install-recommends"], {}, true],
  ["apt-get install -- -y", ["y"], {}, false],
  ["apt-get -o Dpkg::Options::=--force-confnew install x", ["y"], { shortWithValue: "o" }, false],
  ["apt-get -oy install x", ["y"], { shortWithValue: "o" }, false],
  ["apt-get -oy install x", ["y"], {}, true],
  ["apt-get install $FLAGS x", ["y"], {}, false],
  [`apt-get install "-y" x`, ["y"], {}, true],
  ["pip install --no-cache-dir x", ["no-cache-dir"], {}, true],
  ["yum install -y x", ["-y"], {}, true],
  ["find . -name x", ["n"], { singleDashLong: true }, false],
  ["sudo -u app cmd -y", ["y"], { stopAtPositional: true, shortWithValue: "u" }, false],
];

for (const [script, asked, spec, expected] of flags) {
  test(`hasFlag(${JSON.stringify(script)}, ${asked.join("|")}) is ${expected}`, () => {
    assert.is(hasFlag(first(script), asked, spec), expected);
  });
}

/** [command, spec, positional arguments] */
const positional: ReadonlyArray<readonly [string, OptionSpec, readonly (string | null)[]]> = [
  ["apt-get install -y --no-install-recommends a=1.0 b", {}, ["install", "a=1.0", "b"]],
  ["apt-get -t bookworm-backports install x", { shortWithValue: "t" }, ["install", "x"]],
  ["apt-get --target-release bookworm install x", { longWithValue: ["target-release"] }, ["install", "x"]],
  ["apt-get --target-release=bookworm install x", {}, ["install", "x"]],
  ["pip install -r requirements.txt flask", { shortWithValue: "r" }, ["install", "flask"]],
  ["npm install -g -- -weird", {}, ["install", "-weird"]],
  ["apk add --no-cache $PKGS curl", {}, ["add", null, "curl"]],
  ["rm -rf -", {}, ["-"]],
];

for (const [script, spec, expected] of positional) {
  test(`args(${JSON.stringify(script)})`, () => {
    assert.equal(args(first(script), spec).map((w) => w.value), expected);
  });
}

test("subcommand skips options and their values", () => {
  assert.is(subcommand(first("apt-get -qq -o a=b install x"), { shortWithValue: "o" }), "install");
  assert.is(subcommand(first("apk --no-cache add x")), "add");
  assert.is(subcommand(first("apt-get")), null);
});

test("flagValues collects every value", () => {
  assert.equal(flagValues(first("apt-get -o a=1 -ob=2 --option=c install"), ["o", "option"], { shortWithValue: "o" }), ["a=1", "b=2", "c"]);
});

/** [command, the command that runs, wrappers] */
const wrapped: ReadonlyArray<readonly [string, string, readonly string[]]> = [
  ["sudo apt-get install -y x", "apt-get install -y x", ["sudo"]],
  ["sudo -u app -E apt-get update", "apt-get update", ["sudo"]],
  ["env DEBIAN_FRONTEND=noninteractive apt-get install x", "apt-get install x", ["env"]],
  ["sudo env A=1 nice -n 5 make -j4", "make -j4", ["sudo", "env", "nice"]],
  ["xargs -n1 rm -f", "rm -f", ["xargs"]],
  ["gosu app npm install", "npm install", ["gosu"]],
  ["timeout 10 curl x", "curl x", ["timeout"]],
  ["apt-get update", "apt-get update", []],
  // names of Object.prototype members are commands like any other, not wrappers
  ["constructor x", "constructor x", []],
  ["toString --help", "toString --help", []],
];

for (const [script, runs, wrappers] of wrapped) {
  test(`unwrap(${JSON.stringify(script)}) runs ${runs}`, () => {
    const u = unwrap(first(script));
    assert.is(u.argv.map((w) => w.value).join(" "), runs);
    assert.equal(u.wrappers, wrappers);
  });
}

test.run();
