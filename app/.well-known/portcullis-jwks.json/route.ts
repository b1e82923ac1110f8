import { publicJwks } from "@/lib/server/config/signing-key";
import { enforcerErrorResponse } from "@/lib/server/enforcers/config-poll";

export const dynamic = "force-dynamic";

/**
 * The control plane's public JWKS (RFC 7517 §5) at a stable URL: `/.well-known/portcullis-jwks.json`.
 * Enforcers pin it (the object, or this URL over TLS) to verify config bundles. Public by design:
 * it holds public keys only. Retired keys stay listed during their grace period.
 */
export async function GET(request: Request): Promise<Response> {
  try {
    return Response.json(await publicJwks(), {
      headers: { "content-type": "application/jwk-set+json", "cache-control": "public, max-age=300" },
    });
  } catch (err) {
    return enforcerErrorResponse(err, request);
  }
}
