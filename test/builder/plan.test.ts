/** Planning: global ARGs and FROM, the stage graph, target, skipped stages, levels, ONBUILD. */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { parse } from "../../parser/parse.js";
import { plan } from "../../builder/plan.js";
import { AMD64, build, createdBy, imageConfig, rejects } from "./helpers.js";

const p = (text: string, options: Parameters<typeof plan>[1] = {}) => plan(parse(text).dockerfile, { buildPlatform: AMD64, ...options });

test("global ARGs parameterise FROM (image and --platform); build args override defaults", async () => {
  const text = "ARG BASE=alpine\nARG TAG=3.${MINOR:-19}\nARG PLAT=linux/arm64\nFROM --platform=$PLAT ${BASE}:${TAG} AS app\n";
  const a = await p(text);
  assert.is(a.stages[0]!.image, "alpine:3.19");
  assert.equal(a.stages[0]!.platform, { os: "linux", architecture: "arm64" });
  const b = await p(text, { buildArgs: new Map([["TAG", "edge"], ["PLAT", "linux/arm/v7"]]) });
  assert.is(b.stages[0]!.image, "alpine:edge");
  assert.equal(b.stages[0]!.platform, { os: "linux", architecture: "arm", variant: "v7" });
});

test("automatic platform ARGs in the global scope; --platform=$BUILDPLATFORM", async () => {
  const a = await p("FROM --platform=$BUILDPLATFORM golang AS b\nFROM --platform=$TARGETPLATFORM scratch\n", { targetPlatform: { os: "linux", architecture: "arm64" } });
  assert.equal(a.stages.map((s) => s.platform), [AMD64, { os: "linux", architecture: "arm64" }]);
  assert.is(a.globalArgs.get("TARGETARCH"), "arm64");
  assert.is(a.globalArgs.get("BUILDPLATFORM"), "linux/amd64");
  assert.is(a.globalArgs.get("TARGETSTAGE"), "");
});

test("a build arg not declared globally is not visible to FROM", async () => {
  const a = await p("FROM img${SUFFIX}\n", { buildArgs: new Map([["SUFFIX", "-x"]]) });
  assert.is(a.stages[0]!.image, "img");
});

test("errors: blank base, bad platform, nothing but ARG before FROM", async () => {
  await rejects(p("ARG E\nFROM $E\n"), "build-invalid-base", "base name ($E) should not be blank");
  await rejects(p("ARG P\nFROM --platform=$P scratch\n"), "build-invalid-base", "empty platform value from expression $P");
  await rejects(p("ENV A=1\nFROM scratch\n"), "build-no-stages", "no build stage in current context");
});

test("stage graph: FROM <stage>, COPY --from, RUN --mount from=; names case-insensitive", async () => {
  const text = [
    "FROM alpine AS Base", "FROM scratch AS tools", "FROM base AS build", "COPY --from=TOOLS /t /t",
    "FROM scratch AS unused", "FROM build AS test", "RUN --mount=from=tools,target=/x true", "FROM scratch", "COPY --from=build /out /",
  ].join("\n");
  const a = await p(text);
  assert.equal(a.stages.map((s) => s.dependsOn), [[], [], [0, 1], [], [1, 2], [2]]);
  assert.is(a.target, 5);
  assert.equal(a.skipped, [3, 4]);
  assert.equal(a.order, [0, 1, 2, 5]);
  assert.equal(a.levels, [[0, 1], [2], [5]]);
  const t = await p(text, { target: "TEST" });
  assert.is(t.target, 4);
  assert.equal(t.levels, [[0, 1], [2], [4]]);
  assert.is(t.globalArgs.get("TARGETSTAGE"), "test");
});

test("unknown --target lists the stages", async () => {
  await rejects(p("FROM scratch AS a\nFROM scratch AS b\n", { target: "c" }), "build-unknown-target", 'target stage "c" could not be found (stages: a, b)');
});

