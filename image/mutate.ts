/**
 * "Mutation" of images (principle 5): every helper returns a new Image and leaves its input as
 * it was. The result keeps the base's manifest format and manifest annotations.
 */
import { KilnError } from "../util/errors.js";
import { cloneJson } from "./canonical-json.js";
import { formatOf, newImage, type Image } from "./image.js";
import type { Layer } from "./layer.js";
import type { ContainerConfig, History, ImageConfig, StringMap } from "./types.js";

async function rebuild(base: Image, edit: (config: ImageConfig) => ImageConfig | void, layers?: Layer[], annotations?: StringMap | null): Promise<Image> {
  const copy = cloneJson(await base.config());
  const config = edit(copy) ?? copy;
  const manifest = await base.manifest();
  const keep = annotations === undefined ? manifest.annotations : annotations ?? undefined;
  return newImage({
    config,
    layers: layers ?? (await base.layers()),
    format: await formatOf(base),
    ...(keep ? { annotations: keep } : {}),
  });
}

/** RFC 3339 in UTC, with fractional seconds only when there are any: `2024-01-02T03:04:05Z`. */
export function formatTimestamp(time: Date | number): string {
  const date = typeof time === "number" ? new Date(time * 1000) : time;
  if (!Number.isFinite(date.getTime())) throw new KilnError("invalid-time", "invalid time");
  return date.toISOString().replace(/\.000Z$/, "Z");
}

/**
 * Appends a layer: its diffId goes to rootfs.diff_ids and a history entry (default `{}`) is
 * added, with `empty_layer` removed since this step made a layer.
 */
export async function appendLayer(base: Image, layer: Layer, history: History = {}): Promise<Image> {
  const layers = [...(await base.layers()), layer];
  return rebuild(base, (config) => {
    config.rootfs.diff_ids.push(layer.diffId);
    const entry: History = { ...history };
    delete entry.empty_layer;
    (config.history ??= []).push(entry);
  }, layers);
}

/** Adds a history entry for a step that made no layer (ENV, LABEL, CMD…): `empty_layer: true`. */
export async function appendHistory(base: Image, history: History): Promise<Image> {
  return rebuild(base, (config) => {
    (config.history ??= []).push({ ...history, empty_layer: true });
  });
}

/**
 * Sets fields of the execution config (`config` in the config JSON). A field given as
 * `undefined` is removed; others replace the old value whole (Env, Labels… are not merged).
 */
export async function setContainerConfig(base: Image, patch: Partial<ContainerConfig>): Promise<Image> {
  return rebuild(base, (config) => {
    const next: Record<string, unknown> = { ...(config.config ?? {}) };
    for (const [key, value] of Object.entries(cloneJson(patch))) next[key] = value;
    for (const [key, value] of Object.entries(patch)) if (value === undefined) delete next[key];
    config.config = next as ContainerConfig;
  });
}

/**
 * The general form: `edit` gets a private deep copy of the config to change in place (or
 * return a replacement). rootfs must still match the layers.
 */
export async function editConfig(base: Image, edit: (config: ImageConfig) => ImageConfig | void): Promise<Image> {
  return rebuild(base, edit);
}

/**
 * Sets the config's `created` time. With `history: true` every history entry's `created` is
 * set too (the SOURCE_DATE_EPOCH rewrite); with `history: "clamp"` only later ones are lowered.
 */
export async function setCreated(base: Image, time: Date | number, options: { history?: boolean | "clamp" } = {}): Promise<Image> {
  const created = formatTimestamp(time);
  const limit = new Date(created).getTime();
  return rebuild(base, (config) => {
    config.created = created;
    if (!options.history || !config.history) return;
    for (const h of config.history) {
      if (options.history === true) h.created = created;
      else if (h.created !== undefined && !(new Date(h.created).getTime() <= limit)) h.created = created;
    }
  });
}

/** Replaces the manifest annotations (`{}` removes them). */
export async function setAnnotations(base: Image, annotations: StringMap): Promise<Image> {
  return rebuild(base, () => {}, undefined, Object.keys(annotations).length > 0 ? { ...annotations } : null);
}
