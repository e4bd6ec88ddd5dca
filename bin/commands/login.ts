/**
 * `kiln login [-u USER] [-p PASSWORD | --password-stdin] [REGISTRY]`: checks the credentials
 * against the registry's /v2/ (Basic, or a bearer token fetched with them) and saves them where
 * docker does: the configured credential helper (`credsStore`/`credHelpers`), else base64 in
 * `auths` of `$DOCKER_CONFIG/config.json` (~/.docker/config.json), mode 0600, other keys kept.
 * REGISTRY defaults to Docker Hub.
 */
import { defineCommand } from "../command.js";
import { readAll } from "../io.js";
import { clientOptions, registryOptions, type RegistryArgs } from "../transfer.js";

export interface LoginArgs extends RegistryArgs {
  readonly server?: string;
  readonly username?: string;
  readonly password?: string;
  readonly "password-stdin": boolean;
}

/** `https://host:5000/v2/` → `host:5000`; Docker Hub's aliases → docker.io. */
export function registryHost(server: string | undefined): string {
  if (!server) return "docker.io";
  const host = server.replace(/^[a-z]+:\/\//i, "").replace(/\/.*$/, "");
  return ["index.docker.io", "registry-1.docker.io", "docker.io"].includes(host) ? "docker.io" : host;
}

export const loginCommand = defineCommand<LoginArgs>({
  command: "login [server]",
  describe: "Log in to a registry (saves credentials in the Docker config)",
  builder: (yargs) =>
    registryOptions(
      yargs
        .positional("server", { type: "string", describe: "Registry host[:port] (default: Docker Hub)" })
        .option("username", { alias: "u", type: "string", requiresArg: true, describe: "User name" })
        .option("password", { alias: "p", type: "string", requiresArg: true, describe: "Password or token (prefer --password-stdin)" })
        .option("password-stdin", { type: "boolean", default: false, describe: "Read the password from standard input" }),
    ).example("echo \"$TOKEN\" | $0 login -u me --password-stdin ghcr.io", "log in without the password on the command line") as never,
  run: async (args, io) => {
    const [registry, { KilnError }] = await Promise.all([import("../../registry/index.js"), import("../../util/errors.js")]);
    const host = registryHost(args.server);
    if (args.password !== undefined && args["password-stdin"]) throw new KilnError("usage", "--password and --password-stdin are mutually exclusive", { exitCode: 2 });
    let password = args.password;
    if (args.password !== undefined) io.stderr.write("WARNING! Using --password via the CLI is insecure. Use --password-stdin.\n");
    if (args["password-stdin"]) {
      if (!args.username) throw new KilnError("usage", "--password-stdin needs --username", { exitCode: 2 });
      password = (await readAll(io.stdin)).replace(/\r?\n$/, "");
    }
    const username = args.username;
    if (!username) throw new KilnError("usage", "a user name is required: kiln login -u USER [--password-stdin] REGISTRY", { exitCode: 2 });
    if (password === undefined || password === "") throw new KilnError("usage", "a password is required: use --password-stdin (or -p)", { exitCode: 2 });
    const creds = { username, password };
    const client = new registry.RegistryClient({ ...clientOptions(args, io.env, io.cwd), credentials: async () => creds });
    try {
      await client.checkCredentials(host, creds);
    } finally {
      client.close();
    }
    const saved = await registry.storeCredentials(host, creds, { env: io.env });
    if (!saved.helper) {
      io.stderr.write(`WARNING! Your password will be stored unencrypted in ${saved.path}.\nConfigure a credential helper to remove this warning. See\nhttps://docs.docker.com/engine/reference/commandline/login/#credential-stores\n\n`);
    }
    io.stdout.write("Login Succeeded\n");
    return 0;
  },
});
