/**
 * Authenticated registries: htpasswd Basic auth behind TLS with a CA made here (login, the CA
 * from --tls-ca and KILN_EXTRA_CA_CERTS, an untrusted certificate, wrong passwords), token auth
 * with the token server of test/helpers/registry.ts (scopes per request, read-only users), the
 * Docker config written as docker does (0600, other keys kept, credential helpers), logout.
 * Secrets must never appear in output.
 */
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { lookupCredentials, pullImage, pushFromStore, RegistryClient } from "../../registry/index.js";
import { haveRegistry, htpasswdLine, makeTls, startRegistry, startTokenServer, type RegistryServer, type TokenServer } from "../helpers/registry.js";
import { busyboxImage, haveBusybox, kiln, tempDir, withStore } from "./helpers.js";

const enabled = haveRegistry() && haveBusybox;
const t = tempDir("kiln-reg-auth-");
const root = join(t.dir, "root");
const PASSWORD = "s3cret-Pa55word!";
const WRONG = "not-the-Password-42";
let basic: RegistryServer;
let tokenReg: RegistryServer;
let tokens: TokenServer;
let ca: string;

test.before(async () => {
  if (!enabled) return;
  const tls = makeTls(t.dir);
  ca = tls.caCert;
  basic = await startRegistry({ tls, htpasswd: htpasswdLine("alice", PASSWORD) });
  tokens = await startTokenServer(t.dir, { bob: PASSWORD, reader: PASSWORD }, { readOnly: ["reader"] });
  tokenReg = await startRegistry({ token: tokens });
  await withStore(root, (s) => busyboxImage(s, [`${basic.host}/bb:1`, `${tokenReg.host}/team/bb:1`]));
});
test.after(async () => {
  await basic?.stop();
  await tokenReg?.stop();
  await tokens?.close();
  t.cleanup();
});

function noSecrets(text: string): void {
  assert.not.ok(text.includes(PASSWORD), `password leaked: ${text}`);
  assert.not.ok(text.includes(WRONG), `wrong password leaked: ${text}`);
  assert.not.ok(text.includes(Buffer.from(`alice:${PASSWORD}`).toString("base64")), "basic auth leaked");
  assert.not.ok(/eyJ[A-Za-z0-9_-]{10,}\./.test(text), `token leaked: ${text}`);
  assert.not.ok(/Authorization:/i.test(text), "header leaked");
}

test("Basic + TLS: push without login is refused; login with a wrong password fails; login saves 0600 config; push/pull work", async () => {
  if (!enabled) return;
  const home = join(t.dir, "home-basic");
  mkdirSync(join(home, ".docker"), { recursive: true });
  writeFileSync(join(home, ".docker", "config.json"), JSON.stringify({ auths: {}, psFormat: "table {{.ID}}", detachKeys: "ctrl-x" }));
  const env = { HOME: home, DOCKER_CONFIG: "" };
  const name = `${basic.host}/bb:1`;

  const untrusted = await kiln(["push", name], { root, env });
  assert.is(untrusted.status, 1);
  assert.match(untrusted.stderr, /not trusted/);
  assert.match(untrusted.stderr, /--tls-ca/);

  const anonymous = await kiln(["push", "--tls-ca", ca, name], { root, env });
  assert.is(anonymous.status, 1);
  assert.match(anonymous.stderr, /unauthorized/);
  assert.match(anonymous.stderr, new RegExp(`kiln login ${basic.host}`));

  const wrong = await kiln(["login", "--tls-ca", ca, "-u", "alice", "--password-stdin", basic.host], { root, env, input: `${WRONG}\n` });
  assert.is(wrong.status, 1);
  assert.match(wrong.stderr, /incorrect username or password/);
  noSecrets(wrong.stdout + wrong.stderr);

  const ok = await kiln(["login", "--tls-ca", ca, "-u", "alice", "--password-stdin", basic.host], { root, env, input: `${PASSWORD}\n` });
  assert.is(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, /Login Succeeded/);
  noSecrets(ok.stdout + ok.stderr);
  const file = join(home, ".docker", "config.json");
  assert.is(statSync(file).mode & 0o777, 0o600);
  const config = JSON.parse(readFileSync(file, "utf8"));
  assert.is(config.psFormat, "table {{.ID}}", "other keys kept");
  assert.is(Buffer.from(config.auths[basic.host].auth, "base64").toString(), `alice:${PASSWORD}`);

  const push = await kiln(["push", "--tls-ca", ca, name], { root, env });
  assert.is(push.status, 0, push.stderr);
  noSecrets(push.stdout + push.stderr);
  // the CA through the environment (what the launcher sets from NODE_EXTRA_CA_CERTS)
  const pull = await kiln(["pull", name], { root: join(t.dir, "root2"), env: { ...env, KILN_EXTRA_CA_CERTS: ca } });
  assert.is(pull.status, 0, pull.stderr);
  assert.match(pull.stdout, /Downloaded newer image/);

  const out = await kiln(["logout", basic.host], { env });
  assert.is(out.stdout, `Removing login credentials for ${basic.host}\n`);
  assert.equal(JSON.parse(readFileSync(file, "utf8")).auths, {});
  assert.is((await kiln(["logout", basic.host], { env })).stdout, `Not logged in to ${basic.host}\n`);

  // a wrong password saved in config.json (not checked by login): 401, a clear error, no secret
  writeFileSync(file, JSON.stringify({ auths: { [basic.host]: { auth: Buffer.from(`alice:${WRONG}`).toString("base64") } } }));
  const refused = await kiln(["pull", "--tls-ca", ca, name], { root: join(t.dir, "root-wrong"), env });
  assert.is(refused.status, 1);
  assert.match(refused.stderr, new RegExp(`${basic.host}/bb:1: unauthorized: authentication required or incorrect username or password`));
  assert.match(refused.stderr, new RegExp(`kiln login ${basic.host}`));
  noSecrets(refused.stdout + refused.stderr);
  assert.not.ok(refused.stderr.includes(Buffer.from(`alice:${WRONG}`).toString("base64")), "wrong basic auth leaked");
});

