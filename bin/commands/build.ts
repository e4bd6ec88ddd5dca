/**
 * `kiln build [-t NAME:TAG]... [-f FILE|-] [--target S] [--build-arg K=V|K] [--label K=V]
 * [--no-cache] [--no-cache-filter S] [-q] [--iidfile F] [--progress auto|tty|plain|json]
 * [--secret id=..,src=..|env=..] [--network default|none|host] [--output type=oci|docker,dest=F]
 * [--explain-cache] [--check] CONTEXT|-`: builds a Dockerfile into an image of the store, with
 * no daemon (docs/builder.md). `-` as CONTEXT reads a tar of the context on standard input.
 *
 * `--check` runs `kiln lint`'s rules and builds nothing; an ordinary build prints the lint
 * warnings (one line each) first. A failing step prints the Dockerfile code frame of its
 * instruction, the exit code and the last lines of its output; nothing is tagged then.
 */
import { defineCommand } from "../command.js";
import type { Io } from "../io.js";
import type { RootArgs } from "../store.js";
import { streamOf } from "../stdio.js";
import { registryOptions, type RegistryArgs } from "../transfer.js";

export interface BuildArgs extends RootArgs, RegistryArgs {
  readonly context?: string;
  readonly tag: readonly string[];
  readonly file?: string;
  readonly target?: string;
  readonly "build-arg": readonly string[];
  readonly label: readonly string[];
  readonly "no-cache": boolean;
  readonly "no-cache-filter": readonly string[];
  readonly quiet: boolean;
  readonly iidfile?: string;
  readonly progress: "auto" | "tty" | "plain" | "json";
  readonly secret: readonly string[];
  readonly network: "default" | "none" | "host";
  readonly output?: string;
  readonly "explain-cache": boolean;
  readonly check: boolean;
  readonly snapshotter: "overlay" | "copy" | "auto";
  readonly pull: boolean;
  readonly push: boolean;
  readonly "cache-from": readonly string[];
  readonly "cache-to": readonly string[];
}

const list = (describe: string) => ({ type: "string" as const, array: true as const, nargs: 1, default: [] as string[], requiresArg: true, describe });

export const buildCommand = defineCommand<BuildArgs>({
  command: "build [context]",
  describe: "Build an image from a Dockerfile",
  builder: (yargs) =>
    registryOptions(yargs)
      // no yargs default: yargs hands a lone "-" over as "" (and would replace "" by a default)
      .positional("context", { type: "string", describe: "The build context directory (default .); - reads a tar of it from standard input" })
      .option("tag", { alias: "t", ...list("Name the image NAME[:TAG] (repeatable)") })
      .option("file", { alias: "f", type: "string", requiresArg: true, describe: "The Dockerfile (default CONTEXT/Dockerfile); - reads standard input" })
      .option("target", { type: "string", requiresArg: true, describe: "Build this stage (default: the last)" })
      .option("build-arg", list("Set a build argument K=V, or K to take the host's value"))
      .option("label", list("Add a label K=V to the image"))
      .option("no-cache", { type: "boolean", default: false, describe: "Do not use cached steps" })
      .option("no-cache-filter", list("Do not use cached steps of this stage (repeatable)"))
      .option("quiet", { alias: "q", type: "boolean", default: false, describe: "Print only the image ID" })
      .option("iidfile", { type: "string", requiresArg: true, describe: "Write the image ID to this file" })
      .option("progress", { type: "string", choices: ["auto", "tty", "plain", "json"] as const, default: "auto" as const, describe: "Progress output" })
      .option("secret", list("A secret for RUN --mount=type=secret: id=ID,src=FILE or id=ID,env=VAR"))
      .option("network", { type: "string", choices: ["default", "none", "host"] as const, default: "default" as const, describe: "Network of RUN steps (default: the host's)" })
      .option("output", { alias: "o", type: "string", requiresArg: true, describe: "Also export: type=oci|docker,dest=FILE" })
      .option("explain-cache", { type: "boolean", default: false, describe: "Say why each step missed the cache" })
      .option("check", { type: "boolean", default: false, describe: "Only run the lint checks on the Dockerfile; build nothing" })
      .option("snapshotter", { type: "string", choices: ["overlay", "copy", "auto"] as const, default: "auto" as const, describe: "Rootfs of RUN steps: overlayfs or a full copy" })
      .option("pull", { type: "boolean", default: false, describe: "Always check the registry for newer base images (FROM, COPY --from)" })
      .option("push", { type: "boolean", default: false, describe: "Push every -t name after the build" })
      .option("cache-from", list("Import build cache: type=registry,ref=REF or type=local,src=DIR (repeatable)"))
      .option("cache-to", list("Export build cache: type=registry,ref=REF[,mode=min|max] or type=local,dest=DIR[,mode=min|max]"))
      .example("$0 build -t app:1 .", "build ./Dockerfile with . as the context")
      .example("$0 build --cache-from type=registry,ref=reg/app:cache --cache-to type=registry,ref=reg/app:cache,mode=max -t reg/app:1 --push .", "CI: share step results through a registry")
      .example("$0 build -f ci/Dockerfile --target test --progress plain .", "a stage, CI-style output")
      .example("tar -c . | $0 build -t app -", "the context from standard input") as unknown as import("yargs").Argv<BuildArgs>,
  run: (args, io) => runBuild({ ...args, context: args.context === undefined ? "." : args.context === "" ? "-" : args.context }, io),
});

