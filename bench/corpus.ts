/**
 * A seeded generator of realistic Dockerfiles, shared by the benchmarks (bench/parse.ts) and the
 * parser fuzz test (test/parser/fuzz.test.ts). Same `(count, seed)`, same texts, on any machine.
 *
 * What it writes: 1–4 stage builds (`FROM … AS name`, `--platform`), ARG/ENV/LABEL in the
 * `k=v` and legacy `k v` forms, RUN with long `&&` chains and continuations (apt-get, apk, pip,
 * npm, go, cargo, curl|tar), exec and shell CMD/ENTRYPOINT, COPY/ADD with `--from`, `--chown`,
 * `--chmod`, `--link`, `--checksum`, `--keep-git-dir`, `RUN --mount=type=cache|bind|secret|ssh|tmpfs`,
 * `--network`, heredocs (`RUN <<EOF`, `RUN <<-EOT`, quoted delimiters, `COPY <<EOF /x`), comments
 * (also inside continuations), blank lines, HEALTHCHECK, ONBUILD, EXPOSE, VOLUME, WORKDIR, USER,
 * SHELL, STOPSIGNAL, MAINTAINER, parser directives (`# syntax=`, `# escape=` with the backtick
 * escape used consistently afterwards), the odd lower-case keyword, and a few CRLF files.
 * Sizes run from ~10 to ~150 lines.
 *
 * Run directly to write the corpus for external tools:
 *   node dist/lib/bench/corpus.js [count=5000] [seed=1] [dir=bench/.corpus]
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

/** mulberry32: a tiny, fast, well-mixed 32-bit PRNG. Returns floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Convenience helpers over a PRNG. */
export class Rng {
  readonly next: () => number;
  constructor(seed: number) {
    this.next = mulberry32(seed);
  }
  /** Integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }
  /** `count` distinct items (fewer if there are not enough). */
  some<T>(items: readonly T[], min: number, max: number): T[] {
    const pool = [...items];
    const n = Math.min(pool.length, this.int(min, max));
    const out: T[] = [];
    for (let i = 0; i < n; i++) out.push(pool.splice(Math.floor(this.next() * pool.length), 1)[0]!);
    return out;
  }
  /** Weighted choice: `[[weight, value], …]`. */
  weighted<T>(table: readonly (readonly [number, T])[]): T {
    let total = 0;
    for (const [w] of table) total += w;
    let r = this.next() * total;
    for (const [w, v] of table) {
      r -= w;
      if (r < 0) return v;
    }
    return table[table.length - 1]![1];
  }
}

// ---------------------------------------------------------------- vocabulary

