/**
 * Containers on top of the image store: what `kiln run`, `kiln diff` and `kiln commit` use.
 *
 * Layout (all under the store's reserved `snapshots/` directory, cache/paths.ts):
 *   snapshots/overlay/<chain hex>/   per-layer snapshots (overlay snapshotter)
 *   snapshots/copy/<chain hex>/      merged snapshots (copy snapshotter)
 *   snapshots/run/<id>/              a running sandbox's dir (removed when it ends, or by the
 *                                    next kiln when its owner died)
 *   snapshots/containers/<id>/       a finished container kept without --rm: its run dir
 *                                    (upper or rootfs) and container.json
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Readable } from "node:stream";
import type { ImageStore } from "../cache/index.js";
import type { Digest } from "../image/digest.js";
import type { ContainerConfig, Image } from "../image/index.js";
import { KilnError } from "../util/errors.js";
import type { Change } from "./diff.js";
import { DEFAULT_PATH } from "./sandbox.js";
import { cleanupStale } from "./state.js";
import { openSnapshotter, type Chain, type LayerSource, type Snapshotter, type SnapshotterKind } from "./snapshots.js";

export interface ContainerRecord {
  readonly id: string;
  /** The image's ID (config digest) and the name it was run by. */
  readonly image: string;
  readonly imageName: string;
  readonly snapshotter: SnapshotterKind;
  readonly chainIds: readonly Digest[];
  readonly args: readonly string[];
  /** Mount points the sandbox created (never part of a layer). */
  readonly created: readonly string[];
  readonly exitCode: number;
  /** When the writable rootfs was made (ns since the epoch, as a string). */
  readonly since: string;
  readonly createdAt: string;
}

export function runtimeRoot(snapshotsDir: string): string {
  return snapshotsDir;
}

export function containersDir(snapshotsDir: string): string {
  return join(snapshotsDir, "containers");
}

/** Opens the snapshotter and removes what dead kilns left in `run/`. */
export function openRuntime(snapshotsDir: string, kind: SnapshotterKind | "auto", onWarning?: (m: string) => void): Snapshotter {
  cleanupStale(snapshotsDir);
  return openSnapshotter(kind, { root: snapshotsDir, ...(onWarning ? { onWarning } : {}) });
}

export async function layerSources(image: Image): Promise<LayerSource[]> {
  const layers = await image.layers();
  return layers.map((l) => ({ diffId: l.diffId, digest: l.digest, open: (): Promise<Readable> => l.open() }));
}

export function newContainerId(): string {
  return randomBytes(32).toString("hex");
}

/** The argv Docker would run: ENTRYPOINT + CMD, where `--entrypoint` resets CMD and command-line args replace it. */
export function commandLine(config: ContainerConfig, options: { entrypoint?: string; args: readonly string[] }): string[] {
  const entrypoint = options.entrypoint !== undefined ? (options.entrypoint === "" ? [] : [options.entrypoint]) : [...(config.Entrypoint ?? [])];
  const cmd = options.args.length > 0 ? [...options.args] : options.entrypoint !== undefined ? [] : [...(config.Cmd ?? [])];
  const argv = [...entrypoint, ...cmd];
  if (argv.length === 0) throw new KilnError("no-command", "no command specified (the image has no CMD or ENTRYPOINT; give one)", { exitCode: 125 });
  return argv;
}

/** Environment as Docker builds it: the image's, then `--env-file`s, then `-e`; PATH defaulted; HOSTNAME set. */
export function containerEnv(config: ContainerConfig, overrides: readonly string[], hostname: string, hostEnv: NodeJS.ProcessEnv, tty = false): string[] {
  const env = new Map<string, string>();
  const put = (e: string) => {
    const eq = e.indexOf("=");
    if (eq < 0) {
      const v = hostEnv[e];
      if (v !== undefined) env.set(e, v);
      else env.delete(e);
    } else env.set(e.slice(0, eq), e.slice(eq + 1));
  };
  env.set("PATH", DEFAULT_PATH);
  env.set("HOSTNAME", hostname);
  if (tty) env.set("TERM", "xterm");
  for (const e of config.Env ?? []) put(e);
  for (const e of overrides) put(e);
  return [...env].map(([k, v]) => `${k}=${v}`);
}

/** Lines of an `--env-file` (comments and blank lines skipped). */
export function parseEnvFile(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.replace(/^\s+/, ""))
    .filter((l) => l !== "" && !l.startsWith("#"));
}

/** Keeps a finished run dir as a container. */
export function keepContainer(snapshotsDir: string, runDir: string, record: ContainerRecord): void {
  const dir = join(containersDir(snapshotsDir), record.id);
  mkdirSync(containersDir(snapshotsDir), { recursive: true });
  rmSync(join(runDir, "owner"), { force: true });
  rmSync(join(runDir, "helper"), { force: true });
  renameSync(runDir, dir);
  writeFileSync(join(dir, "container.json"), `${JSON.stringify(record, null, 2)}\n`);
}

/** Finds a kept container by full id or unique prefix. */
export function findContainer(snapshotsDir: string, idOrPrefix: string): { record: ContainerRecord; dir: string } {
  const root = containersDir(snapshotsDir);
  const ids = existsSync(root) ? readdirSync(root) : [];
  const matches = ids.filter((id) => id.startsWith(idOrPrefix));
  if (idOrPrefix === "" || matches.length === 0) throw new KilnError("container-not-found", `No such container: ${idOrPrefix}`);
  if (matches.length > 1) throw new KilnError("ambiguous-container-id", `container id prefix ${idOrPrefix} matches ${matches.length} containers`);
  const dir = join(root, matches[0]!);
  const record = JSON.parse(readFileSync(join(dir, "container.json"), "utf8")) as ContainerRecord;
  return { record, dir };
}

/** The changes a kept container made (what `kiln diff` prints and `kiln commit` archives). */
export async function containerChanges(snapshotsDir: string, idOrPrefix: string, store: ImageStore): Promise<{ record: ContainerRecord; changes: Change[]; root: string; image: Image }> {
  const { record, dir } = findContainer(snapshotsDir, idOrPrefix);
  const snap = openSnapshotter(record.snapshotter, { root: snapshotsDir });
  const image = await store.image(record.image);
  const chain: Chain = await snap.prepare(await layerSources(image));
  const active = await snap.activate(chain, dir, { existing: true, since: BigInt(record.since) });
  return { record, changes: await active.changes(record.created), root: active.changedRoot, image };
}

