/**
 * The executor: applies `dispatchAll(plan)`'s effects level by level (stages of one level run
 * concurrently), through the step cache, the runtime and the store, and writes the target
 * stage's image. See docs/builder.md.
 *
 * Per stage: FROM resolves the base (an image of the store, `scratch`, or an earlier stage's
 * result) and makes the first key; every layer-making effect (RUN, COPY/ADD, WORKDIR's mkdir)
 * gets `cacheKey(stepRecord(parent, effect, inputs))`; a cached result is reused (`CACHED`),
 * otherwise the effect runs and its result is stored under the key. Config-only effects add a
 * history entry. A miss changes the key, so only the following steps of that stage (and the
 * stages that read it) miss as well.
 *
 * Times: with SOURCE_DATE_EPOCH every new history entry, the image and tar mtimes (clamped)
 * use it; otherwise a step's history entry keeps the time its cached result was made, so a
 * fully cached rebuild gives the same image ID.
 */
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { createWriteStream, type WriteStream } from "node:fs";
import { PassThrough, Writable } from "node:stream";
import type { ImageRecord } from "../../cache/types.js";
import type { Digest } from "../../image/digest.js";
import type { Image } from "../../image/image.js";
import { formatPlatform, newImage } from "../../image/image.js";
import type { Layer } from "../../image/layer.js";
import type { TarEntry, TarOptions } from "../../image/tar.js";
import type { ContainerConfig, History, ImageConfig, Platform } from "../../image/types.js";
import { formatTimestamp } from "../../image/mutate.js";
import type { IgnoreMatcher } from "../../parser/dockerignore.js";
import type { SourceRange } from "../../parser/range.js";
import { existingChain, type Chain } from "../../runtime/chains.js";
import type { Snapshotter } from "../../runtime/snapshots.js";
import { KilnError } from "../../util/errors.js";
import { buildId as codeBuildId } from "../../util/build-id.js";
import { timingMark } from "../../util/timing.js";
import { cacheKey, explain, fromRecord, stepRecord, type StepExtras, type StepRecord } from "../cachekey.js";
import { loadIgnore } from "../context.js";
import { dispatchAll, type Step } from "../dispatch.js";
import type { Effect, SourceRef } from "../effects.js";
import { BuildCodes, BuildError } from "../errors.js";
import { hostPlatform } from "../platform.js";
import { parseCached } from "../parsed.js";
import { plan as makePlan, type PlannedStage } from "../plan.js";
import { StatCache, StepCache, type CachedResult, type LayerRef } from "./cache.js";
import { prepareCopy, type PreparedCopy } from "./copy.js";
import type { ExecEnv } from "./env.js";
import { StepError } from "./errors.js";
import { layerOf, putLayer } from "./layers.js";
import { mkdirEntries } from "./mkdir.js";
import { runInputs } from "./run-inputs.js";
import type { BuildEvent, BuildOptions, BuildResult } from "./types.js";
import { chainView, type RootView } from "./view.js";

export * from "./types.js";
export { StepError } from "./errors.js";
export { StepCache, StatCache } from "./cache.js";

interface StageOut {
  readonly key: string;
  readonly layers: readonly Layer[];
  readonly history: readonly History[];
  readonly platform: Platform;
  readonly lastCreated: string | undefined;
}

interface BaseImage {
  readonly record: ImageRecord;
  readonly image: Image;
  readonly config: ImageConfig;
}

const LOG_TAIL = 20;
/** COPY/ADD/WORKDIR layers whose file bodies add up to at most this are built in memory (image/tar.ts, tarBuffer). */
const SMALL_LAYER_BYTES = 1 << 20;

