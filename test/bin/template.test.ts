/** The --format template engine against what Go's text/template prints for Docker's structs. */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { compileTemplate } from "../../bin/template.js";
import { ellipsis, humanDuration, humanSize, table } from "../../bin/format.js";
import { KilnError } from "../../util/errors.js";

const data = {
  Id: "sha256:abc",
  RepoTags: ["busybox:latest", "kiln.local/busybox:1"],
  Size: 2130000,
  Config: { Env: ["PATH=/bin", "A=1"], Cmd: ["sh"], Labels: { b: "2", a: "1", "org.x": "y" }, Volumes: null, Entrypoint: null, WorkingDir: "" },
  Nested: [{ n: 1 }, { n: 2 }],
};

const cases: [string, string][] = [
  ["{{.Id}}", "sha256:abc"],
  ["{{.Config.Env}}", "[PATH=/bin A=1]"],
  ["{{.Config.Labels}}", "map[a:1 b:2 org.x:y]"],
  ["{{.Config.Volumes}}", "map[]"],
  ["{{.Config.Entrypoint}}", "[]"],
  ["{{.Size}}", "2130000"],
  ["{{json .Config.Cmd}}", '["sh"]'],
  ["{{json .Config.Volumes}}", "null"],
  ["{{.Config.Cmd | json}}", '["sh"]'],
  ['{{index .Config.Labels "org.x"}}', "y"],
  ['{{index .Config.Labels "nope"}}', ""],
  ["{{index .RepoTags 1}}", "kiln.local/busybox:1"],
  ["{{range .RepoTags}}{{.}} {{end}}", "busybox:latest kiln.local/busybox:1 "],
  ["{{range $i, $t := .RepoTags}}{{$i}}={{$t}};{{end}}", "0=busybox:latest;1=kiln.local/busybox:1;"],
  ["{{range $k, $v := .Config.Labels}}{{$k}}:{{$v}},{{end}}", "a:1,b:2,org.x:y,"],
  ["{{range .Config.Volumes}}x{{else}}none{{end}}", "none"],
  ['{{join .Config.Env ","}}', "PATH=/bin,A=1"],
  ["{{len .RepoTags}}", "2"],
  ["{{if .Config.Entrypoint}}E{{else if .Config.Cmd}}C{{else}}-{{end}}", "C"],
  ["{{with .Config}}{{.Cmd}}{{end}}", "[sh]"],
  ["{{upper .Id}}", "SHA256:ABC"],
  ['{{printf "%s has %d tags" .Id (len .RepoTags)}}', "sha256:abc has 2 tags"],
  ["{{range .Nested}}{{.n}}{{end}}", "12"],
  ["a {{- .Id -}} b", "asha256:abcb"],
  ["{{/* a comment */}}x", "x"],
  ["{{.Missing}}", "<no value>"],
  ["{{.Config.WorkingDir}}|", "|"],
  ['{{eq .Id "sha256:abc"}}', "true"],
  ["{{json .}}", JSON.stringify(data)],
];

for (const [template, want] of cases) {
  test(`template ${template}`, () => {
    assert.is(compileTemplate(template)(data), want);
  });
}

test("template errors are KilnErrors", () => {
  for (const bad of ["{{.Id", "{{if .Id}}x", "{{end}}", "{{nosuchfunc .Id}}", '{{"unterminated}}']) {
    try {
      compileTemplate(bad)(data);
      assert.unreachable(bad);
    } catch (err) {
      assert.instance(err, KilnError, bad);
    }
  }
});

test("human sizes and durations match go-units", () => {
  assert.is(humanSize(0), "0B");
  assert.is(humanSize(999), "999B");
  assert.is(humanSize(1000), "1kB");
  assert.is(humanSize(2_130_000), "2.13MB");
  assert.is(humanSize(4_261_234), "4.26MB");
  assert.is(humanSize(1.5e9), "1.5GB");
  assert.is(humanDuration(500), "Less than a second");
  assert.is(humanDuration(1000), "1 second");
  assert.is(humanDuration(45_000), "45 seconds");
  assert.is(humanDuration(90_000), "About a minute");
  assert.is(humanDuration(30 * 60_000), "30 minutes");
  assert.is(humanDuration(65 * 60_000), "About an hour");
  assert.is(humanDuration(2 * 3_600_000), "2 hours");
  assert.is(humanDuration(3 * 86_400_000), "3 days");
  assert.is(humanDuration(21 * 86_400_000), "3 weeks");
  assert.is(humanDuration(90 * 86_400_000), "3 months");
  assert.is(humanDuration(3 * 365 * 86_400_000), "3 years");
  assert.is(ellipsis("x".repeat(50), 45), `${"x".repeat(44)}…`);
});

test("tables pad like Go's tabwriter (minwidth 10, padding 3)", () => {
  assert.is(table([["REPOSITORY", "TAG", "SIZE"], ["busybox", "latest", "2MB"]]), "REPOSITORY   TAG       SIZE\nbusybox      latest    2MB\n");
});

test.run();