const baseImages = [
  "alpine:3.19", "alpine:3.20", "debian:bookworm-slim", "debian:12", "ubuntu:22.04", "ubuntu:24.04",
  "node:20-alpine", "node:22-bookworm-slim", "python:3.12-slim", "python:3.11-alpine", "golang:1.22-alpine",
  "golang:1.23", "rust:1.79-slim", "eclipse-temurin:21-jre", "maven:3.9-eclipse-temurin-21", "nginx:1.27-alpine",
  "httpd:2.4", "ruby:3.3-slim", "php:8.3-fpm-alpine", "mcr.microsoft.com/dotnet/sdk:8.0",
  "mcr.microsoft.com/dotnet/aspnet:8.0", "gcr.io/distroless/static-debian12:nonroot",
  "gcr.io/distroless/base-debian12", "registry.example.com/platform/base:2024.06",
  "ghcr.io/acme/toolchain:v1.4.2", "quay.io/centos/centos:stream9", "busybox:1.36",
  "docker.io/library/postgres:16-alpine",
  "alpine@sha256:0a4eaa0eecf5f8c050e5bba433f58c052be7587ee8af3e8b3910ef9ab5fbe9f5",
] as const;
const runtimeImages = [
  "alpine:3.20", "debian:bookworm-slim", "gcr.io/distroless/static-debian12", "gcr.io/distroless/cc-debian12",
  "scratch", "nginx:1.27-alpine", "node:20-alpine", "python:3.12-slim", "eclipse-temurin:21-jre-alpine",
  "ubuntu:24.04", "busybox:1.36-musl",
] as const;
const stageNames = ["build", "builder", "deps", "base", "compile", "test", "assets", "frontend", "backend", "tools", "dev", "final", "runtime", "release"] as const;
const aptPackages = [
  "ca-certificates", "curl", "wget", "git", "build-essential", "pkg-config", "libssl-dev", "gnupg",
  "unzip", "xz-utils", "tzdata", "locales", "openssh-client", "python3", "python3-pip", "jq",
  "libpq-dev", "libffi-dev", "zlib1g-dev", "make", "gcc", "g++", "netbase", "procps", "tini", "gosu",
] as const;
const apkPackages = [
  "ca-certificates", "curl", "git", "bash", "build-base", "openssl", "tzdata", "su-exec", "tini",
  "libc6-compat", "python3", "py3-pip", "musl-dev", "linux-headers", "openssh-client", "jq", "make",
] as const;
const pipPackages = ["requests==2.32.3", "flask", "gunicorn==22.0.0", "uvicorn[standard]", "psycopg[binary]", "numpy", "pydantic>=2", "celery", "boto3"] as const;
const envKeys = ["PATH", "LANG", "LC_ALL", "TZ", "NODE_ENV", "PYTHONUNBUFFERED", "PYTHONDONTWRITEBYTECODE", "PIP_NO_CACHE_DIR", "GOPATH", "CGO_ENABLED", "GOOS", "GOARCH", "APP_HOME", "JAVA_OPTS", "RUST_LOG", "PORT", "DEBIAN_FRONTEND", "HOME"] as const;
const envValues = ["/usr/local/bin:$PATH", "C.UTF-8", "en_US.UTF-8", "UTC", "production", "1", "0", "/go", "linux", "amd64", "/opt/app", "-Xms256m -Xmx1g", "info", "8080", "noninteractive", "${APP_HOME}/bin:${PATH}", "/home/app"] as const;
const argNames = ["VERSION", "APP_VERSION", "BUILD_DATE", "VCS_REF", "TARGETOS", "TARGETARCH", "TARGETPLATFORM", "BUILDPLATFORM", "NODE_VERSION", "PYTHON_VERSION", "GO_VERSION", "UID", "GID", "USERNAME", "BASE_IMAGE", "HTTP_PROXY", "NPM_TOKEN"] as const;
const argDefaults = ["1.0.0", "20", "3.12", "1.22", "1000", "app", "latest", "main", "\"\"", "linux/amd64", "alpine:3.20", "${VERSION}"] as const;
const labelKeys = [
  "org.opencontainers.image.title", "org.opencontainers.image.description", "org.opencontainers.image.version",
  "org.opencontainers.image.source", "org.opencontainers.image.licenses", "org.opencontainers.image.revision",
  "org.opencontainers.image.created", "maintainer", "com.example.team", "version", "description",
] as const;
const labelValues = [
  "\"my-service\"", "\"A small web service\"", "$VERSION", "\"https://github.com/acme/service\"", "Apache-2.0",
  "${VCS_REF}", "$BUILD_DATE", "\"Jane Doe <jane@example.com>\"", "platform", "\"1.2.3\"", "'single quoted'",
] as const;
const users = ["app", "nobody", "1000", "1000:1000", "node", "nonroot:nonroot", "65532:65532", "${USERNAME}", "www-data", "root"] as const;
const workdirs = ["/app", "/src", "/usr/src/app", "/opt/app", "/workspace", "/go/src/github.com/acme/service", "$APP_HOME", "/home/app", "/build", "/var/www/html"] as const;
const sources = ["package.json", "package*.json", "requirements.txt", "go.mod", "go.sum", "Cargo.toml", "Cargo.lock", "src/", ".", "./config", "scripts/entrypoint.sh", "pom.xml", "Gemfile Gemfile.lock", "public/", "*.csproj", "nginx.conf", "tsconfig.json"] as const;
const destinations = ["./", ".", "/app/", "/usr/src/app/", "/etc/nginx/conf.d/default.conf", "/usr/local/bin/", "/src/", "/opt/app/", "$APP_HOME/"] as const;
const ports = ["80", "443", "8080", "3000", "5000", "8000", "9090", "5432/tcp", "53/udp", "8080/tcp", "6379", "8000-8010", "$PORT"] as const;
const signals = ["SIGTERM", "SIGINT", "SIGQUIT", "SIGKILL", "9", "SIGUSR1"] as const;
const binaries = ["/app/server", "/usr/local/bin/app", "node", "python", "java", "nginx", "./entrypoint.sh", "gunicorn", "dotnet", "/bin/sh"] as const;
const cmdArgs = ["server.js", "-m", "app", "--port", "8080", "-jar", "/app/app.jar", "-g", "daemon off;", "--config", "/etc/app/config.yaml", "start", "Service.dll", "-c"] as const;
const urls = [
  "https://github.com/acme/tool/releases/download/v1.2.3/tool-linux-amd64.tar.gz",
  "https://dl.example.com/pkg/v2.0.1/pkg.tgz", "https://raw.githubusercontent.com/acme/scripts/main/install.sh",
  "https://nodejs.org/dist/v20.15.0/node-v20.15.0-linux-x64.tar.xz",
] as const;