function keyValues(values: readonly string[], what: string, KilnError: new (c: string, m: string, o?: { exitCode?: number }) => Error, env?: NodeJS.ProcessEnv): Map<string, string> {
  const out = new Map<string, string>();
  for (const v of values) {
    const eq = v.indexOf("=");
    if (eq === 0) throw new KilnError("usage", `invalid ${what} ${JSON.stringify(v)}: expected K=V`, { exitCode: 2 });
    if (eq < 0) {
      if (!env) throw new KilnError("usage", `invalid ${what} ${JSON.stringify(v)}: expected K=V`, { exitCode: 2 });
      const hostValue = env[v];
      if (hostValue !== undefined) out.set(v, hostValue);
      continue;
    }
    out.set(v.slice(0, eq), v.slice(eq + 1));
  }
  return out;
}

function options(text: string): Map<string, string> {
  return new Map(text.split(",").map((p) => {
    const eq = p.indexOf("=");
    return eq < 0 ? [p.trim(), ""] : [p.slice(0, eq).trim(), p.slice(eq + 1)];
  }));
}

async function runBuild(args: BuildArgs & { readonly context: string }, io: Io): Promise<number> {
  const [{ KilnError }, fs, path, { timingMark }] = await Promise.all([import("../../util/errors.js"), import("node:fs"), import("node:path"), import("../../util/timing.js")]);
  timingMark("build command", io.env);
  if (args.context === "-" && args.file === "-") throw new KilnError("usage", "the context and the Dockerfile cannot both come from standard input", { exitCode: 2 });

  // the context (a directory, or a tar on stdin unpacked into a temp dir) and the Dockerfile
  let contextDir: string;
  let cleanup: (() => void) | undefined;
  if (args.context === "-") {
    contextDir = fs.mkdtempSync(path.join((await import("node:os")).tmpdir(), "kiln-context-"));
    cleanup = () => fs.rmSync(contextDir, { recursive: true, force: true });
    await untarStdin(io, contextDir);
  } else {
    contextDir = path.resolve(io.cwd, args.context);
    let st: import("node:fs").Stats;
    try {
      st = fs.statSync(contextDir);
    } catch {
      throw new KilnError("context-not-found", `build context ${args.context} not found`, { exitCode: 1 });
    }
    if (!st.isDirectory()) throw new KilnError("context-not-dir", `build context ${args.context} is not a directory`, { exitCode: 1 });
  }
  try {
    let dockerfileText: string;
    let dockerfileName: string;
    let dockerfilePath: string | undefined;
    if (args.file === "-") {
      const { readAll } = await import("../io.js");
      dockerfileText = await readAll(io.stdin);
      dockerfileName = "<stdin>";
    } else {
      dockerfilePath = args.file !== undefined ? (args.context === "-" ? path.resolve(contextDir, args.file) : path.resolve(io.cwd, args.file)) : path.join(contextDir, "Dockerfile");
      dockerfileName = args.file ?? path.relative(io.cwd, dockerfilePath) ?? "Dockerfile";
      try {
        dockerfileText = fs.readFileSync(dockerfilePath, "utf8");
      } catch {
        throw new KilnError("file-not-found", `cannot read the Dockerfile ${dockerfileName}: no such file (pass -f PATH)`, { exitCode: 1 });
      }
    }

    const buildArgs = keyValues(args["build-arg"], "--build-arg", KilnError, io.env);
    const color = (await import("../io.js")).wantsColor(io.stderr, io.env);

    if (args.check) {
      const { runLint } = await import("../../linter/run.js");
      const { readAll } = await import("../io.js");
      const result = await runLint({
        files: [dockerfilePath ?? "-"], cwd: io.cwd, format: "tty", buildArgs: [...buildArgs].map(([k, v]) => `${k}=${v}`),
        color: (await import("../io.js")).wantsColor(io.stdout, io.env), readStdin: async () => dockerfileText ?? (await readAll(io.stdin)),
      });
      io.stdout.write(result.stdout);
      io.stderr.write(result.stderr);
      return result.exitCode;
    }

    const labels = Object.fromEntries(keyValues(args.label, "--label", KilnError));
    const secrets = args.secret.map((s) => {
      const o = options(s);
      const id = o.get("id");
      if (!id) throw new KilnError("usage", `invalid --secret ${JSON.stringify(s)}: id= is required`, { exitCode: 2 });
      const src = o.get("src") ?? o.get("source");
      const envName = o.get("env");
      if (src === undefined && envName === undefined) {
        if (io.env[id] !== undefined) return { id, env: id };
        throw new KilnError("usage", `invalid --secret ${JSON.stringify(s)}: give src=FILE or env=VAR`, { exitCode: 2 });
      }
      return { id, ...(src !== undefined ? { src: path.resolve(io.cwd, src) } : {}), ...(envName !== undefined ? { env: envName } : {}) };
    });
    let output: { type: "oci" | "docker"; dest: string } | undefined;
    if (args.output !== undefined) {
      const o = options(args.output);
      const type = o.get("type") ?? "oci";
      const dest = o.get("dest");
      if ((type !== "oci" && type !== "docker") || !dest) throw new KilnError("usage", `invalid --output ${JSON.stringify(args.output)}: expected type=oci|docker,dest=FILE`, { exitCode: 2 });
      output = { type, dest: path.resolve(io.cwd, dest) };
    }
    // (image/tar.js brings the tar writer: loaded only when the variable is set)
    const epoch = io.env["SOURCE_DATE_EPOCH"] ? (await import("../../image/tar.js")).parseSourceDateEpoch(io.env["SOURCE_DATE_EPOCH"]) : undefined;

    const mode = args.quiet ? "quiet" : args.progress === "auto" ? (io.stderr.isTTY ? "tty" : "plain") : args.progress;
    const prog = await import("../build-progress.js");
    const progress =
      mode === "quiet" ? prog.quietProgress() : mode === "json" ? prog.jsonProgress(io.stderr) : mode === "tty" ? await prog.ttyProgress(streamOf(io.stderr) as never) : prog.plainProgress(io.stderr);

    if (mode !== "quiet" && mode !== "json") await printLintWarnings(dockerfileText, dockerfileName, buildArgs, args, io);

    const cacheFrom = args["cache-from"].map((c) => parseCacheSpec(c, "--cache-from", path.resolve, io.cwd, KilnError));
    const cacheTo = args["cache-to"].map((c) => parseCacheSpec(c, "--cache-to", path.resolve, io.cwd, KilnError));
    if (args.push && args.tag.length === 0) throw new KilnError("usage", "--push needs a name to push: add -t REGISTRY/REPO:TAG", { exitCode: 2 });

    const { withStore } = await import("../store.js");
    const abort = new AbortController();
    const onSignal = () => abort.abort();
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
    try {
      return await withStore(args, io, async (store) => {
        timingMark("store open", io.env);
        const { build } = await import("../../builder/execute.js");
        const started = Date.now();
        const registry = new Registry(args, io, (text) => progress.onEvent({ type: "message", text }));
        let result;
        try {
          for (const c of cacheFrom) {
            // as BuildKit does: a cache that cannot be read costs time, not the build
            await registry.importCache(store, c).catch((err: Error) => progress.onEvent({ type: "message", text: `warning: cache from ${c.ref ?? c.dir} not imported: ${err.message}` }));
          }
          result = await build({
            pull: { always: args.pull, fetch: (ref) => registry.pull(store, ref) },
            store, contextDir, dockerfileText, dockerfileName, ...(dockerfilePath ? { dockerfilePath } : {}),
            tags: args.tag, ...(args.target ? { target: args.target } : {}), buildArgs, labels,
            noCache: args["no-cache"], noCacheFilter: args["no-cache-filter"], secrets, network: args.network,
            ...(epoch !== undefined ? { sourceDateEpoch: epoch } : {}), snapshotter: args.snapshotter,
            explainCache: args["explain-cache"], signal: abort.signal, onEvent: progress.onEvent, env: io.env,
          });
        } catch (err) {
          registry.close();
          progress.stop();
          return reportFailure(err, dockerfileText, dockerfileName, io, color);
        }
        try {
          for (const c of cacheTo) await registry.exportCache(store, c, result);
          if (args.push) for (const n of result.names) await registry.push(store, n);
        } finally {
          registry.close();
        }
        if (output) {
          progress.line(`exporting to ${output.type} ${output.dest}`);
          await exportImage(store, result.id, args.tag, output, epoch);
        }
        progress.line(`writing image ${result.id} DONE ${((Date.now() - started) / 1000).toFixed(1)}s`);
        for (const n of result.names) progress.line(`naming to ${n} done`);
        progress.stop();
        if (args.iidfile) fs.writeFileSync(path.resolve(io.cwd, args.iidfile), result.id);
        if (args.quiet) io.stdout.write(`${result.id}\n`);
        return 0;
      });
    } finally {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
      progress.stop();
    }
  } finally {
    cleanup?.();
  }
}

