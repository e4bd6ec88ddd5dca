/** The parser's contract, instruction by instruction and for the line pass. */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { parse, type Instruction, type SourceRange } from "../../parser/index.js";

function only<K extends Instruction["kind"]>(text: string, kind: K, index = -1): Extract<Instruction, { kind: K }> {
  const { dockerfile } = parse(text);
  const ins = dockerfile.instructions.at(index)!;
  assert.is(ins.kind, kind);
  return ins as Extract<Instruction, { kind: K }>;
}

function slice(text: string, r: SourceRange): string {
  return text.slice(r.start.offset, r.end.offset);
}

test("keywords are case-insensitive and keep their spelling", () => {
  const ins = only("fRoM busybox", "FROM");
  assert.is(ins.keyword, "fRoM");
});

test("FROM with platform and stage name", () => {
  const text = "FROM --platform=linux/arm64 alpine:3 AS Build";
  const ins = only(text, "FROM");
  assert.is(ins.platform, "linux/arm64");
  assert.is(ins.image?.text, "alpine:3");
  assert.is(ins.stageName?.text, "Build");
  assert.is(ins.asKeyword?.text, "AS");
  assert.is(slice(text, ins.stageName!.range), "Build");
});

test("RUN shell form joins continuations and keeps the range of every line", () => {
  const text = "FROM a\nRUN echo a \\\n  && echo b\nCMD x\n";
  const run = only(text, "RUN", 1);
  assert.equal(run.command, { form: "shell", text: "echo a   && echo b", range: run.command.range });
  assert.is(run.range.start.line, 2);
  assert.is(run.range.end.line, 3);
  assert.is(run.command.range.end.line, 3);
});

test("exec form needs a JSON array of strings; anything else is shell form", () => {
  assert.is(only('CMD ["a", "b"]', "CMD").command.form, "exec");
  assert.is(only("CMD ['a']", "CMD").command.form, "shell");
  assert.is(only('CMD ["a"] trailing', "CMD").command.form, "shell");
  const bad = parse("CMD [1]");
  assert.is(bad.diagnostics[0]?.code, "invalid-json");
});

test("RUN --mount options become typed mounts", () => {
  const run = only("RUN --mount=type=cache,target=/c,id=x,sharing=private,uid=1,gid=2,mode=0700 --mount=type=bind,from=b,src=/s,dst=/d,rw --mount=type=secret,id=t,env=TOKEN,required=true make", "RUN");
  const [cache, bind, secret] = run.mounts;
  assert.equal([cache!.type, cache!.target, cache!.id, cache!.sharing, cache!.uid, cache!.gid, cache!.mode, cache!.readonly], ["cache", "/c", "x", "private", "1", "2", "0700", false]);
  assert.equal([bind!.type, bind!.from, bind!.source, bind!.target, bind!.readonly], ["bind", "b", "/s", "/d", false]);
  assert.equal([secret!.type, secret!.id, secret!.env, secret!.required, secret!.target], ["secret", "t", "TOKEN", true, null]);
});

test("a bind mount is read-only unless rw; type defaults to bind", () => {
  const run = only("RUN --mount=target=/ctx ls", "RUN");
  assert.is(run.mounts[0]!.type, "bind");
  assert.is(run.mounts[0]!.readonly, true);
});

test("mount options are CSV; flag quotes are removed first, as BuildKit does", () => {
  assert.is(only('RUN --mount=type=secret,id=a,"target=/run/a,b" cat', "RUN").mounts[0]!.target, "/run/a");
  assert.is(only('RUN --mount=type=secret,id=a,\\"target=/run/a,b\\" cat', "RUN").mounts[0]!.target, "/run/a,b");
});

test("RUN --network and --security are lifted", () => {
  const run = only("RUN --network=none --security=insecure make", "RUN");
  assert.is(run.network, "none");
  assert.is(run.security, "insecure");
});

test("flags end at --", () => {
  const copy = only("COPY --link -- --odd /dst", "COPY");
  assert.is(copy.link, true);
  assert.equal(copy.sources.map((s) => s.text), ["--odd"]);
});

test("COPY flags are typed; --exclude repeats", () => {
  const copy = only("COPY --from=b --chown=1:2 --chmod=755 --link --parents --exclude=a --exclude=b x y /d/", "COPY");
  assert.equal(
    [copy.from, copy.chown, copy.chmod, copy.link, copy.parents, copy.exclude, copy.sources.map((s) => s.text), copy.destination?.text],
    ["b", "1:2", "755", true, true, ["a", "b"], ["x", "y"], "/d/"],
  );
});