// ---------------------------------------------------------------- generator

interface Ctx {
  readonly rng: Rng;
  /** The line-continuation character: "\\" or "`" after `# escape=\``. */
  readonly esc: string;
  readonly stages: string[];
  /** Lower-case keywords now and then. */
  kw(word: string): string;
}

/** Joins physical lines with ` <esc>\n` + indent, adding comment/blank lines inside sometimes. */
function continued(ctx: Ctx, first: string, rest: readonly string[], indent = "    "): string {
  const { rng, esc } = ctx;
  let out = first;
  for (const piece of rest) {
    out += ` ${esc}\n`;
    if (rng.chance(0.03)) out += `${indent}# ${rng.pick(["install deps", "clean up", "see issue #42", "TODO: pin"])}\n`;
    else if (rng.chance(0.01)) out += "\n";
    out += indent + piece;
  }
  return out;
}

function chain(ctx: Ctx, commands: readonly string[], keyword = "RUN", prefix = ""): string {
  const { rng } = ctx;
  const head = `${ctx.kw(keyword)} ${prefix}`;
  if (commands.length === 1 || rng.chance(0.15)) return `${head}${commands.join(" && ")}`;
  const style = rng.int(0, 2);
  if (style === 0) return continued(ctx, `${head}${commands[0]}`, commands.slice(1).map((c) => `&& ${c}`));
  if (style === 1) return continued(ctx, `${head}${commands[0]} &&`, commands.slice(1).map((c, i) => (i < commands.length - 2 ? `${c} &&` : c)));
  return continued(ctx, `${head}set -eux;`, commands.map((c, i) => `${c}${i < commands.length - 1 ? ";" : ""}`));
}

function aptInstall(ctx: Ctx): string[] {
  const { rng } = ctx;
  const pkgs = rng.some(aptPackages, 2, 9);
  return [
    "apt-get update",
    `${rng.chance(0.5) ? "DEBIAN_FRONTEND=noninteractive " : ""}apt-get install -y --no-install-recommends ${pkgs.join(" ")}`,
    ...(rng.chance(0.6) ? ["apt-get clean"] : []),
    "rm -rf /var/lib/apt/lists/*",
  ];
}

function apkInstall(ctx: Ctx): string[] {
  const { rng } = ctx;
  const out = [`apk add --no-cache ${rng.some(apkPackages, 1, 7).join(" ")}`];
  if (rng.chance(0.3)) out.push(`apk add --no-cache --virtual .build-deps ${rng.some(apkPackages, 1, 4).join(" ")}`, "apk del .build-deps");
  return out;
}