interface CacheSpec {
  readonly type: "registry" | "local";
  readonly ref?: string;
  readonly dir?: string;
  readonly mode: "min" | "max";
  readonly text: string;
}

/** `type=registry,ref=R[,mode=min|max]`, `type=local,dest=DIR` (export) / `type=local,src=DIR` (import). */
function parseCacheSpec(
  text: string,
  flag: "--cache-from" | "--cache-to",
  resolve: (...p: string[]) => string,
  cwd: string,
  KilnError: new (c: string, m: string, o?: { exitCode?: number }) => Error,
): CacheSpec {
  const o = options(text);
  // a bare reference means type=registry, as in docker
  if (!text.includes("=")) return { type: "registry", ref: text, mode: "min", text };
  const type = o.get("type") ?? "registry";
  const mode = o.get("mode") ?? "min";
  const bad = (why: string) => new KilnError("usage", `invalid ${flag} ${JSON.stringify(text)}: ${why}`, { exitCode: 2 });
  if (mode !== "min" && mode !== "max") throw bad("mode must be min or max");
  if (type === "registry") {
    const ref = o.get("ref");
    if (!ref) throw bad("type=registry needs ref=REGISTRY/REPO:TAG");
    return { type, ref, mode, text };
  }
  if (type === "local") {
    const dir = o.get(flag === "--cache-to" ? "dest" : "src");
    if (!dir) throw bad(flag === "--cache-to" ? "type=local needs dest=DIR" : "type=local needs src=DIR");
    return { type, dir: resolve(cwd, dir), mode, text };
  }
  throw bad(`unknown type ${JSON.stringify(type)} (registry or local)`);
}

