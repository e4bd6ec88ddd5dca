/**
 * `kiln run [--rm] [-e K=V] [--env-file F] [-w DIR] [-u USER] [--network none|host]
 * [-v HOST:CTR[:ro]] [--entrypoint CMD] [-i] [-t] [--hostname H] [--snapshotter overlay|copy]
 * IMAGE [COMMAND ARG...]`: runs a command in a new container of IMAGE, with no daemon
 * (docs/runtime.md). The command's exit status is kiln's. Without --rm the container's changes
 * are kept under its id (printed on stderr) for `kiln diff` and `kiln commit`.
 */
import type { Argv } from "yargs";
import { defineCommand } from "../command.js";
import type { RootArgs } from "../store.js";

export interface RunArgs extends RootArgs {
  readonly image: string;
  readonly command: readonly string[];
  readonly rm: boolean;
  readonly env: readonly string[];
  readonly envFile: readonly string[];
  readonly workdir?: string;
  readonly user?: string;
  readonly network: "none" | "host";
  readonly volume: readonly string[];
  readonly entrypoint?: string;
  readonly interactive: boolean;
  readonly tty: boolean;
  readonly hostname?: string;
  readonly snapshotter: "overlay" | "copy" | "auto";
  readonly timeout?: number;
}

export const runCommand = defineCommand<RunArgs>({
  command: "run [image] [command..]",
  describe: "Run a command in a new container",
  builder: (yargs) =>
    yargs
      .parserConfiguration({ "halt-at-non-option": true, "populate--": false })
      .positional("image", { type: "string", describe: "Image name or ID" })
      .positional("command", { type: "string", array: true, default: [], describe: "Command and arguments (default: the image's ENTRYPOINT/CMD)" })
      .option("rm", { type: "boolean", default: false, describe: "Remove the container when it exits" })
      .option("env", { alias: "e", type: "string", array: true, nargs: 1, default: [], requiresArg: true, describe: "Set a variable (K=V, or K to pass the host's)" })
      .option("env-file", { type: "string", array: true, nargs: 1, default: [], requiresArg: true, describe: "Read variables from a file" })
      .option("workdir", { alias: "w", type: "string", requiresArg: true, describe: "Working directory in the container" })
      .option("user", { alias: "u", type: "string", requiresArg: true, describe: "name|uid[:group|gid]" })
      .option("network", { type: "string", choices: ["none", "host"] as const, default: "host" as const, describe: "none: only loopback; host: the host's network" })
      .option("volume", { alias: "v", type: "string", array: true, nargs: 1, default: [], requiresArg: true, describe: "Bind mount HOST:CONTAINER[:ro]" })
      .option("entrypoint", { type: "string", requiresArg: true, describe: "Override the image's ENTRYPOINT (resets CMD)" })
      .option("interactive", { alias: "i", type: "boolean", default: false, describe: "Keep standard input open" })
      .option("tty", { alias: "t", type: "boolean", default: false, describe: "Allocate a pseudo-terminal" })
      .option("hostname", { type: "string", requiresArg: true, describe: "Container host name (default: the short container id)" })
      .option("snapshotter", { type: "string", choices: ["overlay", "copy", "auto"] as const, default: "auto" as const, describe: "Rootfs: overlayfs or a full copy" })
      .option("timeout", { type: "number", requiresArg: true, describe: "Kill the container after this many seconds" })
      .example("$0 run --rm busybox echo hello", "run a command")
      .example("$0 run -it --rm busybox sh", "an interactive shell") as unknown as Argv<RunArgs>,
  run: async (args, io) => {
    const [{ withStore }, rt, { storePaths }, { readFileSync }, { resolve }] = await Promise.all([
      import("../store.js"),
      import("../../runtime/index.js"),
      import("../../cache/index.js"),
      import("node:fs"),
      import("node:path"),
    ]);
    const { KilnError } = await import("../../util/errors.js");
    // halt-at-non-option makes yargs stop at the command word: the options of `run`, IMAGE and
    // the command (with options of its own, like `sh -c`) are read here, Docker's way
    const raw = ((args as unknown as { _: (string | number)[] })._ ?? []).map(String);
    let from = raw[0] === "run" ? 1 : 0;
    if (raw[from] === "run" && from === 1) from = 2;
    args = parseRunArgs(raw.slice(from), args, KilnError);
    return withStore(args, io, async (store) => {
      const record = await store.resolve(args.image);
      const image = await store.image(record);
      const config = (await image.config()).config ?? {};
      const snapshotsDir = storePaths(store.root).snapshots;
      const snap = rt.openRuntime(snapshotsDir, args.snapshotter, (m) => io.stderr.write(`kiln: warning: ${m}\n`));
      const chain = await snap.prepare(await rt.layerSources(image));
      const id = rt.newContainerId();
      const hostname = args.hostname ?? id.slice(0, 12);
      const envFiles = args.envFile.flatMap((f) => rt.parseEnvFile(readFileSync(resolve(io.cwd, f), "utf8")));
      const env = rt.containerEnv(config, [...envFiles, ...args.env], hostname, io.env, args.tty);
      const argv = rt.commandLine(config, { ...(args.entrypoint !== undefined ? { entrypoint: args.entrypoint } : {}), args: args.command });
      const mounts = args.volume.map((v) => {
        const parts = v.split(":");
        const ro = parts.length === 3 && parts[2] === "ro";
        if (parts.length < 2 || parts.length > 3 || (parts.length === 3 && !["ro", "rw"].includes(parts[2]!))) {
          throw new KilnError("invalid-volume", `invalid volume ${JSON.stringify(v)}: expected HOST:CONTAINER[:ro]`, { exitCode: 125 });
        }
        return { source: resolve(io.cwd, parts[0]!), target: parts[1]!, readonly: ro };
      });
      const dir = rt.createRunDir(snapshotsDir);
      const abort = new AbortController();
      const onSignal = () => abort.abort();
      process.on("SIGINT", onSignal);
      process.on("SIGTERM", onSignal);
      let kept = false;
      try {
        const active = await snap.activate(chain, dir.path);
        const result = await rt.runSandbox({
          rootfs: active.spec,
          args: argv,
          env,
          cwd: args.workdir ?? (config.WorkingDir || "/"),
          user: args.user ?? config.User ?? "",
          hostname,
          network: args.network,
          mounts,
          runDir: dir.path,
          stdin: args.interactive ? "inherit" : "ignore",
          stdout: "inherit",
          stderr: "inherit",
          tty: args.tty,
          signal: abort.signal,
          ...(args.timeout ? { timeoutMs: args.timeout * 1000 } : {}),
        });
        if (result.execError) io.stderr.write(`kiln: ${result.execError}\n`);
        if (!args.rm) {
          rt.keepContainer(snapshotsDir, dir.path, {
            id,
            image: record.id,
            imageName: args.image,
            snapshotter: snap.kind,
            chainIds: chain.chainIds,
            args: argv,
            created: result.created,
            exitCode: result.exitCode,
            since: String(active.since),
            createdAt: new Date().toISOString(),
          });
          kept = true;
          io.stderr.write(`${id.slice(0, 12)}\n`);
        }
        return result.exitCode;
      } finally {
        process.off("SIGINT", onSignal);
        process.off("SIGTERM", onSignal);
        if (!kept) dir.remove();
      }
    });
  },
});

