import { SecretsUsedInArgOrEnv } from "../../../../linter/rules/buildkit/SecretsUsedInArgOrEnv.js";
import { ruleCases } from "../../helpers.js";

export const cases = ruleCases(SecretsUsedInArgOrEnv, {
  fires: [
    { dockerfile: "FROM scratch\nARG AWS_SECRET_ACCESS_KEY\n", message: "Do not use ARG or ENV instructions for sensitive data (ARG \"AWS_SECRET_ACCESS_KEY\")" },
    { dockerfile: "FROM alpine\nENV DB_PASSWORD=x GITHUB_TOKEN=y\n", count: 2 },
    { dockerfile: "ARG auth\nFROM alpine\n" },
  ],
  passes: ["FROM alpine\nARG PUBLIC_KEY\nENV KEY_FILE=/run/secrets/k\nARG VERSION\nENV TOKENIZER=x\n"],
});
