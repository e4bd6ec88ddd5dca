/**
 * What `kiln images`, `kiln inspect` and `kiln history` show of a stored image, in Docker's
 * shapes (docker image inspect's JSON, the images table's fields).
 */
import type { ImageRecord, ImageStore } from "../cache/index.js";
import type { History, ImageConfig, Manifest } from "../image/index.js";

export interface ImageDetails {
  readonly record: ImageRecord;
  readonly manifest: Manifest;
  readonly config: ImageConfig;
  /** Sum of the layer blobs' sizes (uncompressed in the store). */
  readonly size: number;
}

export async function imageDetails(store: ImageStore, record: ImageRecord): Promise<ImageDetails> {
  const image = await store.image(record);
  const manifest = await image.manifest();
  const config = await image.config();
  const size = manifest.layers.reduce((n, l) => n + l.size, 0);
  return { record, manifest, config, size };
}

/** Docker's (pre-25) ContainerConfig shape: every field present, absent ones null or empty. */
function dockerConfig(config: ImageConfig): Record<string, unknown> {
  const c = config.config ?? {};
  const out: Record<string, unknown> = {
    Hostname: "",
    Domainname: "",
    User: c.User ?? "",
    AttachStdin: false,
    AttachStdout: false,
    AttachStderr: false,
  };
  if (c.ExposedPorts && Object.keys(c.ExposedPorts).length) out.ExposedPorts = c.ExposedPorts;
  Object.assign(out, {
    Tty: false,
    OpenStdin: false,
    StdinOnce: false,
    Env: c.Env ?? null,
    Cmd: c.Cmd ?? null,
  });
  if (c.Healthcheck) out.Healthcheck = c.Healthcheck;
  if (c.ArgsEscaped) out.ArgsEscaped = true;
  Object.assign(out, {
    Image: "",
    Volumes: c.Volumes ?? null,
    WorkingDir: c.WorkingDir ?? "",
    Entrypoint: c.Entrypoint ?? null,
    OnBuild: c.OnBuild ?? null,
    Labels: c.Labels ?? null,
  });
  if (c.StopSignal) out.StopSignal = c.StopSignal;
  if (c.Shell) out.Shell = c.Shell;
  return out;
}

/** One element of `docker image inspect`'s array. */
export function inspectJson(d: ImageDetails): Record<string, unknown> {
  const { record, config } = d;
  const repos = [...new Set(record.names.map((n) => n.repository().familiarName()))];
  const comment = (config as { comment?: string }).comment ?? "";
  return {
    Id: record.id,
    RepoTags: record.names.map((n) => n.familiarName()),
    RepoDigests: repos.map((r) => `${r}@${record.digest}`),
    Parent: "",
    Comment: comment,
    Created: config.created ?? "0001-01-01T00:00:00Z",
    DockerVersion: "",
    Author: config.author ?? "",
    Config: dockerConfig(config),
    Architecture: config.architecture,
    ...(config.variant ? { Variant: config.variant } : {}),
    Os: config.os,
    ...(config["os.version"] ? { OsVersion: config["os.version"] } : {}),
    Size: d.size,
    RootFS: { Type: config.rootfs.type, Layers: [...config.rootfs.diff_ids] },
    Metadata: { LastTagTime: "0001-01-01T00:00:00Z" },
    Descriptor: { mediaType: record.mediaType, digest: record.digest, size: record.size },
  };
}

/** History entries newest first, each with the size of the layer it made (0 for empty ones). */
export function historyRows(d: ImageDetails): { entry: History; size: number; top: boolean }[] {
  const history = d.config.history ?? [];
  const sizes = d.manifest.layers.map((l) => l.size);
  let layer = 0;
  const rows = history.map((entry) => {
    const size = entry.empty_layer ? 0 : sizes[layer++] ?? 0;
    return { entry, size, top: false };
  });
  if (history.length === 0) for (const size of sizes) rows.push({ entry: {}, size, top: false });
  rows.reverse();
  if (rows[0]) rows[0].top = true;
  return rows;
}
