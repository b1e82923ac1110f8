import "server-only";
import { db } from "../db";
import { env } from "../env";

export interface ResourceProgress {
  activeCredentials: number;
  instances: number;
  /** Where enforcers reach this control plane (NEXTAUTH_URL), for the embed snippet. */
  controlPlaneUrl: string;
}

/** What the Overview's next-steps list needs beyond the draft: credentials and running enforcers (read only). */
export async function getResourceProgress(resourceId: string): Promise<ResourceProgress> {
  const [activeCredentials, instances] = await Promise.all([
    db().enforcerCredential.count({ where: { resourceId, revokedAt: null } }),
    db().enforcerInstance.count({ where: { resourceId } }),
  ]);
  return { activeCredentials, instances, controlPlaneUrl: env().NEXTAUTH_URL ?? "https://portcullis.example.com" };
}
