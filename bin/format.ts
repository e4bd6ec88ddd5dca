/** Docker-style human output: sizes (go-units), durations ("2 hours ago") and tabwriter tables. */

const UNITS = ["B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"];

/** go-units HumanSizeWithPrecision(size, 3): decimal units, 3 significant digits: `1.23MB`, `512B`. */
export function humanSize(bytes: number): string {
  let size = bytes;
  let i = 0;
  while (size >= 1000 && i < UNITS.length - 1) {
    size /= 1000;
    i++;
  }
  return `${Number(size.toPrecision(3))}${UNITS[i]}`;
}

/** go-units HumanDuration. */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < 1) return "Less than a second";
  if (seconds === 1) return "1 second";
  if (seconds < 60) return `${seconds} seconds`;
  const minutes = Math.floor(ms / 60_000);
  if (minutes === 1) return "About a minute";
  if (minutes < 60) return `${minutes} minutes`;
  const hours = Math.floor(ms / 3_600_000 + 0.5);
  if (hours === 1) return "About an hour";
  if (hours < 48) return `${hours} hours`;
  if (hours < 24 * 7 * 2) return `${Math.floor(hours / 24)} days`;
  if (hours < 24 * 30 * 2) return `${Math.floor(hours / 24 / 7)} weeks`;
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24 / 30)} months`;
  return `${Math.floor(ms / 3_600_000 / 24 / 365)} years`;
}

/** "2 hours ago" for an RFC 3339 time; "N/A" when there is none. */
export function humanSince(created: string | undefined, now = Date.now()): string {
  if (!created) return "N/A";
  const t = Date.parse(created);
  if (!Number.isFinite(t)) return "N/A";
  return `${humanDuration(Math.max(0, now - t))} ago`;
}

/** Go's time.Time String() in UTC: `2024-01-02 03:04:05 +0000 UTC`. */
export function goTime(created: string | undefined): string {
  if (!created) return "";
  const t = new Date(created);
  if (!Number.isFinite(t.getTime())) return "";
  return `${t.toISOString().slice(0, 19).replace("T", " ")} +0000 UTC`;
}

/** Shortens with "…" like Docker's stringutils.Ellipsis. */
export function ellipsis(text: string, max: number): string {
  const chars = [...text];
  if (chars.length <= max) return text;
  return `${chars.slice(0, max - 1).join("")}…`;
}

/** Go tabwriter(minwidth 10, padding 3): every column but the last padded. */
export function table(rows: readonly (readonly string[])[]): string {
  if (rows.length === 0) return "";
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, [...cell].length)));
  return rows
    .map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(Math.max(10, widths[i]! + 3) - ([...cell].length - cell.length)))).join("").trimEnd())
    .join("\n") + "\n";
}

/** The 12 hex characters Docker shows of an ID (`sha256:` dropped). */
export function shortId(digest: string): string {
  return digest.replace(/^sha256:/, "").slice(0, 12);
}
