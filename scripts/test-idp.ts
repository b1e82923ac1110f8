// Standalone test IdP for Playwright's webServer and the demo:
//   npx tsx scripts/test-idp.ts --port 4400 --shape oidc --redirect http://127.0.0.1:3100/api/auth/callback/oidc
// Prints one JSON line {"ready":true,...} once it listens; stops on SIGINT/SIGTERM.
import { parseArgs } from "node:util";
import { type IdpShape, startTestIdp } from "../e2e/idp/test-idp.js";

const SHAPES: readonly IdpShape[] = ["entra", "okta", "auth0", "oidc"];

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "4400" },
    shape: { type: "string", default: "oidc" },
    redirect: { type: "string", multiple: true },
    tenant: { type: "string" },
    audience: { type: "string" },
    "key-alg": { type: "string", default: "RS256" },
    // An IdP that does not advertise PKCE S256 (code_challenge_methods_supported absent).
    "no-s256": { type: "boolean", default: false },
  },
});

const shape = SHAPES.find((s) => s === values.shape);
const keyAlg = values["key-alg"] === "ES256" ? "ES256" : values["key-alg"] === "RS256" ? "RS256" : undefined;
const port = Number(values.port);
if (!shape || !keyAlg || !Number.isInteger(port) || port < 0) {
  console.error(`usage: test-idp [--port N] [--shape ${SHAPES.join("|")}] [--redirect URI]... [--key-alg RS256|ES256]`);
  process.exit(2);
}

const idp = await startTestIdp({
  shape,
  port,
  keyAlg,
  tenantId: values.tenant,
  audience: values.audience,
  adminRedirectUris: values.redirect,
  ...(values["no-s256"] ? { discoveryOverrides: { code_challenge_methods_supported: undefined } } : {}),
  // The seeded admin-console accounts, one per role.
  accounts: {
    alice: { name: "Alice Admin", groups: ["portcullis-admins"] },
    vic: { name: "Vic Viewer", groups: ["portcullis-viewers"] },
    olga: { name: "Olga Owner", groups: ["portcullis-owners"] },
  },
});

const { issuer, discoveryUrl, jwksUri, tokenEndpoint, audience } = idp;
console.log(
  JSON.stringify({ ready: true, issuer, discoveryUrl, jwksUri, tokenEndpoint, port: idp.port, shape, audience }),
);

const stop = () => {
  idp.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.once("SIGINT", stop);
process.once("SIGTERM", stop);