test("ADD flags: checksum, keep-git-dir, unpack", () => {
  const add = only("ADD --checksum=sha256:abc --keep-git-dir --unpack=false u /d", "ADD");
  assert.equal([add.checksum, add.keepGitDir, add.unpack], ["sha256:abc", true, false]);
});

test("COPY shell form splits on blanks only, JSON form keeps spaces", () => {
  assert.equal(only('COPY ["a b", "/c d/"]', "COPY").sources.map((s) => s.text), ["a b"]);
  assert.equal(only("COPY a  b\t/c", "COPY").sources.map((s) => s.text), ["a", "b"]);
});

test("ENV and LABEL: key=value pairs keep quotes for later expansion; legacy form", () => {
  const env = only('ENV A=1 B="x y" C=a\\ b', "ENV");
  assert.equal(env.pairs.map((p) => [p.key, p.value, p.separator]), [["A", "1", "="], ["B", '"x y"', "="], ["C", "a\\ b", "="]]);
  const legacy = only("ENV PATH /usr/bin:/bin extra", "ENV");
  assert.equal(legacy.pairs.map((p) => [p.key, p.value, p.separator]), [["PATH", "/usr/bin:/bin extra", " "]]);
  const label = only('LABEL "com.example.k"="v 1"', "LABEL");
  assert.equal(label.pairs.map((p) => [p.key, p.value]), [['"com.example.k"', '"v 1"']]);
});

test("ARG with and without defaults", () => {
  const arg = only('ARG A B=1 C= D="x y"', "ARG");
  assert.equal(arg.args.map((a) => [a.name, a.defaultValue]), [["A", null], ["B", "1"], ["C", ""], ["D", '"x y"']]);
});

test("ONBUILD holds a nested instruction with its own ranges", () => {
  const text = "ONBUILD COPY --chown=1:1 . /app";
  const on = only(text, "ONBUILD");
  assert.is(on.trigger?.kind, "COPY");
  assert.is(slice(text, on.trigger!.keywordRange), "COPY");
  assert.is(slice(text, on.trigger!.flags[0]!.range), "--chown=1:1");
  for (const bad of ["ONBUILD ONBUILD RUN x", "ONBUILD FROM x", "ONBUILD MAINTAINER y"]) {
    assert.is(parse(bad).diagnostics[0]?.code, "invalid-onbuild", bad);
  }
});

test("HEALTHCHECK: NONE, CMD with options", () => {
  assert.is(only("HEALTHCHECK NONE", "HEALTHCHECK").command, null);
  const hc = only('HEALTHCHECK --interval=5s --timeout=3s --start-period=1m --start-interval=1s --retries=3 CMD ["true"]', "HEALTHCHECK");
  assert.equal([hc.interval, hc.timeout, hc.startPeriod, hc.startInterval, hc.retries, hc.command?.form], ["5s", "3s", "1m", "1s", "3", "exec"]);
});

test("SHELL accepts JSON only", () => {
  assert.equal(only('SHELL ["/bin/bash", "-c"]', "SHELL").shell, ["/bin/bash", "-c"]);
  assert.is(parse("SHELL /bin/sh -c").diagnostics[0]?.code, "invalid-json");
});

test("VOLUME in JSON or words; USER, WORKDIR, STOPSIGNAL keep the whole text", () => {
  assert.equal(only('VOLUME ["/a", "/b"]', "VOLUME").paths.map((p) => p.text), ["/a", "/b"]);
  assert.equal(only("VOLUME /a /b", "VOLUME").paths.map((p) => p.text), ["/a", "/b"]);
  assert.is(only("USER app:staff", "USER").user?.text, "app:staff");
  assert.is(only("WORKDIR /my dir", "WORKDIR").path?.text, "/my dir");
  assert.is(only("STOPSIGNAL SIGINT", "STOPSIGNAL").signal?.text, "SIGINT");
  assert.is(only("MAINTAINER A <a@b>", "MAINTAINER").name, "A <a@b>");
  assert.equal(only("EXPOSE 80 53/udp", "EXPOSE").ports.map((p) => p.text), ["80", "53/udp"]);
});

