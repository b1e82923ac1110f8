import type { NavItem } from "./nav-links";

/** The sidebar. An entry is added when its page works, never before. */
export const NAV_ITEMS: NavItem[] = [
  { href: "/", label: "Overview" },
  { href: "/resources", label: "Resources" },
  { href: "/idp-profiles", label: "IdP profiles" },
  { href: "/events", label: "Events" },
  { href: "/token-debugger", label: "Token debugger" },
  { href: "/alerts", label: "Alerts" },
  { href: "/audit", label: "Audit trail" },
  { href: "/settings/alerts", label: "Alert rules" },
  { href: "/settings/audit-streaming", label: "Audit streaming" },
  { href: "/settings/admins", label: "Admins" },
  { href: "/settings/api-tokens", label: "API tokens" },
  { href: "/api-reference", label: "API reference" },
];