function langCommands(ctx: Ctx): string[] {
  const { rng } = ctx;
  return rng.pick([
    () => ["npm ci --omit=dev", "npm cache clean --force"],
    () => ["npm install -g pnpm@9", "pnpm install --frozen-lockfile", "pnpm run build"],
    () => ["yarn install --frozen-lockfile", "yarn build"],
    () => ["pip install --no-cache-dir --upgrade pip", `pip install --no-cache-dir ${rng.some(pipPackages, 1, 4).join(" ")}`],
    () => ["pip install --no-cache-dir -r requirements.txt"],
    () => ["go mod download", `CGO_ENABLED=0 GOOS=\${TARGETOS:-linux} GOARCH=\${TARGETARCH} go build -trimpath -ldflags="-s -w -X main.version=\${VERSION}" -o /out/app ./cmd/app`],
    () => ["cargo build --release --locked", "strip target/release/app"],
    () => ["mvn -B -q dependency:go-offline", "mvn -B package -DskipTests"],
    () => ["dotnet restore", "dotnet publish -c Release -o /out --no-restore"],
    () => ["bundle config set --local without 'development test'", "bundle install --jobs 4"],
    () => [`curl -fsSL ${rng.pick(urls)} -o /tmp/pkg.tgz`, "tar -xzf /tmp/pkg.tgz -C /usr/local/bin", "rm /tmp/pkg.tgz"],
    () => [`curl -fsSL ${rng.pick(urls)} | tar -xJ -C /usr/local --strip-components=1`],
    () => ["groupadd -r app --gid=${GID:-1000}", "useradd -r -g app --uid=${UID:-1000} --home-dir=/home/app --shell=/sbin/nologin app", "mkdir -p /home/app", "chown -R app:app /home/app"],
    () => ["addgroup -S app", "adduser -S -G app app"],
    () => ["ln -sf /dev/stdout /var/log/nginx/access.log", "ln -sf /dev/stderr /var/log/nginx/error.log"],
    () => ["echo \"$TZ\" > /etc/timezone", "ln -snf /usr/share/zoneinfo/$TZ /etc/localtime"],
    () => ["make -j\"$(nproc)\"", "make install", "make clean"],
    () => ["sed -i 's/^#\\(en_US.UTF-8\\)/\\1/' /etc/locale.gen", "locale-gen"],
    () => ["test -f /app/config.yaml || cp /app/config.example.yaml /app/config.yaml", "chmod +x /usr/local/bin/*"],
  ])();
}

function mountFlags(ctx: Ctx): string {
  const { rng } = ctx;
  const mounts: string[] = [];
  const n = rng.weighted([[6, 1], [2, 2], [1, 3]] as const);
  for (let i = 0; i < n; i++) {
    mounts.push(
      rng.pick([
        () => `--mount=type=cache,target=/var/cache/apt,sharing=locked`,
        () => `--mount=type=cache,target=/root/.npm`,
        () => `--mount=type=cache,id=pip-${rng.int(1, 9)},target=/root/.cache/pip`,
        () => `--mount=type=cache,target=/go/pkg/mod,sharing=${rng.pick(["shared", "private", "locked"])}`,
        () => `--mount=type=cache,target=/root/.cache/go-build,uid=${rng.pick(["0", "1000"])},mode=0755`,
        () => `--mount=type=bind,source=go.sum,target=go.sum`,
        () => `--mount=type=bind,from=${ctx.stages.length > 0 ? rng.pick(ctx.stages) : "build"},source=/out,target=/mnt/out${rng.chance(0.3) ? ",rw" : ""}`,
        () => `--mount=type=secret,id=npmrc,target=/root/.npmrc${rng.chance(0.3) ? ",required=true" : ""}`,
        () => `--mount=type=secret,id=aws,env=AWS_SECRET_ACCESS_KEY`,
        () => `--mount=type=ssh${rng.chance(0.5) ? ",id=default" : ""}`,
        () => `--mount=type=tmpfs,target=/tmp,size=${rng.pick(["64m", "512m", "1g"])}`,
      ])(),
    );
  }
  if (rng.chance(0.1)) mounts.push(`--network=${rng.pick(["none", "host", "default"])}`);
  if (rng.chance(0.02)) mounts.push("--security=insecure");
  return `${mounts.join(" ")} `;
}