/** The registry side of a build: pulls of base images, cache import/export, --push. Opened on first use. */
class Registry {
  private client: import("../../registry/client.js").RegistryClient | undefined;
  private module: typeof import("../../registry/index.js") | undefined;
  private readonly pulled = new Map<string, Promise<void>>();

  constructor(private readonly args: BuildArgs, private readonly io: Io, private readonly say: (text: string) => void) {}

  private async open() {
    this.module ??= await import("../../registry/index.js");
    if (!this.client) {
      const { clientOptions } = await import("../transfer.js");
      this.client = new this.module.RegistryClient(clientOptions(this.args, this.io.env, this.io.cwd));
    }
    return { registry: this.module, client: this.client };
  }

  close(): void {
    this.client?.close();
  }

  /** Pulls `ref` once per build (FROM and COPY --from of the same image share it). */
  pull(store: import("../../cache/types.js").ImageStore, ref: string): Promise<void> {
    let p = this.pulled.get(ref);
    if (!p) {
      p = (async () => {
        const image = await import("../../image/reference.js");
        // --pull checks registries; a kiln.local name has none, so the local image is current
        if (this.args.pull && image.isLocalOnlyDomain(image.parseReference(ref).domain)) {
          this.say(`${ref} is a local-only name: not pulled`);
          return;
        }
        const { registry, client } = await this.open();
        this.say(`pulling ${ref}`);
        const r = await registry.pullImage(client, store, ref);
        this.say(`pulled ${ref}: ${r.upToDate ? "image is up to date" : "downloaded newer image"} (${r.digest})`);
      })();
      this.pulled.set(ref, p);
    }
    return p;
  }

