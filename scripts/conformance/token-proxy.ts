/**
 * A loopback reverse proxy that signs every request with a bearer token: the conformance suite's `server` mode
 * cannot send one. Everything else passes through unchanged in both directions, streamed (SSE stays SSE),
 * except `Host`, which names the upstream as any reverse proxy's does.
 */
import { createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface TokenProxy {
  /** The proxy's origin, e.g. `http://127.0.0.1:5151`. */
  origin: string;
  close: () => Promise<void>;
}

/**
 * @example const proxy = await startTokenProxy("http://127.0.0.1:5150", () => token); // then use proxy.origin + "/mcp"
 */
export async function startTokenProxy(upstream: string, token: () => string, port = 0): Promise<TokenProxy> {
  const target = new URL(upstream);
  const server: Server = createServer((req, res) => {
    const headers = { ...req.headers, host: target.host, authorization: `Bearer ${token()}` };
    const out = httpRequest(
      // One connection per request (agent: false): destroying an ended stream's request must never hit a
      // pooled socket that already carries another request.
      { hostname: target.hostname, port: target.port, method: req.method, path: req.url, headers, agent: false },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.rawHeaders);
        answer.pipe(res);
      },
    );
    out.on("error", () => {
      if (!res.headersSent) res.writeHead(502, { "content-type": "text/plain" });
      res.end("upstream unreachable");
    });
    res.on("close", () => {
      if (!res.writableFinished) out.destroy(); // the client went away: so does the upstream request (ends SSE streams)
    });
    req.pipe(out);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", resolve);
  });
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