test("references to later stages and cycles are errors at the instruction", async () => {
  const later = await rejects(p("FROM scratch AS a\nCOPY --from=b /x /x\nFROM scratch AS b\n", { target: "a" }), "build-stage-order", 'cannot copy from stage "b", it needs to be defined before current stage "a"');
  assert.equal((later.range as { start: { line: number } }).start.line, 2);
  await rejects(p("FROM scratch AS a\nCOPY --from=a /x /x\n"), "build-cycle", "circular dependency detected on stage: a");
  await rejects(p("FROM later\nFROM scratch AS later\n", { target: "later" }).then(() => p("FROM later\nFROM scratch AS later\n")), "build-stage-order", "defined later");
  await rejects(p("FROM scratch\nCOPY --from=7 /x /x\n"), "build-stage-order", "invalid stage index 7");
});

test("skipped stages are not checked for order (as BuildKit dispatches only needed stages)", async () => {
  const a = await p("FROM scratch AS a\nCOPY --from=b /x /x\nFROM scratch AS b\nFROM scratch AS final\n");
  assert.equal(a.order, [2]);
});

test("ONBUILD triggers of an image base run first, marked as triggers at the FROM line", async () => {
  const images = { base: imageConfig({ OnBuild: ["ENV FROM_TRIGGER=1", "COPY --from=assets /a /a"] }) };
  const b = await build("FROM scratch AS assets\nFROM base\nRUN true\n", { images });
  const ins = b.plan.stages[1]!.instructions;
  assert.equal(ins.map((i) => [i.instruction.kind, i.trigger?.text ?? null]), [["ENV", "ENV FROM_TRIGGER=1"], ["COPY", "COPY --from=assets /a /a"], ["RUN", null]]);
  assert.equal(ins[0]!.trigger!.fromRange, b.plan.stages[1]!.from.range);
  assert.equal(b.plan.stages[1]!.dependsOn, [0], "the trigger's COPY --from adds a dependency");
  assert.equal(b.plan.order, [0, 1]);
  assert.is(b.target.state.config.OnBuild, undefined, "triggers ran: OnBuild is cleared");
  assert.equal(createdBy(b), ["ENV FROM_TRIGGER=1", "COPY /a /a # buildkit", "RUN /bin/sh -c true # buildkit"]);
});

test("ONBUILD of a stage base: its own ONBUILD instructions run in the child, not in grandchildren", async () => {
  const b = await build("FROM scratch AS a\nONBUILD ENV T=1\nFROM a AS b\nONBUILD ENV U=2\nFROM b\n");
  const [, sb, sc] = b.plan.stages;
  assert.equal(sb!.instructions.map((i) => i.trigger?.text ?? null), ["ENV T=1", null]);
  assert.equal(sc!.instructions.map((i) => i.trigger?.text ?? null), ["ENV U=2"]);
  assert.equal(b.target.state.config.Env!.slice(1), ["T=1", "U=2"]);
  assert.is(b.results.get(1)!.state.config.OnBuild!.join(), "ENV U=2");
});

test("a failing trigger points at the FROM line and names the trigger", async () => {
  const err = await rejects(build("FROM base\n", { images: { base: imageConfig({ OnBuild: ["STOPSIGNAL NOPE"] }) } }), "build-invalid-instruction", 'in ONBUILD trigger "STOPSIGNAL NOPE"');
  assert.is(err.trigger, "STOPSIGNAL NOPE");
  assert.equal((err.range as { start: { line: number } }).start.line, 1);
  await rejects(build("FROM base\n", { images: { base: imageConfig({ OnBuild: ["FROM x"] }) } }), "build-invalid-trigger", "FROM isn't allowed as an ONBUILD trigger");
});

test("the base config callback is asked once per image and platform, only for needed stages", async () => {
  const asked: string[] = [];
  await p("FROM a AS one\nFROM a AS two\nFROM b AS skipped\nFROM one\nCOPY --from=two / /\n", {
    baseConfig: async (ref, platform) => {
      asked.push(`${ref} ${platform.architecture}`);
      return undefined;
    },
  });
  assert.equal(asked, ["a amd64"]);
});

test.run();
