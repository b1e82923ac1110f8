"use server";

import { z } from "zod";
import { validatedAction } from "@/lib/server/action";
import { verifyAuditChain } from "@/lib/server/audit";

export const verifyChainAction = validatedAction("audit.read", z.object({}), async () => verifyAuditChain());