type ErrorClass = new (code: string, message: string, options?: { exitCode?: number }) => Error;

const VALUE_OPTIONS: Record<string, string> = {
  "-e": "env", "--env": "env", "--env-file": "envFile", "-w": "workdir", "--workdir": "workdir", "-u": "user", "--user": "user",
  "--network": "network", "--net": "network", "-v": "volume", "--volume": "volume", "--entrypoint": "entrypoint",
  "--hostname": "hostname", "-h": "hostname", "--snapshotter": "snapshotter", "--timeout": "timeout",
};
const FLAGS: Record<string, string> = { "--rm": "rm", "-i": "interactive", "--interactive": "interactive", "-t": "tty", "--tty": "tty" };
const LISTS = new Set(["env", "envFile", "volume"]);

/** Reads `[OPTIONS] IMAGE [COMMAND ARG...]` as `docker run` does: options end at the image name. */
export function parseRunArgs(tokens: readonly string[], defaults: RunArgs, KilnError: ErrorClass): RunArgs {
  const out: Record<string, unknown> = { ...defaults, env: [...defaults.env], envFile: [...defaults.envFile], volume: [...defaults.volume] };
  let i = 0;
  const set = (key: string, value: string) => {
    if (LISTS.has(key)) (out[key] as string[]).push(value);
    else if (key === "timeout") out[key] = Number(value);
    else out[key] = value;
  };
  for (; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t === "--") {
      i++;
      break;
    }
    if (!t.startsWith("-") || t === "-") break;
    const eq = t.indexOf("=");
    const name = t.startsWith("--") && eq > 0 ? t.slice(0, eq) : t;
    if (name in VALUE_OPTIONS) {
      const value = eq > 0 && t.startsWith("--") ? t.slice(eq + 1) : tokens[++i];
      if (value === undefined) throw new KilnError("usage", `option ${name} needs a value`, { exitCode: 2 });
      set(VALUE_OPTIONS[name]!, value);
    } else if (name in FLAGS) {
      out[FLAGS[name]!] = eq > 0 ? t.slice(eq + 1) !== "false" : true;
    } else if (/^-[it]{2}$/.test(t)) {
      out.interactive = true;
      out.tty = true;
    } else if (/^-[a-zA-Z]$/.test(t.slice(0, 2)) && t.length > 2 && t.slice(0, 2) in VALUE_OPTIONS) {
      set(VALUE_OPTIONS[t.slice(0, 2)]!, t.slice(2)); // -eK=V
    } else {
      throw new KilnError("usage", `unknown option ${t} for kiln run`, { exitCode: 2 });
    }
  }
  if (i >= tokens.length) throw new KilnError("usage", "kiln run needs an IMAGE", { exitCode: 2 });
  out.image = tokens[i]!;
  out.command = tokens.slice(i + 1);
  if (out.network !== "none" && out.network !== "host") throw new KilnError("usage", `--network must be none or host, not ${String(out.network)}`, { exitCode: 2 });
  if (!["overlay", "copy", "auto"].includes(String(out.snapshotter))) throw new KilnError("usage", `--snapshotter must be overlay, copy or auto`, { exitCode: 2 });
  return out as unknown as RunArgs;
}
