import "server-only";
import type { ApiFamily } from "../registry";
import { adminsFamily } from "./admins";
import { alertsFamily } from "./alerts";
import { auditFamily } from "./audit";
import { auditSinksFamily } from "./audit-sinks";
import { configAsCodeFamily } from "./config-as-code";
import { idpProfilesFamily } from "./idp-profiles";
import { machineFamily } from "./machine";
import { resourcesFamily } from "./resources";
import { telemetryFamily } from "./telemetry";

/** Every route family of /api/v1. A new family file is added here (see registry.ts). */
export const FAMILIES: ApiFamily[] = [
  resourcesFamily,
  idpProfilesFamily,
  configAsCodeFamily,
  alertsFamily,
  telemetryFamily,
  auditFamily,
  auditSinksFamily,
  adminsFamily,
  machineFamily,
];