function heredocBody(ctx: Ctx, tabs: boolean): string[] {
  const { rng } = ctx;
  const lines = rng.pick([
    () => ["set -e", ...aptInstall(ctx)],
    () => ["#!/usr/bin/env bash", "set -euo pipefail", ...langCommands(ctx)],
    () => ["import sys", "print(sys.version)", "print('hello from $HOSTNAME')"],
    () => ["echo \"building ${VERSION}\"", "mkdir -p /out", "cp -r /src/. /out/"],
  ])();
  return tabs ? lines.map((l) => `\t${l}`) : lines;
}

function runHeredoc(ctx: Ctx, prefix: string): string {
  const { rng } = ctx;
  const name = rng.pick(["EOF", "EOT", "SCRIPT", "END", "PY"]);
  const chomp = rng.chance(0.2);
  const quote = rng.weighted([[6, ""], [2, "'"], [1, "\""]] as const);
  const marker = `<<${chomp ? "-" : ""}${quote}${name}${quote}`;
  const lead = rng.weighted([[5, `${marker}`], [2, `bash ${marker}`], [1, `python3 ${marker}`], [1, `cat > /etc/motd ${marker}`]] as const);
  return `${ctx.kw("RUN")} ${prefix}${lead}\n${heredocBody(ctx, chomp).join("\n")}\n${name}`;
}

function copyFlags(ctx: Ctx, allowFrom: boolean): string {
  const { rng } = ctx;
  const flags: string[] = [];
  if (allowFrom && ctx.stages.length > 0 && rng.chance(0.5)) flags.push(`--from=${rng.pick(ctx.stages)}`);
  else if (allowFrom && rng.chance(0.08)) flags.push(`--from=${rng.pick(["nginx:1.27-alpine", "golang:1.22", "ghcr.io/acme/assets:latest"])}`);
  if (rng.chance(0.25)) flags.push(`--chown=${rng.pick(users)}`);
  if (rng.chance(0.12)) flags.push(`--chmod=${rng.pick(["755", "0644", "u+x", "0755"])}`);
  if (rng.chance(0.15)) flags.push("--link");
  if (allowFrom && rng.chance(0.03)) flags.push("--parents"); // COPY only: ADD has no --parents
  if (rng.chance(0.03)) flags.push(`--exclude=${rng.pick(["*.md", "node_modules", "**/*.test.ts"])}`);
  return flags.length ? `${flags.join(" ")} ` : "";
}

