/**
 * The alert lifecycle as a pure function of (open alerts, this cycle's observations, time), so every
 * transition is unit-testable with a frozen clock:
 *
 *   (none) ─condition─▶ pending ─held for `forMin`─▶ firing ─ack─▶ acknowledged
 *   pending ─condition false─▶ dropped (never fired, never notified)
 *   firing/acknowledged ─condition false for `resolveMin`─▶ resolved
 *
 * Flap damping: the resolve window (a blip of "false" does not resolve), and a key that already
 * fired FLAP_LIMIT times in the last hour opens its next alert as `flapping`: it still shows, but its
 * notifications are suppressed. A firing (not acknowledged) alert is re-notified every `renotifyMin`
 * (0 = never); an acknowledged one never is.
 */
export const FLAP_LIMIT = 3;
export const FLAP_WINDOW_MS = 3600_000;

export interface OpenAlert {
  id: string;
  resourceId: string;
  key: string;
  state: "pending" | "firing" | "acknowledged";
  startedAt: Date;
  firedAt: Date | null;
  lastTrueAt: Date;
  lastNotifiedAt: Date | null;
}
export interface Observed {
  resourceId: string;
  key: string;
}
export interface Timing {
  forMin: number;
  resolveMin: number;
  renotifyMin: number;
}

export type Step<O extends Observed> =
  | { op: "open"; obs: O; firing: boolean; flapping: boolean }
  | { op: "fire"; id: string; obs: O }
  | { op: "hold"; id: string; obs: O; renotify: boolean }
  | { op: "drop"; id: string }
  | { op: "resolve"; id: string };

export const alertKey = (resourceId: string, key: string) => `${resourceId}\u0001${key}`;

export function planTransitions<O extends Observed>(
  rule: Timing,
  open: readonly OpenAlert[],
  observations: readonly O[],
  /** Per alertKey: how many alerts of this rule fired in the last FLAP_WINDOW_MS. */
  recentFires: ReadonlyMap<string, number>,
  now: Date,
): Step<O>[] {
  const t = now.getTime();
  const steps: Step<O>[] = [];
  const byKey = new Map(open.map((a) => [alertKey(a.resourceId, a.key), a]));
  const seen = new Set<string>();
  for (const obs of observations) {
    const k = alertKey(obs.resourceId, obs.key);
    if (seen.has(k)) continue;
    seen.add(k);
    const alert = byKey.get(k);
    if (!alert) {
      steps.push({
        op: "open",
        obs,
        firing: rule.forMin === 0,
        flapping: (recentFires.get(k) ?? 0) >= FLAP_LIMIT,
      });
    } else if (alert.state === "pending") {
      if (t - alert.startedAt.getTime() >= rule.forMin * 60_000) steps.push({ op: "fire", id: alert.id, obs });
      else steps.push({ op: "hold", id: alert.id, obs, renotify: false });
    } else {
      const last = (alert.lastNotifiedAt ?? alert.firedAt ?? alert.startedAt).getTime();
      const renotify = alert.state === "firing" && rule.renotifyMin > 0 && t - last >= rule.renotifyMin * 60_000;
      steps.push({ op: "hold", id: alert.id, obs, renotify });
    }
  }
  for (const [k, alert] of byKey) {
    if (seen.has(k)) continue;
    if (alert.state === "pending") steps.push({ op: "drop", id: alert.id });
    else if (t - alert.lastTrueAt.getTime() >= rule.resolveMin * 60_000) steps.push({ op: "resolve", id: alert.id });
  }
  return steps;
}
