/**
 * Inputs for the parser fuzz test: random byte strings, token soups built from Dockerfile syntax,
 * and mutations of generated Dockerfiles (bench/corpus.ts). Each case gets its own PRNG derived
 * from (seed, generator, index), so any single case replays without running the others.
 */
import { Rng } from "../../bench/corpus.js";

/** Mixes seed, generator and case index into a 32-bit seed (FNV-1a style). */
export function caseSeed(seed: number, generator: string, index: number): number {
  let h = 0x811c9dc5 ^ (seed >>> 0);
  for (const ch of `${generator}#${index}`) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193);
  h = Math.imul(h ^ (h >>> 16), 0x45d9f3b);
  return (h ^ (h >>> 13)) >>> 0;
}

const interesting = "\n\n\r \t\\`\"'#=<->[]{}$:,/.@*?!%&|;()_0123456789azAZ\u00a0\u2028\ufeff\u00e9\ud83d\ude00";

/** Random "bytes": latin1 bytes, UTF-8 decoded bytes (with U+FFFD), raw UTF-16 units with lone surrogates, or syntax-heavy ASCII. */
export function randomBytes(rng: Rng): string {
  const length = rng.weighted([[4, rng.int(0, 16)], [4, rng.int(0, 120)], [1, rng.int(120, 2000)]] as const);
  const mode = rng.int(0, 3);
  if (mode === 0 || mode === 1) {
    const bytes = Buffer.alloc(length);
    for (let i = 0; i < length; i++) bytes[i] = rng.int(0, 255);
    return bytes.toString(mode === 0 ? "latin1" : "utf8");
  }
  let out = "";
  for (let i = 0; i < length; i++) {
    out += mode === 2 && rng.chance(0.5) ? String.fromCharCode(rng.int(0, 0xffff)) : interesting[rng.int(0, interesting.length - 1)];
  }
  return out;
}

const keywords = [
  "FROM", "RUN", "CMD", "LABEL", "MAINTAINER", "EXPOSE", "ENV", "ADD", "COPY", "ENTRYPOINT", "VOLUME",
  "USER", "WORKDIR", "ARG", "ONBUILD", "STOPSIGNAL", "HEALTHCHECK", "SHELL",
  "from", "Run", "copy", "onbuild", "FRUM", "RUNN", "CMD_", "AS", "as", "NONE", "CMD",
];
const flags = [
  "--from=build", "--from=", "--from", "--chown=1000:1000", "--chown=", "--chmod=755", "--chmod=u+x", "--link",
  "--link=false", "--parents", "--exclude=*.md", "--platform=$BUILDPLATFORM", "--platform=", "--network=none",
  "--network=bogus", "--security=insecure", "--mount=type=cache,target=/root/.cache", "--mount=type=bind,source=.,target=/src,rw",
  "--mount=type=secret,id=x,env=X,required", "--mount=type=ssh", "--mount=type=tmpfs,target=/t,size=1m",
  "--mount=type=bogus", "--mount=", "--mount=target", "--mount=type=cache,sharing=weird", "--mount=type=cache,uid=abc",
  "--interval=30s", "--timeout=", "--start-period=1s", "--start-interval=1", "--retries=x", "--checksum=sha256:abc",
  "--keep-git-dir", "--keep-git-dir=true", "--unpack=false", "--", "--=", "-", "--x=\"quoted value\"", "--name='single'",
];
const pieces = [
  "\\", "\\\n", "\\ \n", "`", "`\n", "\"", "'", "\"quoted string\"", "'it''s'", "\\\"", "\\'", "$VAR", "${VAR}", "${VAR:-default}",
  "${VAR:+alt}", "${", "}", "$", "=", "==", "a=b", "k=\"v w\"", "k=", "=v", "[", "]", "[\"a\", \"b\"]", "[\"a\",", "[]", "[\"\\u00e9\"]",
  "{", "}", ",", "&&", "||", ";", "|", ">", "<", "<<", "<<EOF", "<<-EOF", "<<'EOF'", "<<\"EOF\"", "3<<EOF", "<<EOF1 <<EOF2",
  "<<", "<<-", "<<''", "EOF", "EOF1", "EOF2", "\tEOF", "#", "# comment", "#comment", "# escape=`", "# escape=\\", "# escape=x",
  "# syntax=docker/dockerfile:1", "# check=skip=all", "# check=error=true", "#escape=`", "# ESCAPE=`", "\r", "\r\n", "\n", "\n\n",
  "\ufeff", " ", "  ", "\t", "\u00a0", "alpine:3.20", "scratch", "build", "/app", "./", ".", "..", "*", "/x/y z", "8080/tcp",
  "SIGTERM", "apt-get install -y curl", "echo hi", "\u00e9", "\ud83d\ude00", "\ud800", "\udc00", "\u0000", "\u2028",
];

/** Tokens of Dockerfile syntax glued with random separators. */
export function tokenSoup(rng: Rng): string {
  const count = rng.weighted([[3, rng.int(1, 8)], [4, rng.int(8, 40)], [2, rng.int(40, 160)]] as const);
  let out = "";
  for (let i = 0; i < count; i++) {
    const token = rng.weighted([[5, rng.pick(keywords)], [3, rng.pick(flags)], [8, rng.pick(pieces)]] as const);
    out += token;
    out += rng.weighted([[8, " "], [4, "\n"], [2, ""], [1, "\r\n"], [1, "\t"], [0.5, "\r"], [0.5, " \\\n"]] as const);
  }
  if (rng.chance(0.1)) out = `\ufeff${out}`;
  return out;
}

