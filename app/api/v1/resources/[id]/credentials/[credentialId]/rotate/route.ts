import { RotateCredentialBody } from "@/lib/schemas/enforcers";
import { json, withAdmin } from "@/lib/server/api";
import { rotateCredential } from "@/lib/server/enforcers/credentials";
import { readOptionalJson } from "@/lib/server/enforcers/read-body";

/** Rotate: `{ "overlapHours": 24 }` (optional) → 201 `{ credential, secret, previous }`; the old one expires after the overlap. */
export const POST = withAdmin<{ id: string; credentialId: string }>(
  "credentials.manage",
  async (request, { actor, req, params }) => {
    const body = await readOptionalJson(request, RotateCredentialBody);
    const rotated = await rotateCredential(
      actor,
      { resourceId: params.id, credentialId: params.credentialId, ...body },
      req,
    );
    return json(rotated, { status: 201 });
  },
);
