/**
 * `kiln import FILE|- [REF] [-c "CMD [...]"]... [-m MESSAGE]`: a root filesystem tarball (plain
 * or gzip, detected by content) becomes a one-layer image, as `docker import` does. Prints the
 * image ID.
 *
 * The tarball's content is kept as the layer (stored uncompressed), with safe names: absolute
 * and `./` names become relative, names climbing out with `..` are refused, and a corrupt or
 * truncated archive is refused, leaving the store as it was.
 *
 * `--change` takes Dockerfile lines (CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, ONBUILD, USER, VOLUME,
 * WORKDIR, STOPSIGNAL), parsed by kiln's parser and applied to the image config with Docker's
 * variable expansion. This is the only place where the parser meets the store, which is why the
 * logic lives here and not in cache/.
 */
import { defineCommand } from "../command.js";
import type { Io } from "../io.js";
import type { RootArgs } from "../store.js";
import type { ContainerConfig } from "../../image/index.js";

export interface ImportArgs extends RootArgs {
  readonly file: string;
  readonly reference?: string;
  readonly change: readonly string[];
  readonly message?: string;
  readonly platform?: string;
}

const ALLOWED = new Set(["CMD", "ENTRYPOINT", "ENV", "EXPOSE", "LABEL", "ONBUILD", "USER", "VOLUME", "WORKDIR", "STOPSIGNAL"]);

/** Applies `--change` lines to a container config (returns a new one). Throws KilnError `invalid-change`. */
export async function applyChanges(base: ContainerConfig, changes: readonly string[]): Promise<ContainerConfig> {
  if (changes.length === 0) return base;
  const [{ parse }, { processWord }, { KilnError }] = await Promise.all([
    import("../../parser/index.js"),
    import("../../parser/shell/index.js"),
    import("../../util/errors.js"),
  ]);
  const config: ContainerConfig = structuredClone(base);
  const fail = (change: string, why: string) => new KilnError("invalid-change", `invalid --change ${JSON.stringify(change)}: ${why}`);
  for (const change of changes) {
    const result = parse(`${change}\n`);
    const error = result.diagnostics.find((d) => d.severity === "error");
    if (error) throw fail(change, error.message);
    const instructions = result.dockerfile.instructions;
    if (instructions.length !== 1) throw fail(change, instructions.length === 0 ? "no instruction" : "one instruction per --change");
    const inst = instructions[0]!;
    if (!ALLOWED.has(inst.kind)) throw fail(change, `${inst.kind} is not supported (use one of ${[...ALLOWED].join(", ")})`);
    const envMap = new Map<string, string>();
    for (const e of config.Env ?? []) {
      const eq = e.indexOf("=");
      envMap.set(eq < 0 ? e : e.slice(0, eq), eq < 0 ? "" : e.slice(eq + 1));
    }
    const word = (w: string) => {
      try {
        return processWord(w, envMap);
      } catch (err) {
        throw fail(change, (err as Error).message);
      }
    };
    switch (inst.kind) {
      case "CMD":
      case "ENTRYPOINT": {
        const argv = inst.command.form === "exec" ? [...inst.command.args] : [...(config.Shell ?? ["/bin/sh", "-c"]), inst.command.text];
        if (inst.kind === "CMD") config.Cmd = argv;
        else {
          config.Entrypoint = argv;
          delete config.Cmd; // as Docker: a new ENTRYPOINT resets CMD
        }
        break;
      }
      case "ENV": {
        const env = [...(config.Env ?? [])];
        for (const pair of inst.pairs) {
          const key = word(pair.key);
          const value = word(pair.value);
          const i = env.findIndex((e) => e.split("=")[0] === key);
          if (i >= 0) env[i] = `${key}=${value}`;
          else env.push(`${key}=${value}`);
        }
        config.Env = env;
        break;
      }
      case "LABEL": {
        const labels = { ...(config.Labels ?? {}) };
        for (const pair of inst.pairs) labels[word(pair.key)] = word(pair.value);
        config.Labels = labels;
        break;
      }
      case "EXPOSE": {
        const ports = { ...(config.ExposedPorts ?? {}) };
        for (const p of inst.ports) {
          const text = word(p.text);
          const m = /^(\d+(?:-\d+)?)(?:\/(tcp|udp|sctp))?$/i.exec(text);
          if (!m) throw fail(change, `invalid port ${JSON.stringify(text)}`);
          ports[`${m[1]}/${(m[2] ?? "tcp").toLowerCase()}`] = {};
        }
        config.ExposedPorts = ports;
        break;
      }
      case "VOLUME": {
        const volumes = { ...(config.Volumes ?? {}) };
        for (const p of inst.paths) {
          const path = word(p.text);
          if (path === "") throw fail(change, "VOLUME needs a path");
          volumes[path] = {};
        }
        config.Volumes = volumes;
        break;
      }
      case "USER":
        if (!inst.user) throw fail(change, "USER needs a user");
        config.User = word(inst.user.text);
        break;
      case "WORKDIR": {
        if (!inst.path) throw fail(change, "WORKDIR needs a path");
        const path = word(inst.path.text);
        const { posix } = await import("node:path");
        config.WorkingDir = posix.resolve(config.WorkingDir || "/", path);
        break;
      }
      case "STOPSIGNAL":
        if (!inst.signal) throw fail(change, "STOPSIGNAL needs a signal");
        config.StopSignal = word(inst.signal.text);
        break;
      case "ONBUILD":
        config.OnBuild = [...(config.OnBuild ?? []), inst.arguments.text];
        break;
      default:
        throw fail(change, `${inst.kind} is not supported`);
    }
  }
  return config;
}