/** One to six edits (line and character level) of a well-formed Dockerfile. */
export function mutate(rng: Rng, original: string): string {
  let text = original;
  const edits = rng.int(1, 6);
  for (let e = 0; e < edits; e++) {
    const lines = text.split("\n");
    const li = rng.int(0, Math.max(0, lines.length - 1));
    const pos = rng.int(0, text.length);
    const span = rng.int(1, 12);
    switch (rng.int(0, 13)) {
      case 0: // delete a line
        lines.splice(li, 1);
        text = lines.join("\n");
        break;
      case 1: // duplicate a line
        lines.splice(li, 0, lines[li] ?? "");
        text = lines.join("\n");
        break;
      case 2: { // swap two lines
        const lj = rng.int(0, Math.max(0, lines.length - 1));
        [lines[li], lines[lj]] = [lines[lj] ?? "", lines[li] ?? ""];
        text = lines.join("\n");
        break;
      }
      case 3: // insert a token line
        lines.splice(li, 0, tokenSoup(rng).replace(/\n/g, " "));
        text = lines.join("\n");
        break;
      case 4: // delete characters
        text = text.slice(0, pos) + text.slice(pos + span);
        break;
      case 5: // insert a syntax piece
        text = text.slice(0, pos) + rng.pick([...pieces, ...flags, ...keywords]) + text.slice(pos);
        break;
      case 6: // duplicate characters
        text = text.slice(0, pos) + text.slice(pos, pos + span) + text.slice(pos);
        break;
      case 7: // swap two characters
        if (pos + 1 < text.length) text = text.slice(0, pos) + text[pos + 1] + text[pos] + text.slice(pos + 2);
        break;
      case 8: // replace a character
        text = text.slice(0, pos) + interesting[rng.int(0, interesting.length - 1)] + text.slice(pos + 1);
        break;
      case 9: // truncate
        text = text.slice(0, pos);
        break;
      case 10: // line endings: all CRLF, all CR, or one line
        text = rng.pick([() => text.replace(/\r?\n/g, "\r\n"), () => text.replace(/\r?\n/g, "\r"), () => lines.join(rng.chance(0.5) ? "\r\n" : "\n")])();
        break;
      case 11: // directives and BOM at the top
        text = rng.pick(["\ufeff", "# escape=`\n", "# escape=\\\n", "# syntax=docker/dockerfile:1\n", "#escape=`\r\n\n", "# check=skip=all\n"]) + text;
        break;
      case 12: // drop a line terminator (joins two lines) or add a continuation
        text = rng.chance(0.5) ? lines.slice(0, li).join("\n") + (li > 0 ? "\n" : "") + lines.slice(li).join(" ") : text.slice(0, pos) + " \\\n" + text.slice(pos);
        break;
      default: // a heredoc opener without its end, or a stray end
        lines.splice(li, 0, rng.pick(["RUN <<EOF", "COPY <<EOF /x", "RUN <<-EOT bash", "EOF", "RUN cat <<A <<B", "A"]));
        text = lines.join("\n");
        break;
    }
  }
  return text;
}

/** Hand-picked edge cases, checked before the random ones. */
export const edgeCases: readonly string[] = [
  "", "\n", "\r", "\r\n", "\r\r\n\n", "\ufeff", "\ufeff\n", " ", "\t", "\\", "\\\n", "`", "#", "# escape=`", "# escape=`\n`",
  "# escape=`\nRUN a `\n  b", "# escape=\\\n# escape=`\nFROM x", "FROM", "FROM\n", "RUN", "RUN \\", "RUN \\\n", "RUN \\\n\n\n",
  "RUN <<EOF", "RUN <<EOF\n", "RUN <<EOF\nbody", "RUN <<EOF\nEOF", "RUN <<-EOF\n\t\tx\n\tEOF\n", "COPY <<A <<B /x\na\nA\nb\nB\n",
  "RUN <<", "RUN <<''\n\n", "ONBUILD", "ONBUILD ONBUILD RUN x", "ONBUILD FROM x", "ONBUILD RUN <<EOF\nx\nEOF\n",
  "HEALTHCHECK", "HEALTHCHECK NONE", "HEALTHCHECK CMD", "HEALTHCHECK --interval= CMD x", "CMD [", "CMD [\"a\"", "CMD []",
  "CMD [\"a\", 1]", "ENV", "ENV a", "ENV =", "ENV a=", "LABEL \"\"=\"\"", "ARG", "ARG =x", "COPY", "COPY --from", "COPY --from= a b",
  "RUN --mount", "RUN --mount=", "RUN --mount=type=cache", "RUN --mount=,,,", "RUN --=x y", "EXPOSE", "SHELL", "SHELL x", "SHELL []",
  "STOPSIGNAL", "USER", "WORKDIR", "VOLUME []", "MAINTAINER", "FRUM alpine", "\u0000", "\ud800", "RUN \ud800\\\n\udc00",
  "FROM a\r\nRUN b \\\r\n  c\r\n", "FROM a\rRUN b \\\r  c\r", "RUN a\\\r\nb", "#\n#\n# escape=`\nFROM x", "  # c\n\tFROM x\n",
  "RUN a \\\n# comment\n  b", "RUN a \\\n\n  b", "RUN a \\\n", "COPY [\"a\",\n\"b\"]", "FROM x AS", "FROM x AS y z", "FROM --platform",
];
