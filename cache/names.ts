/**
 * How image names are written into the layout's index.json.
 *
 * Every named entry carries two annotations:
 *
 * - `org.opencontainers.image.ref.name`: the name as Docker shows it (`Reference.familiarName()`):
 *   `busybox:latest`, `localhost:5000/x:y`, `kiln.local/busybox:latest`. This is what
 *   `skopeo inspect oci:$KILN_ROOT:busybox:latest` and umoci look up, since they compare the
 *   string after the layout path verbatim. The value passes containers/image's ref.name grammar
 *   (components of `[A-Za-z0-9]` joined by `-._:@+`, separated by `/`).
 * - `io.containerd.image.name`: the fully normalised name, `docker.io/library/busybox:latest`,
 *   as `docker save` and containerd write it. kiln reads this one first.
 *
 * An image without names (dangling, `<none>:<none>`) has one entry with neither annotation.
 * Entries written by other tools are read too: without the containerd annotation, `ref.name` is
 * parsed as a reference; entries whose names do not parse are listed as dangling and never
 * rewritten.
 */
import { KilnError } from "../util/errors.js";
import { parseReference, type Reference } from "../image/reference.js";
import { Annotation, type Descriptor } from "../image/types.js";

export const KILN_NAME_ANNOTATION = Annotation.ContainerdImageName;

/** The annotations for a named entry. */
export function nameAnnotations(ref: Reference): Record<string, string> {
  return { [Annotation.RefName]: ref.familiarName(), [Annotation.ContainerdImageName]: ref.toString() };
}

/** The name an index.json entry carries, or undefined for a dangling (or unreadable) one. */
export function entryName(entry: Descriptor): Reference | undefined {
  const a = entry.annotations ?? {};
  for (const key of [Annotation.ContainerdImageName, Annotation.RefName]) {
    const value = a[key];
    if (value === undefined || value === "") continue;
    try {
      const ref = parseReference(value);
      if (ref.tag !== undefined && ref.digest === undefined) return ref;
    } catch {
      // not a reference kiln can use; try the other annotation
    }
  }
  return undefined;
}

/** Parses a name meant as a tag target: `name[:tag]`, no digest (KilnError `invalid-reference`). */
export function parseTagName(name: string | Reference): Reference {
  const ref = typeof name === "string" ? parseReference(name) : name;
  if (ref.digest !== undefined) {
    throw new KilnError("invalid-reference", `cannot use ${JSON.stringify(String(name))} as an image name: a name may have a tag but not a digest`);
  }
  return ref;
}
