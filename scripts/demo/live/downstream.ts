/**
 * The downstream API of the live demo (a mail service on 127.0.0.1): it accepts only tokens the IdP issued for it
 * (audience api://demo-mail), so the MCP server must exchange the user's token on behalf of the user (OBO) first.
 */
import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createRemoteJWKSet, jwtVerify } from "jose";

export interface Downstream {
  url: string;
  /** Messages accepted so far. */
  sent: () => number;
  close: () => Promise<void>;
}

export async function startDownstream(opts: {
  port: number;
  issuer: string;
  jwksUri: string;
  audience: string;
}): Promise<Downstream> {
  const jwks = createRemoteJWKSet(new URL(opts.jwksUri));
  let sent = 0;
  const server = createServer(async (req, res) => {
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
    try {
      if (req.method !== "POST" || req.url !== "/send" || !token) throw new Error("POST /send with a bearer token");
      const { payload } = await jwtVerify(token, jwks, { issuer: opts.issuer, audience: opts.audience });
      sent++;
      res.writeHead(202, { "content-type": "application/json" });
      res.end(JSON.stringify({ id: randomUUID(), sentAs: payload.sub }));
    } catch (err) {
      res.writeHead(401, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: err instanceof Error ? err.message : "refused" }));
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, "127.0.0.1", resolve);
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    sent: () => sent,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
