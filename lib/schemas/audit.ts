import { z } from "zod";
import { BoundedIsoDate, IdCursor } from "./bounds";

export const AuditFilterInput = z.object({
  action: z.string().trim().max(100).optional(),
  actor: z.string().trim().max(320).optional(),
  targetType: z.string().trim().max(50).optional(),
  from: BoundedIsoDate.optional(),
  to: BoundedIsoDate.optional(),
  before: IdCursor.optional(),
});
export type AuditFilterInput = z.infer<typeof AuditFilterInput>;