  private location(spec: CacheSpec, image: typeof import("../../image/index.js")): import("../../registry/cache.js").CacheLocation {
    return spec.type === "registry" ? { type: "registry", ref: image.parseReference(spec.ref!) } : { type: "local", dir: spec.dir! };
  }

  async importCache(store: import("../../cache/types.js").ImageStore, spec: CacheSpec): Promise<void> {
    const [{ registry, client }, image, { StepCache }] = await Promise.all([this.open(), import("../../image/index.js"), import("../../builder/executor/cache.js")]);
    const where = spec.ref ?? spec.dir!;
    this.say(`importing cache from ${where}`);
    const got = await registry.importCache(store, this.location(spec, image), { client });
    if (!got) {
      this.say(`no cache at ${where} yet`);
      return;
    }
    const steps = new StepCache(store.paths.cache);
    let added = 0;
    for (const e of got.entries) {
      if (steps.get(e.key)) continue;
      steps.put({ key: e.key, layer: e.layer, created: e.created }, e.record as never);
      added++;
    }
    this.say(`imported cache from ${where}: ${got.entries.length} steps (${added} new), ${got.fetched} of ${got.layers} layers fetched`);
  }

  async exportCache(
    store: import("../../cache/types.js").ImageStore,
    spec: CacheSpec,
    result: { stepKeys: readonly { key: string; stage: number }[]; targetStages: readonly number[] },
  ): Promise<void> {
    const [{ registry, client }, image, { StepCache }] = await Promise.all([this.open(), import("../../image/index.js"), import("../../builder/executor/cache.js")]);
    const steps = new StepCache(store.paths.cache);
    const wanted = result.stepKeys.filter((k) => spec.mode === "max" || result.targetStages.includes(k.stage));
    const seen = new Set<string>();
    const entries = [];
    for (const { key } of wanted) {
      if (seen.has(key)) continue;
      seen.add(key);
      const hit = steps.get(key);
      const record = hit && steps.record(key);
      if (hit && record) entries.push({ key: hit.key, layer: hit.layer, created: hit.created, record });
    }
    const where = spec.ref ?? spec.dir!;
    this.say(`exporting cache to ${where} (mode=${spec.mode})`);
    const out = await registry.exportCache(store, entries, this.location(spec, image), { client, mode: spec.mode });
    this.say(`exported cache to ${where}: ${out.entries} steps, ${out.layers} layers, ${out.digest}`);
  }

  async push(store: import("../../cache/types.js").ImageStore, name: string): Promise<void> {
    const { registry, client } = await this.open();
    this.say(`pushing ${name}`);
    const r = await registry.pushFromStore(client, store, name);
    this.say(`pushed ${name}: digest: ${r.digest} size: ${r.size}`);
  }
}