test("--insecure-registry skips TLS verification", async () => {
  if (!enabled) return;
  const c = new RegistryClient({ env: {}, insecureRegistries: [basic.host], credentials: async () => ({ username: "alice", password: PASSWORD }) });
  const r = await withStore(join(t.dir, "root3"), (s) => pullImage(c, s, `${basic.host}/bb:1`));
  assert.match(r.digest, /^sha256:/);
  c.close();
});

test("token auth: pull scope for pulls, pull,push for pushes; a read-only user cannot push; wrong password refused", async () => {
  if (!enabled) return;
  const name = `${tokenReg.host}/team/bb:1`;
  const anon = new RegistryClient({ env: {}, credentials: async () => undefined });
  try {
    await withStore(root, (s) => pushFromStore(anon, s, name));
    assert.unreachable();
  } catch (err) {
    assert.is((err as { code: string }).code, "registry-unauthorized");
  }
  anon.close();

  const bob = new RegistryClient({ env: {}, credentials: async () => ({ username: "bob", password: PASSWORD }) });
  tokens.requests.length = 0;
  const pushed = await withStore(root, (s) => pushFromStore(bob, s, name));
  const scopes = tokens.requests.flatMap((r) => r.scopes);
  assert.ok(scopes.includes("repository:team/bb:pull,push"), scopes.join(" "));
  const pulledRoot = join(t.dir, "root4");
  tokens.requests.length = 0;
  const fresh = new RegistryClient({ env: {}, credentials: async () => ({ username: "bob", password: PASSWORD }) });
  const pulled = await withStore(pulledRoot, (s) => pullImage(fresh, s, name));
  assert.is(pulled.digest, pushed.digest);
  assert.equal([...new Set(tokens.requests.flatMap((r) => r.scopes))], ["repository:team/bb:pull"]);
  assert.ok(tokens.requests.length <= 2, `tokens are cached per scope (${tokens.requests.length} fetched)`);
  bob.close();
  fresh.close();

  const reader = new RegistryClient({ env: {}, credentials: async () => ({ username: "reader", password: PASSWORD }) });
  await withStore(join(t.dir, "root5"), (s) => pullImage(reader, s, name));
  try {
    await withStore(root, (s) => pushFromStore(reader, s, name, { target: `${tokenReg.host}/team/other:1` }));
    assert.unreachable();
  } catch (err) {
    assert.is((err as { code: string }).code, "registry-denied");
    assert.match((err as Error).message, /team\/other:1/);
    assert.match((err as Error).message, /access denied: the registry did not grant repository:team\/other:pull,push to these credentials/);
    noSecrets(String((err as Error).message) + String((err as Error).stack));
  }
  reader.close();

  const home = join(t.dir, "home-token");
  const env = { HOME: home, DOCKER_CONFIG: "" };
  const bad = await kiln(["login", "-u", "bob", "-p", WRONG, tokenReg.host], { env });
  assert.is(bad.status, 1);
  assert.match(bad.stderr, /incorrect username or password/);
  noSecrets(bad.stderr.replace("WARNING! Using --password via the CLI is insecure. Use --password-stdin.", "") + bad.stdout);
  const good = await kiln(["login", "-u", "bob", "--password-stdin", tokenReg.host], { env, input: PASSWORD });
  assert.is(good.status, 0, good.stderr);
  const cli = await kiln(["pull", name], { root: join(t.dir, "root6"), env });
  assert.is(cli.status, 0, cli.stderr);
  noSecrets(cli.stdout + cli.stderr);
});