/** Collects a step's output: the full log on disk, events for progress, the last lines for errors. */
class StepLog extends Writable {
  private file: WriteStream | undefined;
  private partial = "";
  readonly tail: string[] = [];
  constructor(readonly path: string, private readonly onData: (data: string) => void) {
    super();
  }
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    if (!this.file) {
      mkdirSync(join(this.path, ".."), { recursive: true });
      this.file = createWriteStream(this.path);
    }
    this.file.write(chunk);
    const text = chunk.toString("utf8");
    this.onData(text);
    const lines = (this.partial + text).split("\n");
    this.partial = lines.pop() ?? "";
    for (const l of lines) {
      this.tail.push(l);
      if (this.tail.length > LOG_TAIL) this.tail.shift();
    }
    cb();
  }
  lastLines(): string[] {
    return this.partial !== "" ? [...this.tail, this.partial].slice(-LOG_TAIL) : [...this.tail];
  }
  async close(): Promise<void> {
    const f = this.file;
    if (f) await new Promise<void>((r) => f.end(() => r()));
  }
}

/** The first line of an instruction's source text, whitespace collapsed, for progress lines. */
function displayText(text: string, range: SourceRange): string {
  const raw = text.slice(range.start.offset, range.end.offset);
  const first = raw.split(/\r?\n|\r/)[0] ?? "";
  const clean = first.replace(/\\\s*$/, "").replace(/\s+/g, " ").trim();
  return clean.length > 120 ? `${clean.slice(0, 117)}...` : clean;
}

function keyOfRef(ref: SourceRef): string {
  return ref.kind === "stage" ? `stage:${ref.index}` : ref.kind === "image" ? `image:${ref.ref}` : ref.kind;
}