function hostArchitecture(): string {
  const map: Record<string, string> = { x64: "amd64", arm64: "arm64", arm: "arm", ia32: "386", ppc64: "ppc64le", s390x: "s390x", riscv64: "riscv64" };
  return map[process.arch] ?? process.arch;
}

async function openInput(file: string, io: Io) {
  if (file === "-") return io.stdin;
  const [{ open }, { resolve }, { KilnError }] = await Promise.all([import("node:fs/promises"), import("node:path"), import("../../util/errors.js")]);
  const path = resolve(io.cwd, file);
  try {
    const fh = await open(path, "r");
    if ((await fh.stat()).isDirectory()) {
      await fh.close();
      throw new KilnError("file-unreadable", `cannot import ${file}: it is a directory (pass a tar archive)`);
    }
    return fh.createReadStream();
  } catch (err) {
    if ((err as { code?: string }).code === "ENOENT") throw new KilnError("file-not-found", `cannot import ${file}: no such file`);
    throw err;
  }
}

export const importCommand = defineCommand<ImportArgs>({
  command: "import <file> [reference]",
  describe: "Import a root filesystem tarball as a one-layer image",
  builder: (yargs) =>
    yargs
      .positional("file", { type: "string", demandOption: true, describe: "A tar archive (plain or gzip); - reads standard input" })
      .positional("reference", { type: "string", describe: "Name for the image, NAME[:TAG]" })
      .option("change", { alias: "c", type: "string", array: true, nargs: 1, default: [] as string[], requiresArg: true, describe: "Apply a Dockerfile instruction (CMD, ENV, …) to the image" })
      .option("message", { alias: "m", type: "string", requiresArg: true, describe: "Commit message for the imported image" })
      .option("platform", { type: "string", requiresArg: true, describe: "os/arch[/variant] of the image (default: this machine's)" })
      .example("$0 import rootfs.tar kiln.local/busybox:latest", "name the image")
      .example("$0 import - app:1 -c 'CMD [\"/bin/sh\"]' < rootfs.tar.gz", "from stdin, with a CMD"),
  run: async (rawArgs, io) => {
    // yargs hands a lone "-" positional over as ""
    const args = { ...rawArgs, file: rawArgs.file === "" ? "-" : rawArgs.file };
    const [{ withStore }, image, { parseTagName }] = await Promise.all([import("../store.js"), import("../../image/index.js"), import("../../cache/index.js")]);
    // everything that can be refused is refused before the store is touched
    const names = args.reference ? [parseTagName(args.reference)] : [];
    const platform = args.platform ? image.parsePlatform(args.platform) : { os: "linux", architecture: hostArchitecture() };
    const containerConfig = await applyChanges({}, args.change);
    const epoch = image.parseSourceDateEpoch(io.env["SOURCE_DATE_EPOCH"]);
    const created = image.formatTimestamp(epoch !== undefined ? epoch : new Date());
    const source = args.file === "-" ? "-" : args.file;
    const input = await openInput(args.file, io);
    const id = await withStore(args, io, async (store) => {
      const layerTar = image.sanitizeLayerTar(input, args.file === "-" ? "standard input" : args.file);
      const blob = await store.putBlob(layerTar, { what: `layer from ${source}` });
      try {
        const layer = await image.layerFromOpener(() => store.getBlob(blob.digest, { size: blob.size }), {
          mediaType: image.MediaType.OciLayer,
          digest: blob.digest,
          size: blob.size,
          diffId: blob.digest,
        });
        const config: import("../../image/index.js").ImageConfig = {
          ...(await image.emptyImage(platform).config()),
          created,
          config: containerConfig,
          rootfs: { type: "layers", diff_ids: [blob.digest] },
          history: [{ created, created_by: "", comment: args.message ?? `Imported from ${source}` }],
        };
        if (args.message !== undefined) (config as { comment?: string }).comment = args.message;
        const withLayer = image.newImage({ config, layers: [layer] });
        return (await store.writeImage(withLayer, { names })).id;
      } catch (err) {
        await store.discardBlobs([blob.digest]).catch(() => {});
        throw err;
      }
    });
    io.stdout.write(`${id}\n`);
    return 0;
  },
});