test("credential helpers: credsStore stores, gets and erases through docker-credential-<name>", async () => {
  if (!enabled) return;
  const dir = join(t.dir, "helper");
  const bin = join(dir, "bin");
  mkdirSync(bin, { recursive: true });
  const store = join(dir, "store.json");
  writeFileSync(store, "{}");
  // a helper in sh: store keeps {ServerURL: [user, secret]} in a JSON file (via node)
  const script = `#!/bin/sh
exec node -e '
const fs=require("fs");const f=${JSON.stringify(store)};const db=JSON.parse(fs.readFileSync(f,"utf8"));
let input="";process.stdin.on("data",c=>input+=c).on("end",()=>{
  const a=process.argv[1];
  if(a==="store"){const d=JSON.parse(input);db[d.ServerURL]=[d.Username,d.Secret];fs.writeFileSync(f,JSON.stringify(db));}
  else if(a==="get"){const e=db[input.trim()];if(!e){console.log("credentials not found in native keychain");process.exit(1);}console.log(JSON.stringify({ServerURL:input.trim(),Username:e[0],Secret:e[1]}));}
  else if(a==="erase"){if(!db[input.trim()]){console.log("credentials not found in native keychain");process.exit(1);}delete db[input.trim()];fs.writeFileSync(f,JSON.stringify(db));}
});' "$1"
`;
  writeFileSync(join(bin, "docker-credential-kilntest"), script);
  chmodSync(join(bin, "docker-credential-kilntest"), 0o755);
  const cfgDir = join(dir, "docker");
  mkdirSync(cfgDir);
  writeFileSync(join(cfgDir, "config.json"), JSON.stringify({ credsStore: "kilntest" }));
  const env = { DOCKER_CONFIG: cfgDir, PATH: `${bin}:${process.env["PATH"]}` };
  const login = await kiln(["login", "-u", "bob", "--password-stdin", tokenReg.host], { env, input: PASSWORD });
  assert.is(login.status, 0, login.stderr);
  assert.not.match(login.stderr, /unencrypted/);
  const cfg = JSON.parse(readFileSync(join(cfgDir, "config.json"), "utf8"));
  assert.equal(cfg.auths[tokenReg.host], {}, "no secret in config.json");
  assert.equal(JSON.parse(readFileSync(store, "utf8"))[tokenReg.host], ["bob", PASSWORD]);
  const creds = await lookupCredentials(tokenReg.host, { env: { ...process.env, ...env } });
  assert.equal(creds, { username: "bob", password: PASSWORD });
  const pull = await kiln(["pull", `${tokenReg.host}/team/bb:1`], { root: join(t.dir, "root7"), env });
  assert.is(pull.status, 0, pull.stderr);
  const out = await kiln(["logout", tokenReg.host], { env });
  assert.match(out.stdout, /Removing login credentials/);
  assert.equal(JSON.parse(readFileSync(store, "utf8")), {});
  // credHelpers wins over auths for its registry; auths still serves others
  writeFileSync(join(cfgDir, "config.json"), JSON.stringify({ credHelpers: { "other.example:5000": "kilntest" }, auths: { [basic.host]: { auth: Buffer.from(`alice:${PASSWORD}`).toString("base64") } } }));
  assert.equal(await lookupCredentials(basic.host, { env: { ...process.env, ...env } }), { username: "alice", password: PASSWORD });
  assert.is(await lookupCredentials("other.example:5000", { env: { ...process.env, ...env } }), undefined);
  // credHelpers naming this registry: its helper is asked, and a pull works with what it returns
  writeFileSync(store, JSON.stringify({ [tokenReg.host]: ["bob", PASSWORD] }));
  writeFileSync(join(cfgDir, "config.json"), JSON.stringify({ credHelpers: { [tokenReg.host]: "kilntest" }, auths: { [tokenReg.host]: { auth: Buffer.from("bob:stale").toString("base64") } } }));
  assert.equal(await lookupCredentials(tokenReg.host, { env: { ...process.env, ...env } }), { username: "bob", password: PASSWORD });
  const viaHelper = await kiln(["pull", `${tokenReg.host}/team/bb:1`], { root: join(t.dir, "root8"), env });
  assert.is(viaHelper.status, 0, viaHelper.stderr);
  noSecrets(viaHelper.stdout + viaHelper.stderr);
});

test.run();