test("heredocs: content, chomp, quoting, several per instruction, file descriptors", () => {
  const text = 'RUN <<-A cat /dev/stdin /dev/fd/3 3<<"B"\n\tone $X\n\tA\ntwo $Y\nB\nCMD x\n';
  const { dockerfile, diagnostics } = parse(text);
  assert.equal(diagnostics, []);
  const [a, b] = dockerfile.instructions[0]!.heredocs;
  assert.equal([a!.name, a!.chomp, a!.expand, a!.fileDescriptor, a!.content], ["A", true, true, 0, "one $X\n"]);
  assert.equal([b!.name, b!.chomp, b!.expand, b!.fileDescriptor, b!.content], ["B", false, false, 3, "two $Y\n"]);
  assert.is(slice(text, a!.markerRange), "<<-A");
  assert.is(dockerfile.instructions[1]!.kind, "CMD");
  assert.is(dockerfile.instructions[0]!.range.end.line, 5);
});

test("COPY <<EOF /dest: the heredoc is a source", () => {
  const copy = only("COPY <<EOF /etc/x\nhello\nEOF\n", "COPY");
  assert.equal(copy.sources.map((s) => s.text), ["<<EOF"]);
  assert.is(copy.heredocs[0]!.content, "hello\n");
});

test("heredoc markers in exec form or other instructions are not heredocs", () => {
  assert.equal(only('RUN ["cat", "<<EOF"]', "RUN").heredocs, []);
  assert.equal(only("CMD cat <<EOF", "CMD").heredocs, []);
});

test("line ends: CRLF and lone CR give the same instructions as LF", () => {
  const lf = parse("FROM a\nRUN b \\\n c\nCMD d\n").dockerfile.instructions.map((i) => i.arguments.text);
  assert.equal(parse("FROM a\r\nRUN b \\\r\n c\r\nCMD d\r\n").dockerfile.instructions.map((i) => i.arguments.text), lf);
  assert.equal(parse("FROM a\rRUN b \\\r c\rCMD d\r").dockerfile.instructions.map((i) => i.arguments.text), lf);
});

test("a BOM is skipped and ranges still point into the original text", () => {
  const text = "\ufeffFROM a";
  const from = only(text, "FROM");
  assert.is(from.keywordRange.start.offset, 1);
  assert.is(slice(text, from.keywordRange), "FROM");
});

test("directives: only at the top, once each; the escape directive changes continuation", () => {
  const r = parse("# syntax=x\n# escape=`\n# check=skip=all\nFROM a\nRUN b `\n c\n# escape=\\\n");
  assert.equal(r.dockerfile.directives.map((d) => [d.name, d.value]), [["syntax", "x"], ["escape", "`"], ["check", "skip=all"]]);
  assert.is(r.dockerfile.escapeChar, "`");
  assert.is(r.dockerfile.instructions[1]!.arguments.text, "b  c");
  assert.is(r.dockerfile.comments.length, 1);
  assert.is(parse("# escape=`\n# escape=`\n").diagnostics[0]?.code, "duplicate-directive");
});

test("comments inside continuations are dropped; empty continuation lines warn", () => {
  const r = parse("RUN a \\\n# note\n\n  b\n");
  assert.is(r.dockerfile.instructions[0]!.arguments.text, "a   b");
  assert.equal(r.diagnostics.map((d) => [d.code, d.severity, d.range.start.line]), [["empty-continuation", "warning", 3]]);
  assert.equal(r.dockerfile.comments.map((c) => c.text), ["note"]);
});

test("unknown instructions and flags suggest the closest name", () => {
  const r = parse("FROM a\nCOPPY x y\nCOPY --chmwn=1 a b\n");
  assert.equal(r.diagnostics.map((d) => [d.code, d.hint]), [["unknown-instruction", "did you mean COPY?"], ["unknown-flag", "did you mean --chown?"]]);
});

test("every error of a file is reported in one pass", () => {
  const r = parse("FROM\nRUNN x\nCOPY a\nSHELL sh\nHEALTHCHECK FOO\n");
  assert.equal(r.diagnostics.map((d) => d.range.start.line), [1, 2, 3, 4, 5]);
});

test("parse never throws on hostile input", () => {
  for (const text of ["", "\\", "`", "# escape=`\n`", "RUN <<", "RUN <<EOF", "FROM a\nONBUILD", '"', "--", "RUN --", "RUN --mount=", "\r\r\n\n", "\u0000\u0001", "RUN \\\n".repeat(200)]) {
    parse(text);
  }
});

test.run();