function instruction(ctx: Ctx, finalStage: boolean): string {
  const { rng } = ctx;
  const kind = rng.weighted([
    [24, "RUN"], [10, "COPY"], [3, "ADD"], [6, "ENV"], [5, "ARG"], [4, "LABEL"], [5, "WORKDIR"],
    [3, "USER"], [3, "EXPOSE"], [1.5, "VOLUME"], [1, "SHELL"], [0.7, "STOPSIGNAL"], [1.5, "HEALTHCHECK"],
    [1, "ONBUILD"], [2, "CMD"], [1.5, "ENTRYPOINT"], [0.3, "MAINTAINER"], [5, "COMMENT"], [3, "BLANK"],
  ] as const);
  switch (kind) {
    case "RUN": {
      const prefix = rng.chance(0.2) ? mountFlags(ctx) : "";
      const form = rng.weighted([[12, "chain"], [3, "single"], [2, "heredoc"], [1, "exec"]] as const);
      if (form === "heredoc") return runHeredoc(ctx, prefix);
      if (form === "exec") return `${ctx.kw("RUN")} ${prefix}["/bin/sh", "-c", "${rng.pick(["echo hello", "ls -la /app", "npm ci"])}"]`;
      if (form === "single") return `${ctx.kw("RUN")} ${prefix}${rng.pick([...langCommands(ctx), "mkdir -p /app/data", "chmod +x /entrypoint.sh"])}`;
      const cmds = rng.pick([aptInstall, apkInstall, langCommands])(ctx);
      if (rng.chance(0.4)) cmds.push(...langCommands(ctx));
      return chain(ctx, cmds, "RUN", prefix);
    }
    case "COPY": {
      const flags = copyFlags(ctx, true);
      const form = rng.weighted([[10, "shell"], [2, "exec"], [1.5, "heredoc"]] as const);
      if (form === "heredoc") {
        const two = rng.chance(0.2);
        const body = (n: string) => `${rng.pick(["server {", "[app]", "key: value", "#!/bin/sh"])}\n  ${rng.pick(["listen 80;", "debug = false", "port: 8080", "exec \"$@\""])}\n${n}`;
        if (two) return `${ctx.kw("COPY")} ${flags}<<A <<B /etc/app/\n${body("A")}\n${body("B")}`;
        return `${ctx.kw("COPY")} ${flags}<<EOF ${rng.pick(["/etc/app.conf", "/entrypoint.sh", "/usr/share/nginx/html/index.html"])}\n${body("EOF")}`;
      }
      const srcs = rng.some(sources, 1, 3);
      const dest = rng.pick(destinations);
      if (form === "exec") return `${ctx.kw("COPY")} ${flags}[${[...srcs, dest].map((s) => JSON.stringify(s)).join(", ")}]`;
      return `${ctx.kw("COPY")} ${flags}${srcs.join(" ")} ${dest}`;
    }
    case "ADD": {
      const flags = copyFlags(ctx, false);
      return rng.pick([
        () => `${ctx.kw("ADD")} ${flags}${rng.chance(0.5) ? `--checksum=sha256:${"0123456789abcdef".repeat(4)} ` : ""}${rng.pick(urls)} /tmp/`,
        () => `${ctx.kw("ADD")} ${flags}${rng.chance(0.5) ? "--keep-git-dir=true " : ""}https://github.com/acme/repo.git#v1.2.3 /src/repo`,
        () => `${ctx.kw("ADD")} ${flags}rootfs.tar.gz /`,
        () => `${ctx.kw("ADD")} ${flags}${rng.pick(sources)} ${rng.pick(destinations)}`,
      ])();
    }
    case "ENV": {
      const keys = rng.some(envKeys, 1, 5);
      if (rng.chance(0.2)) return `${ctx.kw("ENV")} ${keys[0]} ${rng.pick(envValues)}${rng.chance(0.5) ? " with spaces" : ""}`;
      const pairs = keys.map((k) => {
        const v = rng.pick(envValues);
        return `${k}=${v.includes(" ") ? JSON.stringify(v) : v}`;
      });
      if (pairs.length > 2 && rng.chance(0.6)) return continued(ctx, `${ctx.kw("ENV")} ${pairs[0]}`, pairs.slice(1));
      return `${ctx.kw("ENV")} ${pairs.join(" ")}`;
    }
    case "ARG": {
      const names = rng.some(argNames, 1, rng.chance(0.15) ? 3 : 1);
      return `${ctx.kw("ARG")} ${names.map((n) => (rng.chance(0.55) ? `${n}=${rng.pick(argDefaults)}` : n)).join(" ")}`;
    }
    case "LABEL": {
      const keys = rng.some(labelKeys, 1, 6);
      if (rng.chance(0.12)) return `${ctx.kw("LABEL")} ${keys[0]} ${rng.pick(labelValues)}`;
      const pairs = keys.map((k) => `${k}=${rng.pick(labelValues)}`);
      if (pairs.length > 1 && rng.chance(0.7)) return continued(ctx, `${ctx.kw("LABEL")} ${pairs[0]}`, pairs.slice(1), "      ");
      return `${ctx.kw("LABEL")} ${pairs.join(" ")}`;
    }
    case "WORKDIR":
      return `${ctx.kw("WORKDIR")} ${rng.pick(workdirs)}`;
    case "USER":
      return `${ctx.kw("USER")} ${rng.pick(users)}`;
    case "EXPOSE":
      return `${ctx.kw("EXPOSE")} ${rng.some(ports, 1, 3).join(" ")}`;
    case "VOLUME": {
      const paths = rng.some(["/data", "/var/lib/app", "/tmp", "/var/log/app", "/cache"], 1, 2);
      return rng.chance(0.5) ? `${ctx.kw("VOLUME")} ${JSON.stringify(paths).replace(/,/g, ", ")}` : `${ctx.kw("VOLUME")} ${paths.join(" ")}`;
    }
    case "SHELL":
      return `${ctx.kw("SHELL")} ${rng.pick(['["/bin/bash", "-o", "pipefail", "-c"]', '["/bin/sh", "-eu", "-c"]', '["powershell", "-Command", "$ErrorActionPreference = \'Stop\';"]'])}`;
    case "STOPSIGNAL":
      return `${ctx.kw("STOPSIGNAL")} ${rng.pick(signals)}`;
    case "HEALTHCHECK": {
      if (rng.chance(0.15)) return `${ctx.kw("HEALTHCHECK")} NONE`;
      const opts = rng.some(["--interval=30s", "--timeout=5s", "--start-period=10s", "--start-interval=2s", "--retries=3"], 0, 4);
      const cmd = rng.chance(0.7)
        ? `CMD ${rng.pick(["curl -fsS http://localhost:8080/healthz || exit 1", "wget -qO- http://127.0.0.1/ >/dev/null", "pg_isready -U postgres"])}`
        : `CMD ["/app/healthcheck", "--quiet"]`;
      if (opts.length > 2 && rng.chance(0.5)) return continued(ctx, `${ctx.kw("HEALTHCHECK")} ${opts.join(" ")}`, [cmd]);
      return `${ctx.kw("HEALTHCHECK")} ${[...opts, cmd].join(" ")}`;
    }
    case "ONBUILD": {
      const trigger = rng.pick([
        "COPY . /app/src",
        "RUN npm ci && npm run build",
        "ARG BUILD_ENV=production",
        `ADD ${rng.pick(sources)} /app/`,
        "RUN --mount=type=cache,target=/root/.npm npm ci",
        "ENV APP_ENV=production",
        "WORKDIR /app",
      ]);
      return `${ctx.kw("ONBUILD")} ${trigger}`;
    }
    case "CMD":
    case "ENTRYPOINT": {
      if (rng.chance(0.7)) {
        const argv = [rng.pick(binaries), ...rng.some(cmdArgs, 0, 3)];
        return `${ctx.kw(kind)} ${JSON.stringify(argv).replace(/","/g, rng.chance(0.5) ? '", "' : '","')}`;
      }
      return `${ctx.kw(kind)} ${rng.pick(binaries)} ${rng.some(cmdArgs, 0, 3).join(" ")}`.trimEnd();
    }
    case "MAINTAINER":
      return `${ctx.kw("MAINTAINER")} ${rng.pick(["Jane Doe <jane@example.com>", "ops@example.com", "The Platform Team"])}`;
    case "COMMENT":
      return `# ${rng.pick([
        "Install build dependencies",
        "Build the application",
        "Copy only what the runtime needs",
        "Run as a non-root user",
        "hadolint ignore=DL3008,DL3018",
        "See https://docs.docker.com/build/building/best-practices/",
        "TODO: pin versions",
        `---------------------------------------------------------------- ${finalStage ? "runtime" : "build"}`,
        "The cache mount keeps downloads between builds",
      ])}`;
    case "BLANK":
      return "";
  }
}

