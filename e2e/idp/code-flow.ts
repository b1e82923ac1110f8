import { createHash, randomBytes } from "node:crypto";

export interface CodeFlowOptions {
  discoveryUrl: string;
  clientId: string;
  /** Confidential clients authenticate with client_secret_basic; public ones send client_id. */
  clientSecret?: string;
  redirectUri: string;
  /** The account id typed into the dev login page (any value signs in). */
  login: string;
  scope: string;
  resource?: string;
}

export interface CodeFlowTokens {
  access_token: string;
  id_token?: string;
  refresh_token?: string;
  token_type: string;
  expires_in: number;
  scope?: string;
}

/** Minimal cookie jar: enough for the provider's interaction and session cookies on one host. */
class CookieJar {
  private readonly cookies = new Map<string, string>();

  store(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair = "", ...attributes] = line.split(";");
      const eq = pair.indexOf("=");
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attributes.some((a) => /^\s*expires=.*1970/i.test(a) || /^\s*max-age=0\s*$/i.test(a));
      if (expired || value === "") this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
  }
}

/**
 * Drives an authorization-code + PKCE (S256) flow through oidc-provider's development login and
 * consent pages with plain fetch, following redirects by hand, and redeems the code.
 */
export async function runAuthorizationCodeFlow(o: CodeFlowOptions): Promise<CodeFlowTokens> {
  const meta = (await (await fetch(o.discoveryUrl)).json()) as {
    authorization_endpoint: string;
    token_endpoint: string;
  };
  const verifier = randomBytes(32).toString("base64url");
  const state = randomBytes(16).toString("base64url");
  const authorize = new URL(meta.authorization_endpoint);
  authorize.search = new URLSearchParams({
    client_id: o.clientId,
    redirect_uri: o.redirectUri,
    response_type: "code",
    scope: o.scope,
    state,
    code_challenge: createHash("sha256").update(verifier).digest("base64url"),
    code_challenge_method: "S256",
    ...(o.resource ? { resource: o.resource } : {}),
  }).toString();

  const callback = await followDevLogin(authorize.href, o.login, o.redirectUri);
  return redeem(o, meta.token_endpoint, callback, state, verifier);
}

/**
 * Follows an authorization URL through the dev login and consent pages (signing in as `login`)
 * until the provider redirects to `redirectUri`; returns that callback URL (code or error).
 * Useful with any client library that builds its own authorization URL.
 */
export async function followDevLogin(authorizationUrl: string, login: string, redirectUri: string): Promise<URL> {
  const jar = new CookieJar();
  let url = authorizationUrl;
  let form: URLSearchParams | undefined;
  for (let hop = 0; hop < 20; hop++) {
    const res = await fetch(url, {
      method: form ? "POST" : "GET",
      body: form,
      redirect: "manual",
      headers: { cookie: jar.header() },
    });
    jar.store(res);
    const location = res.headers.get("location");
    if (location) {
      url = new URL(location, url).href;
      form = undefined;
      if (url.startsWith(redirectUri)) return new URL(url);
      continue;
    }
    const html = await res.text();
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
    const prompt = /name="prompt" value="(\w+)"/.exec(html)?.[1];
    if (!res.ok || !action || !prompt) {
      throw new Error(`unexpected page at ${url} (${res.status}): ${html.slice(0, 300)}`);
    }
    // The dev pages post `prompt` plus, on the login page, `login` and `password` (any password works).
    form = new URLSearchParams(prompt === "login" ? { prompt, login, password: "any" } : { prompt });
    url = new URL(action, url).href;
  }
  throw new Error("authorization flow did not reach the redirect URI");
}

async function redeem(o: CodeFlowOptions, tokenEndpoint: string, callback: URL, state: string, verifier: string) {
  const error = callback.searchParams.get("error");
  if (error) throw new Error(`authorization failed: ${error} ${callback.searchParams.get("error_description") ?? ""}`);
  if (callback.searchParams.get("state") !== state) throw new Error("state mismatch");
  const body = new URLSearchParams({
    grant_type: "authorization_code",
    code: callback.searchParams.get("code") ?? "",
    redirect_uri: o.redirectUri,
    code_verifier: verifier,
    ...(o.resource ? { resource: o.resource } : {}),
  });
  const headers: Record<string, string> = {};
  if (o.clientSecret) {
    const basic = `${encodeURIComponent(o.clientId)}:${encodeURIComponent(o.clientSecret)}`;
    headers.authorization = `Basic ${Buffer.from(basic).toString("base64")}`;
  } else {
    body.set("client_id", o.clientId);
  }
  const res = await fetch(tokenEndpoint, { method: "POST", headers, body });
  const json = (await res.json()) as CodeFlowTokens & { error?: string };
  if (!res.ok) throw new Error(`token request failed (${res.status}): ${JSON.stringify(json)}`);
  return json;
}