/** The lint findings (warnings and errors), one line each, before a build; KILN_BUILD_LINT=0 skips them. */
async function printLintWarnings(text: string, file: string, buildArgs: Map<string, string>, args: RootArgs, io: Io): Promise<void> {
  if (io.env["KILN_BUILD_LINT"] === "0") return;
  try {
    // the lines come from the lint cache when this kiln already linted the same inputs, so an
    // unchanged Dockerfile does not load the linter (builder/parsed.ts)
    const [{ cachedDerived }, { defaultRoot, storePaths }, { buildId }, path] = await Promise.all([
      import("../../builder/parsed.js"), import("../../cache/paths.js"), import("../../util/build-id.js"), import("node:path"),
    ]);
    const dir = path.join(storePaths(defaultRoot({ explicit: args.root, env: io.env, cwd: io.cwd })).cache, "lint");
    const argsText = JSON.stringify([...buildArgs].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    const isLines = (v: unknown): v is string[] => Array.isArray(v) && v.every((l) => typeof l === "string");
    const lines = await cachedDerived({ dir, id: buildId() }, [text, file, argsText], isLines, () => lintLines(text, file, buildArgs));
    for (const l of lines) io.stderr.write(`${l}\n`);
  } catch {
    // linting never stops a build
  }
}

async function lintLines(text: string, file: string, buildArgs: Map<string, string>): Promise<string[]> {
  const { lint } = await import("../../linter/lint.js");
  const result = lint(text, { file, buildArgs: Object.fromEntries(buildArgs) });
  return result.findings
    .filter((f) => f.severity === "error" || f.severity === "warning")
    .map((f) => `warning: ${file}:${f.range.start.line}: ${f.message} (${f.ruleId})`);
}

async function reportFailure(err: unknown, text: string, file: string, io: Io, color: boolean): Promise<number> {
  const { KilnError } = await import("../../util/errors.js");
  const e = err as { diagnostics?: readonly import("../../parser/diagnostics.js").Diagnostic[]; range?: import("../../parser/range.js").SourceRange; trigger?: string; processExitCode?: number; logTail?: readonly string[]; logFile?: string; code?: string; message?: string; exitCode?: number; step?: string };
  if (!(err instanceof Error) || !(err instanceof KilnError || (err as Error).name === "StepError" || (err as Error).name === "BuildError")) throw err;
  if (e.code === "canceled") {
    io.stderr.write("kiln: build canceled\n");
    return 130;
  }
  const out: string[] = [];
  if (e.diagnostics && e.diagnostics.length > 0) {
    // a Dockerfile that does not parse: every error at once, with its "did you mean" hint
    const { renderDiagnostic } = await import("../../parser/codeframe.js");
    for (const d of e.diagnostics) out.push(renderDiagnostic(text, d, { file, color }));
  } else if (e.range) {
    const { renderDiagnostic } = await import("../../parser/codeframe.js");
    out.push(renderDiagnostic(text, { code: e.code ?? "build", severity: "error", message: e.message ?? "build failed", range: e.range, ...(e.trigger ? { hint: `in ONBUILD trigger: ${e.trigger}` } : {}) }, { file, color }));
  } else {
    out.push(`error: ${e.message}`);
  }
  if (e.processExitCode !== undefined) out.push(`exit code: ${e.processExitCode}`);
  if (e.logTail && e.logTail.length > 0) {
    out.push("last lines of its output:");
    for (const l of e.logTail) out.push(`  ${l}`);
  }
  if (e.logFile) out.push(`full log: ${e.logFile}`);
  io.stderr.write(`${out.join("\n")}\n`);
  return e.exitCode && e.exitCode > 0 && e.exitCode < 256 ? e.exitCode : 1;
}

async function untarStdin(io: Io, dir: string): Promise<void> {
  const { spawn } = await import("node:child_process");
  const { KilnError } = await import("../../util/errors.js");
  await new Promise<void>((resolve, reject) => {
    const child = spawn("tar", ["-x", "--no-same-owner", "-C", dir], { stdio: ["pipe", "ignore", "pipe"] });
    let err = "";
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.on("error", (e) => reject(new KilnError("context-unreadable", `reading the context tar needs tar: ${e.message}`)));
    child.on("close", (code) => (code === 0 ? resolve() : reject(new KilnError("context-unreadable", `the context on standard input is not a tar: ${err.trim()}`))));
    io.stdin.pipe(child.stdin);
    child.stdin.on("error", () => {});
  });
}

async function exportImage(
  store: import("../../cache/types.js").ImageStore, id: string, tags: readonly string[], output: { type: "oci" | "docker"; dest: string }, epoch: number | undefined,
): Promise<void> {
  const [formats, fs] = await Promise.all([import("../../image/formats/index.js"), import("node:fs")]);
  const image = await store.image(id);
  const temp = `${output.dest}.tmp-${process.pid}`;
  const out = fs.createWriteStream(temp);
  const done = new Promise<void>((resolve, reject) => {
    out.on("close", resolve);
    out.on("error", reject);
  });
  const tmpDir = store.paths.tmp;
  if (output.type === "docker") await formats.writeDockerArchive([{ image, tags: [...tags] }], out, { tmpDir, ...(epoch !== undefined ? { sourceDateEpoch: epoch } : {}) });
  else {
    // as BuildKit writes it: ref.name = the tag, io.containerd.image.name = the full name
    const { parseReference } = await import("../../image/reference.js");
    await formats.writeOciLayout(out, [{ image, tags: tags.map((t) => parseReference(t)) }], { compression: "gzip", tmpDir, ...(epoch !== undefined ? { sourceDateEpoch: epoch } : {}) });
  }
  out.end();
  await done;
  fs.renameSync(temp, output.dest);
}