/** One Dockerfile of roughly `targetLines` lines. */
export function generateDockerfile(rng: Rng, targetLines: number): string {
  const backtick = rng.chance(0.03);
  const header: string[] = [];
  if (rng.chance(0.35)) header.push(`# syntax=docker/dockerfile:${rng.pick(["1", "1.7", "1-labs", "1.10"])}`);
  if (backtick) header.push("# escape=`");
  if (rng.chance(0.05)) header.push("# check=skip=JSONArgsRecommended");
  const ctx: Ctx = {
    rng,
    esc: backtick ? "`" : "\\",
    stages: [],
    kw: (word) => (rng.chance(0.04) ? (rng.chance(0.5) ? word.toLowerCase() : word[0] + word.slice(1).toLowerCase()) : word),
  };
  const parts: string[] = [...header];
  if (header.length > 0) parts.push("");
  if (rng.chance(0.4)) parts.push(`${ctx.kw("ARG")} ${rng.pick(["BASE_IMAGE=alpine:3.20", "VERSION=1.0.0", "NODE_VERSION=20", "GO_VERSION=1.22"])}`);
  const stageCount = targetLines < 25 ? rng.int(1, 2) : rng.weighted([[3, 1], [5, 2], [3, 3], [1.5, 4]] as const);
  const perStage = Math.max(3, Math.round(targetLines / stageCount));
  let lines = parts.length;
  for (let s = 0; s < stageCount; s++) {
    const final = s === stageCount - 1;
    const image = final && stageCount > 1 ? rng.pick(runtimeImages) : rng.chance(0.08) ? "${BASE_IMAGE}" : rng.pick(baseImages);
    const platform = rng.chance(0.12) ? `--platform=${rng.pick(["$BUILDPLATFORM", "${TARGETPLATFORM}", "linux/amd64"])} ` : "";
    const name = !final || rng.chance(0.3) ? rng.pick(stageNames.filter((n) => !ctx.stages.includes(n))) : null;
    const as = name ? ` ${rng.chance(0.9) ? "AS" : "as"} ${name}` : "";
    if (s > 0) parts.push("");
    parts.push(`${ctx.kw("FROM")} ${platform}${image}${as}`);
    const stageEnd = lines + perStage;
    lines += 1;
    while (lines < stageEnd) {
      const text = instruction(ctx, final);
      parts.push(text);
      lines += text.split("\n").length;
    }
    if (name) ctx.stages.push(name);
  }
  let text = `${parts.join("\n")}\n`;
  if (rng.chance(0.03)) text = text.replace(/\n/g, "\r\n");
  return text;
}

