/**
 * What a RUN's key reads besides its effect: the keys of the stages/images its mounts read and,
 * for a bind mount of the context, the digests of the files it exposes. Apart from run.ts so a
 * cached build does not load the runtime.
 */
import type { StepExtras } from "../cachekey.js";
import { selectContextFiles } from "../context.js";
import type { RunEffect } from "../effects.js";
import { sha256Hex } from "./cache.js";
import type { ExecEnv } from "./env.js";

export async function runInputs(effect: RunEffect, env: ExecEnv): Promise<StepExtras> {
  const sources: Record<string, string> = {};
  for (const m of effect.mounts) {
    const from = m.type === "bind" ? m.from : m.type === "cache" ? m.from : null;
    if (!from) continue;
    if (from.kind === "context") {
      if (m.type !== "bind") continue;
      const files = await selectContextFiles(env.contextDir, [m.source], { ignore: await env.ignore() });
      const stat = env.statCache();
      const list: string[] = [];
      for (const f of files) {
        const digest = f.type === "file" ? await stat.digest(f.contextPath, f.hostPath, f) : "";
        list.push(`${f.contextPath}\0${f.type}\0${f.mode}\0${f.linkTarget ?? ""}\0${digest}`);
      }
      sources[`context:${m.source}`] = `sha256:${sha256Hex(list.join("\n"))}`;
    } else if (from.kind !== "scratch") {
      sources[from.kind === "stage" ? (from.name ?? String(from.index)) : from.ref] = await env.sourceKey(from);
    }
  }
  return Object.keys(sources).length > 0 ? { sources } : {};
}