export async function build(options: BuildOptions): Promise<BuildResult> {
  const { store } = options;
  const emit = (e: BuildEvent) => options.onEvent?.(e);
  const text = options.dockerfileText;

  const mark = (what: string) => timingMark(what, options.env);
  mark("build start");
  // an unchanged Dockerfile comes from the parse cache, without loading the parser
  const parsed = await parseCached(text, { dir: join(store.paths.cache, "parsed"), id: codeBuildId() });
  mark("parsed");
  const parseErrors = parsed.diagnostics.filter((d) => d.severity === "error");
  const parseError = parseErrors[0];
  if (parseError) throw new BuildError(parseError.code, parseError.message, { range: parseError.range, diagnostics: parseErrors });

  const bases = new Map<string, Promise<BaseImage | undefined>>();
  const baseImage = (ref: string): Promise<BaseImage | undefined> => {
    let p = bases.get(ref);
    if (!p) {
      p = (async () => {
        const resolve = async (): Promise<ImageRecord | undefined> => {
          try {
            return await store.resolve(ref);
          } catch (e) {
            if ((e as KilnError).code === "image-not-found" || (e as KilnError).code === "invalid-reference") return undefined;
            throw e;
          }
        };
        const pull = options.pull;
        if (pull?.always) await pull.fetch(ref);
        let record = await resolve();
        if (!record && pull && !pull.always) {
          try {
            await pull.fetch(ref);
          } catch (e) {
            if (!(e instanceof KilnError)) throw e;
            throw new KilnError(e.code, `${ref} is not in the local store and pulling it failed: ${e.message} (or add it with kiln load or kiln import)`, { cause: e, exitCode: e.exitCode });
          }
          record = await resolve();
        }
        if (!record) return undefined;
        const image = await store.image(record);
        return { record, image, config: await image.config() };
      })();
      bases.set(ref, p);
    }
    return p;
  };

  const thePlan = await makePlan(parsed.dockerfile, {
    ...(options.buildArgs ? { buildArgs: options.buildArgs } : {}),
    ...(options.target ? { target: options.target } : {}),
    // a base that cannot be had fails at its FROM step (with the FROM's range), not here
    baseConfig: async (ref) => (await baseImage(ref).catch(() => undefined))?.config,
  });
  const results = dispatchAll(thePlan);
  mark("planned");

  const paths = store.paths;
  const epoch = options.sourceDateEpoch;
  const buildTime = epoch !== undefined ? new Date(epoch * 1000) : new Date();
  const tarOptions: TarOptions = epoch !== undefined ? { sourceDateEpoch: epoch } : {};
  const stepCache = new StepCache(paths.cache);
  const buildId = `${formatTimestamp(new Date()).replace(/[:]/g, "")}-${process.pid}`;
  const logDir = join(paths.logs, buildId);
  let tmpDir: string | undefined;
  let ignore: Promise<IgnoreMatcher> | undefined;
  let statCache: StatCache | undefined;
  let snapshotter: Promise<Snapshotter> | undefined;
  const chains = new Map<string, Promise<Chain>>();
  const outs = new Map<number, StageOut>();
  const views = new Map<string, Promise<RootView>>();

  const getSnapshotter = () =>
    (snapshotter ??= import("../../runtime/containers.js").then((rt) =>
      rt.openRuntime(paths.snapshots, options.snapshotter ?? "auto", (m) => emit({ type: "message", text: `warning: ${m}` })),
    ));
  // the runtime, tar writing and archives load only when a step runs (a cached build needs none)
  const prepareChain = async (layers: readonly Layer[]): Promise<Chain> => {
    const { chainIds } = await import("../../runtime/snapshots.js");
    const ids = chainIds(layers.map((l) => l.diffId));
    const top = ids[ids.length - 1] ?? "empty";
    let p = chains.get(top);
    if (!p) {
      p = getSnapshotter().then((snap) => snap.prepare(layers.map((l) => ({ diffId: l.diffId, digest: l.digest, open: () => l.open() }))));
      chains.set(top, p);
      p.catch(() => chains.delete(top));
    }
    return p;
  };

  const secrets = new Map((options.secrets ?? []).map((s) => [s.id, s]));
  const env: ExecEnv = {
    store,
    contextDir: options.contextDir,
    stepCache,
    get tmpDir() {
      if (!tmpDir) {
        tmpDir = store.tempPath("build");
        mkdirSync(tmpDir, { recursive: true });
      }
      return tmpDir;
    },
    snapshotsDir: paths.snapshots,
    epoch,
    now: buildTime,
    secrets,
    hostEnv: options.env ?? process.env,
    defaultNetwork: options.network === "none" ? "none" : "host",
    signal: options.signal,
    ignore: () => (ignore ??= loadIgnore(options.contextDir, options.dockerfilePath)),
    statCache: () => (statCache ??= new StatCache(paths.statcache, options.contextDir)),
    sourceKey: async (ref) => {
      if (ref.kind === "stage") return outs.get(ref.index)!.key;
      if (ref.kind === "image") {
        const b = await baseImage(ref.ref);
        if (!b) throw new KilnError("image-not-found", `image ${ref.ref} not found in the local store (add it with kiln pull, kiln load or kiln import)`);
        return b.record.digest;
      }
      return ref.kind;
    },
    sourceView: (ref) => {
      const k = keyOfRef(ref);
      let v = views.get(k);
      if (!v) {
        v = (async () => {
          if (ref.kind === "stage") return chainView(await prepareChain(outs.get(ref.index)!.layers));
          if (ref.kind === "image") {
            const b = await baseImage(ref.ref);
            if (!b) throw new KilnError("image-not-found", `image ${ref.ref} not found in the local store`);
            return chainView(await prepareChain(await b.image.layers()));
          }
          return chainView(null);
        })();
        views.set(k, v);
      }
      return v;
    },
  };

  // step ids, in plan order: FROM and every layer-making effect
  let nextId = 1;
  const fromIds = new Map<number, number>();
  const effectIds = new Map<Effect, number>();
  const totals = new Map<number, number>();
  for (const index of thePlan.order) {
    const r = results.get(index)!;
    fromIds.set(index, nextId++);
    let total = 1;
    for (const s of r.steps) for (const e of s.effects) if (e.kind !== "config") {
      effectIds.set(e, nextId++);
      total++;
    }
    totals.set(index, total);
  }

  const host = hostPlatform();
  const noCacheFilter = new Set((options.noCacheFilter ?? []).map((s) => s.toLowerCase()));
  let stepsRun = 0;
  let stepsCached = 0;
  const stepKeys: { key: string; stage: number }[] = [];

  const fail = (e: unknown, range: SourceRange | undefined, trigger: string | null, step: string): never => {
    if (e instanceof StepError || (e instanceof BuildError && e.range)) throw e;
    const k = e as KilnError;
    if (k instanceof KilnError) {
      throw new StepError(k.code, k.message, { ...(range ? { range } : {}), ...(trigger ? { trigger } : {}), step, cause: e, exitCode: k.exitCode });
    }
    throw e;
  };

  const runStage = async (index: number): Promise<void> => {
    const stage = thePlan.stages[index]!;
    const result = results.get(index)!;
    const total = totals.get(index)!;
    let position = 1;
    const label = (n: number) => `[${stage.label} ${n}/${total}]`;

    // FROM
    const fromId = fromIds.get(index)!;
    const fromText = `FROM ${stage.image}${stage.name ? ` AS ${stage.name}` : ""}`;
    const t0 = Date.now();
    emit({ type: "step-start", id: fromId, stage: stage.label, index: position, total, text: fromText, time: t0 });
    let layers: Layer[];
    let history: History[];
    let base: string;
    let lastCreated: string | undefined;
    try {
      if (stage.platform.os !== host.os || stage.platform.architecture !== host.architecture) {
        throw new StepError(
          "platform-unsupported",
          `FROM ${stage.image}: building for ${formatPlatform(stage.platform)} is not supported on this ${formatPlatform(host)} machine (kiln has no emulation)`,
          { range: stage.from.range },
        );
      }
      ({ layers, history, base, lastCreated } = await fromBase(stage));
    } catch (e) {
      emit({ type: "step-error", id: fromId, time: Date.now(), ms: Date.now() - t0, message: (e as Error).message });
      return fail(e, stage.from.range, null, `${label(1)} ${fromText}`);
    }
    let parent = cacheKey(fromRecord(stage.image, base, formatPlatform(stage.platform)));
    emit({ type: "step-done", id: fromId, time: Date.now(), ms: Date.now() - t0, layer: false });

    const noCache = options.noCache === true || noCacheFilter.has(stage.label) || (stage.name !== null && noCacheFilter.has(stage.name));
    let chain: Chain | null = null;
    // effects with a RUN after them in this stage (whose rootfs will hold their layer)
    const runAfter = new Set<Effect>();
    let seenRun = false;
    for (let s = result.steps.length - 1; s >= 0; s--) {
      const effects = result.steps[s]!.effects;
      for (let e = effects.length - 1; e >= 0; e--) {
        if (seenRun) runAfter.add(effects[e]!);
        if (effects[e]!.kind === "run") seenRun = true;
      }
    }
    for (const step of result.steps) {
      for (const effect of step.effects) {
        if (effect.kind === "config") {
          history.push(historyEntry(effect, lastCreated ?? formatTimestamp(buildTime), false));
          continue;
        }
        const id = effectIds.get(effect)!;
        position++;
        const shown = step.planned.trigger ? `ONBUILD ${step.planned.trigger.text}` : displayText(text, step.planned.instruction.range);
        const stepName = `${label(position)} ${shown}`;
        const started = Date.now();
        emit({ type: "step-start", id, stage: stage.label, index: position, total, text: shown, time: started });
        try {
          const keyed = await keyOf(step, effect, parent, id, !noCache);
          let { key, record } = keyed;
          const { prepared } = keyed;
          const where = `${stage.label}\n${step.planned.trigger?.text ?? text.slice(step.planned.instruction.range.start.offset, step.planned.instruction.range.end.offset)}`;
          let hit: CachedResult | undefined = noCache ? undefined : stepCache.get(key);
          if (hit?.layer && !(await store.hasBlob(hit.layer.digest as `sha256:${string}`))) hit = undefined;
          let layerRef: LayerRef | null;
          let created: string;
          if (hit) {
            emit({ type: "step-cached", id, time: Date.now() });
            layerRef = hit.layer;
            created = hit.created;
            stepsCached++;
          } else {
            if (!record) ({ key, record } = await keyed.full()); // a remembered key whose result is gone: the full record
            if (options.explainCache) {
              const prevKey = stepCache.lastKey(where);
              const prev = prevKey !== undefined && prevKey !== key ? stepCache.record(prevKey) : undefined;
              const lines = prev ? explain(prev, record) : noCache && prevKey === key ? ["cache disabled (--no-cache)"] : ["no earlier build of this step"];
              emit({ type: "explain", id, lines: lines.length > 0 ? lines : ["same inputs; the cached result is gone (pruned)"] });
            }
            // COPY and WORKDIR read the parent's files through a view: the snapshots already
            // unpacked do (no runtime to load); RUN, or a parent not unpacked yet, prepares the chain
            const existing = effect.kind !== "run" ? existingChain(paths.snapshots, layers.map((l) => l.diffId)) : undefined;
            const view = existing ? chainView(existing) : effect.kind !== "run" && layers.length === 0 ? chainView(null) : undefined;
            if (!view) chain ??= await prepareChain(layers);
            const ahead = runAfter.has(effect) ? (existing ?? chain ?? undefined) : undefined;
            layerRef = await applyEffect(effect, prepared, chain, view ?? chainView(chain), id, stepName, ahead);
            created = formatTimestamp(epoch !== undefined ? buildTime : new Date());
            stepCache.put({ key, layer: layerRef, created }, record);
            stepsRun++;
          }
          stepCache.setLastKey(where, key);
          stepKeys.push({ key, stage: index });
          parent = key;
          if (layerRef) {
            layers = [...layers, await layerOf(store, layerRef)];
            chain = null;
          }
          history.push(historyEntry(effect, created, layerRef !== null));
          lastCreated = created;
          emit({ type: "step-done", id, time: Date.now(), ms: Date.now() - started, layer: layerRef !== null });
        } catch (e) {
          emit({ type: "step-error", id, time: Date.now(), ms: Date.now() - started, message: (e as Error).message });
          if (options.signal?.aborted) throw new KilnError("canceled", "build canceled", { exitCode: 130 });
          fail(e, effect.range, step.planned.trigger?.text ?? null, stepName);
        }
      }
    }
    outs.set(index, { key: parent, layers, history, platform: stage.platform, lastCreated });
    mark(`stage ${stage.label} done`);
  };

  const fromBase = async (stage: PlannedStage): Promise<{ layers: Layer[]; history: History[]; base: string; lastCreated: string | undefined }> => {
    switch (stage.base.kind) {
      case "scratch":
        return { layers: [], history: [], base: "scratch", lastCreated: undefined };
      case "stage": {
        const out = outs.get(stage.base.index)!;
        return { layers: [...out.layers], history: [...out.history], base: out.key, lastCreated: out.lastCreated };
      }
      case "image": {
        const b = await baseImage(stage.base.ref);
        if (!b) {
          throw new StepError(
            "image-not-found",
            `FROM ${stage.base.ref}: no such image in the local store (add it with kiln pull, kiln load or kiln import)`,
            { range: stage.from.range },
          );
        }
        if (b.config.architecture !== stage.platform.architecture || b.config.os !== stage.platform.os) {
          throw new StepError(
            "platform-mismatch",
            `FROM ${stage.base.ref}: the image is for ${b.config.os}/${b.config.architecture}, not ${formatPlatform(stage.platform)}`,
            { range: stage.from.range },
          );
        }
        return { layers: await b.image.layers(), history: [...(b.config.history ?? [])], base: b.record.digest, lastCreated: b.config.created };
      }
    }
  };

  /**
   * A step's key and record. A COPY of context files whose stat fingerprint was seen before
   * with the same instruction and parent takes the key remembered for it (`memo`) when that key
   * still has a result: no file digests, no record of 20,000 files to serialise. The record is
   * then left out; `full()` makes it when it is needed after all.
   */
  const keyOf = async (step: Step, effect: Exclude<Effect, { kind: "config" }>, parent: string, id: number, useMemo: boolean) => {
    let prepared: PreparedCopy | undefined;
    const full = async (): Promise<{ key: string; record: StepRecord }> => {
      let extras: StepExtras = { used: step.used };
      if (prepared) extras = { ...extras, ...(await prepared.extras()) };
      else if (effect.kind === "run") extras = { ...extras, ...(await runInputs(effect, env)) };
      const record = stepRecord(parent, effect, extras)!;
      return { key: cacheKey(record), record };
    };
    if (effect.kind === "copy") {
      prepared = await prepareCopy(effect, env, id);
      if (prepared.fingerprint !== undefined) {
        const memo = `${cacheKey(stepRecord(parent, effect, { used: step.used })!)}\n${prepared.fingerprint}`;
        const remembered = useMemo ? stepCache.memo(memo) : undefined;
        if (remembered !== undefined && stepCache.get(remembered)) return { key: remembered, record: undefined as StepRecord | undefined, prepared, full };
        const made = await full();
        stepCache.setMemo(memo, made.key);
        return { ...made, prepared, full };
      }
    }
    return { ...(await full()), prepared, full };
  };

  /**
   * Writes a step's layer. A small one (a COPY of a few files, a WORKDIR) is made in memory: the
   * same bytes without tar-stream's streams and an event-loop turn per entry (~6 ms of a
   * one-file rebuild). With `ahead` (the parent chain, when a RUN later in the stage will need
   * this rootfs) the overlay snapshotter unpacks a big layer's tar bytes while the store takes
   * them, so that RUN does not read the layer back and unpack it after this step: on a
   * 20,000-file COPY the two overlap instead of running one after the other.
   */
  const layerFromEntries = async (entries: TarEntry[], what: string, ahead?: Chain): Promise<LayerRef | null> => {
    if (entries.length === 0) return null;
    const { createTar, tarBodyBytes, tarBuffer } = await import("../../image/tar.js");
    if (tarBodyBytes(entries) <= SMALL_LAYER_BYTES) return putLayer(store, await tarBuffer(entries, tarOptions), what);
    const tar = createTar(entries, tarOptions);
    const snap = ahead?.kind === "overlay" ? await getSnapshotter() : undefined;
    if (!ahead || !snap) return putLayer(store, tar, what);
    const toStore = new PassThrough({ highWaterMark: 1 << 20 });
    const toSnapshot = new PassThrough({ highWaterMark: 1 << 20 });
    tar.on("error", (err) => {
      toStore.destroy(err);
      toSnapshot.destroy(err);
    });
    tar.pipe(toStore);
    tar.pipe(toSnapshot);
    const stored = putLayer(store, toStore, what);
    const unpacked = snap.unpackAhead(ahead, toSnapshot, stored.then((r) => r.diffId as Digest));
    const ref = await stored.catch((err: unknown) => {
      toSnapshot.destroy(err as Error);
      throw err;
    });
    await unpacked;
    return ref;
  };

  const applyEffect = async (
    effect: Exclude<Effect, { kind: "config" }>,
    prepared: PreparedCopy | undefined,
    chain: Chain | null,
    view: RootView,
    id: number,
    stepName: string,
    ahead: Chain | undefined,
  ): Promise<LayerRef | null> => {
    switch (effect.kind) {
      case "copy":
        return layerFromEntries(await prepared!.apply(view), stepName, ahead);
      case "mkdir":
        return layerFromEntries(mkdirEntries(effect, view, buildTime), stepName);
      case "run": {
        const log = new StepLog(join(logDir, `${String(id).padStart(3, "0")}.log`), (data) => emit({ type: "step-log", id, stream: "stdout", data }));
        try {
          const { executeRun } = await import("./run.js");
          const outcome = await executeRun(effect, env, await getSnapshotter(), chain!, log, tarOptions, stepName);
          if (outcome.result.exitCode !== 0) {
            if (options.signal?.aborted) throw new KilnError("canceled", "build canceled", { exitCode: 130 });
            const why = outcome.result.execError ? `${outcome.result.execError}: ` : "";
            throw new StepError(
              "run-failed",
              `process "${effect.argv.join(" ")}" did not complete successfully: ${why}exit code: ${outcome.result.exitCode}`,
              { range: effect.range, processExitCode: outcome.result.exitCode, logTail: log.lastLines(), logFile: log.path, step: stepName },
            );
          }
          return outcome.layer;
        } finally {
          await log.close();
        }
      }
    }
  };

  try {
    for (const level of thePlan.levels) await Promise.all(level.map((i) => runStage(i)));

    const out = outs.get(thePlan.target)!;
    const state = results.get(thePlan.target)!.state;
    const config: ContainerConfig = JSON.parse(JSON.stringify(state.config)) as ContainerConfig;
    if (options.labels && Object.keys(options.labels).length > 0) config.Labels = { ...(config.Labels ?? {}), ...options.labels };
    const times = out.history.map((h) => h.created).filter((c): c is string => typeof c === "string").sort();
    const created = epoch !== undefined ? formatTimestamp(buildTime) : (times[times.length - 1] ?? formatTimestamp(buildTime));
    const imageConfig: ImageConfig = {
      created,
      architecture: out.platform.architecture,
      os: out.platform.os,
      ...(out.platform.variant ? { variant: out.platform.variant } : {}),
      ...(state.author !== undefined ? { author: state.author } : {}),
      config,
      rootfs: { type: "layers", diff_ids: out.layers.map((l) => l.diffId) },
      history: [...out.history],
    };
    const image = newImage({ config: imageConfig, layers: out.layers, format: "oci" });
    mark("steps");
    const record = (await existing(store, image, options.tags ?? [])) ?? (await store.writeImage(image, { names: [...(options.tags ?? [])] }));
    mark("image written");
    statCache?.save();
    const targetStages: number[] = [];
    for (let i: number | undefined = thePlan.target; i !== undefined; ) {
      targetStages.push(i);
      const base: PlannedStage["base"] = thePlan.stages[i]!.base;
      i = base.kind === "stage" ? base.index : undefined;
    }
    return { id: record.id, digest: record.digest, names: record.names.map(String), steps: stepsRun, cached: stepsCached, logDir, stepKeys, targetStages };
  } finally {
    statCache?.save();
    if (tmpDir) rmSync(tmpDir, { recursive: true, force: true });
  }
}

/** The store's record when this exact image is already there with every wanted name (a no-op rebuild writes nothing). */
async function existing(store: BuildOptions["store"], image: Image, tags: readonly string[]): Promise<ImageRecord | undefined> {
  const digest = await image.digest();
  // a new image (a rebuild with a change): resolve() would read every image's manifest
  // looking for an image ID equal to this digest
  if (!(await store.hasBlob(digest))) return undefined;
  let record: ImageRecord;
  try {
    record = await store.resolve(digest);
  } catch {
    return undefined;
  }
  if (record.digest !== digest) return undefined;
  const { parseTagName } = await import("../../cache/names.js");
  const have = new Set(record.names.map(String));
  for (const t of tags) {
    let name: string;
    try {
      name = String(parseTagName(t));
    } catch {
      return undefined;
    }
    if (!have.has(name)) return undefined;
  }
  return record;
}

function historyEntry(effect: Effect, created: string, layer: boolean): History {
  return {
    created,
    created_by: effect.history.createdBy,
    comment: effect.history.comment,
    ...(layer ? {} : { empty_layer: true }),
  };
}

export { BuildCodes };