/** `count` Dockerfiles from `seed`; sizes from ~10 to ~150 lines, skewed towards small ones. */
export function generateCorpus(count: number, seed = 1): string[] {
  const rng = new Rng(seed);
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const r = rng.next();
    const target = Math.round(10 + 140 * r * r);
    out.push(generateDockerfile(rng, target));
  }
  return out;
}

/** The repository root (from dist/lib/bench/corpus.js or bench/corpus.ts run by a TS loader). */
export const repoRoot = fileURLToPath(new URL(import.meta.url.includes("/dist/lib/") ? "../../../" : "../", import.meta.url));

/** Writes the corpus as `<dir>/00000.Dockerfile`… (the directory is emptied first). */
export function writeCorpus(files: readonly string[], dir = join(repoRoot, "bench", ".corpus")): string {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  files.forEach((text, i) => writeFileSync(join(dir, `${String(i).padStart(5, "0")}.Dockerfile`), text));
  return dir;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const count = Number(process.argv[2] ?? 5000);
  const seed = Number(process.argv[3] ?? 1);
  const files = generateCorpus(count, seed);
  const dir = writeCorpus(files, process.argv[4] ? resolve(process.argv[4]) : undefined);
  const bytes = files.reduce((n, f) => n + Buffer.byteLength(f), 0);
  console.log(`wrote ${files.length} Dockerfiles (${(bytes / 1e6).toFixed(2)} MB, seed ${seed}) to ${dir}`);
}
