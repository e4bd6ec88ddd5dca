/** `kiln logout [REGISTRY]`: removes saved credentials (from the credential helper too), as docker does. */
import { defineCommand } from "../command.js";
import { registryHost } from "./login.js";

export interface LogoutArgs {
  readonly server?: string;
}

export const logoutCommand = defineCommand<LogoutArgs>({
  command: "logout [server]",
  describe: "Log out from a registry (removes saved credentials)",
  builder: (yargs) => yargs.positional("server", { type: "string", describe: "Registry host[:port] (default: Docker Hub)" }) as never,
  run: async (args, io) => {
    const registry = await import("../../registry/index.js");
    const host = registryHost(args.server);
    const found = await registry.eraseCredentials(host, { env: io.env });
    io.stdout.write(found ? `Removing login credentials for ${registry.authKey(host)}\n` : `Not logged in to ${host}\n`);
    return 0;
  },
});
