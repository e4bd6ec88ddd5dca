/** COPY: sources, destination against WORKDIR, --from, --chown/--chmod, heredocs, history. */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { build, rejects } from "../helpers.js";
import type { CopyEffect } from "../../../builder/effects.js";
import { parseChmod, resolveDestination } from "../../../builder/handlers/files.js";

const copies = (b: { effects: { kind: string }[] }) => b.effects.filter((e) => e.kind === "copy") as CopyEffect[];

const destinations: [string, string, string][] = [
  ["/", "app/", "/app/"], ["/w", "app", "/w/app"], ["/w", ".", "/w/"], ["/w", "./", "/w/"], ["/w", "/abs/./x/", "/abs/x/"], ["/", ".", "/"], ["/w", "../x", "/x"],
];
for (const [wd, dest, want] of destinations) test(`destination ${dest} in ${wd} → ${want}`, () => assert.is(resolveDestination(wd, dest), want));

const modes: [string, unknown][] = [
  ["755", { kind: "octal", mode: 0o755 }], ["0644", { kind: "octal", mode: 0o644 }], ["7777", { kind: "octal", mode: 0o7777 }],
  ["u+x", { kind: "symbolic", text: "u+x" }], ["a=rwX,go-w", { kind: "symbolic", text: "a=rwX,go-w" }],
  ["17777", /between 0 and 07777/], ["789", /octal string and between/], ["u+q", /invalid chmod/],
];
for (const [text, want] of modes) {
  test(`--chmod=${text}`, () => {
    const got = parseChmod(text);
    if (want instanceof RegExp) assert.match(got as string, want);
    else assert.equal(got, want);
  });
}

test("sources and destination expanded; trailing slash kept; history uses the written destination", async () => {
  const b = await build("FROM scratch\nWORKDIR /app\nARG D=src\nCOPY --chown=1000:1000 --chmod=644 $D/*.go go.mod ./\n");
  const [c] = copies(b);
  assert.equal(c!.sources, [{ kind: "path", path: "src/*.go" }, { kind: "path", path: "go.mod" }]);
  assert.is(c!.destination, "/app/");
  assert.is(c!.chown, "1000:1000");
  assert.equal(c!.chmod, { kind: "octal", mode: 0o644 });
  assert.equal(c!.from, { kind: "context" });
  assert.is(c!.unpack, false);
  assert.is(c!.history.createdBy, "COPY --chown=1000:1000 --chmod=644 src/*.go go.mod ./ # buildkit");
});

test("--from names a stage (any case), an index, or an image; --parents, --link, --exclude", async () => {
  const b = await build("FROM scratch AS Build\nFROM scratch\nCOPY --from=build /a /a\nCOPY --from=0 /b /b\nCOPY --from=alpine:3 /etc/os-release /\nCOPY --parents --link --exclude=*.md ./x/./y /z/\n");
  const c = copies(b);
  assert.equal(c.map((e) => e.from), [
    { kind: "stage", index: 0, name: "build" }, { kind: "stage", index: 0, name: "build" }, { kind: "image", ref: "alpine:3" }, { kind: "context" },
  ]);
  assert.equal([c[3]!.parents, c[3]!.link, c[3]!.exclude], [true, true, ["*.md"]]);
  assert.is(c[3]!.history.createdBy, "COPY --parents ./x/./y /z/ # buildkit");
});

test("--from does not expand variables", async () => {
  await rejects(build("FROM scratch AS a\nFROM scratch\nARG S=a\nCOPY --from=$S /x /x\n"), "build-invalid-instruction", "variable expansion is not supported for --from");
});

test("heredoc files: expanded unless the delimiter is quoted, quotes left alone", async () => {
  const b = await build("FROM scratch\nARG N=kiln\nCOPY <<EOF <<'RAW' /etc/\nhello \"$N\"\nEOF\nraw $N\nRAW\n");
  const [c] = copies(b);
  assert.equal(c!.sources, [{ kind: "heredoc", name: "EOF", content: 'hello "kiln"\n' }, { kind: "heredoc", name: "RAW", content: "raw $N\n" }]);
  assert.is(c!.history.createdBy, "COPY <<EOF <<RAW /etc/ # buildkit");
});

test("URLs and git are ADD's", async () => {
  await rejects(build("FROM scratch\nCOPY https://example.com/a.txt /\n"), "build-invalid-instruction", "source can't be a URL for COPY");
  await rejects(build("FROM scratch\nCOPY git@github.com:o/r.git /\n"), "build-invalid-instruction", "source can't be a git ref for COPY");
});

test.run();
