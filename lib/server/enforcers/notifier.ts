import "server-only";
import { EventEmitter } from "node:events";
import pg from "pg";
import type { Tx } from "../db";
import { env, isPostgres } from "../env";
import { log } from "../log";

/**
 * Long-poll wake-ups when a config version is published.
 * - One process (SQLite): an in-process EventEmitter.
 * - Several replicas (PostgreSQL): the publishing transaction runs `pg_notify('portcullis_config', resourceId)`,
 *   which PostgreSQL delivers on commit, i.e. exactly when the new row is visible; every replica keeps ONE
 *   dedicated LISTEN connection (reconnecting) and re-emits locally. Waiting requests hold no pool connection.
 * A wake-up only means "look again": waiters re-read the latest version, so duplicates and the
 * "wake everyone" after a LISTEN reconnect (notifications may have been lost meanwhile) are harmless.
 */
export const CONFIG_CHANNEL = "portcullis_config";
const WAKE_ALL = "*";

interface NotifierState {
  emitter: EventEmitter;
  listener?: pg.Client;
  connecting?: boolean;
  /** Failed attempts since the listener was last connected, and since when it has been down. */
  failures: number;
  downSince?: number;
  stopped?: boolean;
  /** Wake-ups emitted so far (any resource): see {@link configGeneration}. */
  generation: number;
}

/**
 * When to try LISTEN again (issue 23 §7). A lost connection is usually a failover or a restart: try at
 * once, then every 25, 50, 100 ms so wake-ups resume within ~100 ms of the database coming back
 * (a refused attempt costs the server one refused connection). After a minute down, once a second.
 */
export function listenRetryDelayMs(failures: number, downForMs: number): number {
  if (failures === 0) return 0;
  if (downForMs > 60_000) return 1_000;
  return Math.min(25 * 2 ** (failures - 1), 100);
}
/** A connection attempt that hangs (packets dropped during a failover) is abandoned after this. */
const CONNECT_TIMEOUT_MS = 2_000;
const globalForNotifier = globalThis as unknown as { portcullisNotifier?: NotifierState };
function state(): NotifierState {
  if (!globalForNotifier.portcullisNotifier) {
    const emitter = new EventEmitter();
    emitter.setMaxListeners(0); // one listener per waiting enforcer: thousands are normal
    globalForNotifier.portcullisNotifier = { emitter, failures: 0, generation: 0 };
  }
  return globalForNotifier.portcullisNotifier;
}

function startListener(s: NotifierState): void {
  if (s.listener || s.connecting || s.stopped) return;
  s.connecting = true;
  const client = new pg.Client({
    connectionString: env().DATABASE_URL,
    keepAlive: true,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
  });
  let failed = false;
  const retry = (err: unknown) => {
    if (failed) return; // "error" and "end" both fire for one loss
    failed = true;
    if (s.listener === client) s.listener = undefined;
    s.connecting = false;
    client.removeAllListeners();
    client.on("error", () => {}); // a late socket error of the discarded client must not crash the process
    client.end().catch(() => {});
    if (s.stopped) return;
    s.downSince ??= Date.now();
    const retryMs = listenRetryDelayMs(s.failures++, Date.now() - s.downSince);
    if (s.failures === 1) log.warn({ err: err instanceof Error ? err.message : String(err) }, "config LISTEN lost");
    setTimeout(() => startListener(s), retryMs).unref();
  };
  client.on("error", retry);
  client.on("end", () => retry(new Error("connection ended")));
  client.on("notification", (msg) => {
    if (msg.channel === CONFIG_CHANNEL && msg.payload) wake(s, msg.payload);
  });
  client
    .connect()
    .then(() => client.query(`LISTEN ${CONFIG_CHANNEL}`))
    .then(() => {
      s.listener = client;
      s.connecting = false;
      if (s.downSince !== undefined) log.info({ downMs: Date.now() - s.downSince }, "config LISTEN back");
      s.failures = 0;
      s.downSince = undefined;
      // Anything published while we were not listening: let every waiter look again.
      wake(s, WAKE_ALL);
    })
    .catch(retry);
}

export interface ConfigSubscription {
  /** Resolves on the next wake-up for this resource (or a wake-all). */
  changed: Promise<void>;
  close(): void;
}

/** Subscribe BEFORE reading the latest version, so a publish in between is never missed. */
export function subscribeConfigChanges(resourceId: string): ConfigSubscription {
  const s = state();
  if (isPostgres()) startListener(s);
  let resolve: () => void = () => {};
  const changed = new Promise<void>((r) => {
    resolve = r;
  });
  const onChange = () => resolve();
  s.emitter.on(resourceId, onChange);
  s.emitter.on(WAKE_ALL, onChange);
  return {
    changed,
    close() {
      s.emitter.off(resourceId, onChange);
      s.emitter.off(WAKE_ALL, onChange);
    },
  };
}

/** Inside the publishing transaction: on PostgreSQL, queue the cross-replica NOTIFY (sent on commit). */
export async function notifyInTransaction(tx: Tx, resourceId: string): Promise<void> {
  if (isPostgres()) await tx.$executeRaw`SELECT pg_notify(${CONFIG_CHANNEL}, ${resourceId})`;
}

/** After commit: wake this process's waiters at once (the NOTIFY round trip is for the other replicas). */
export function notifyLocally(resourceId: string): void {
  wake(state(), resourceId);
}

function wake(s: NotifierState, resourceId: string): void {
  s.generation++;
  s.emitter.emit(resourceId);
}

/**
 * A counter that moves on every wake-up this process sees (any resource). Two reads of the database
 * made while it stays the same saw no publish this process was told of: waiters that subscribed at
 * the same generation may share one read (config-fan-out.ts).
 */
export function configGeneration(): number {
  return state().generation;
}

/** Whether the cross-replica listener is connected (health and tests). */
export function isListening(): boolean {
  return Boolean(state().listener);
}

/** Start listening now rather than on the first long-poll (tests, warm-up). Resolves once LISTEN is active. */
export async function ensureListening(timeoutMs = 5000): Promise<void> {
  if (!isPostgres()) return;
  const s = state();
  s.stopped = false;
  startListener(s);
  const deadline = Date.now() + timeoutMs;
  while (!s.listener) {
    if (Date.now() > deadline) throw new Error("LISTEN did not start in time");
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Close the LISTEN connection (tests, shutdown). */
export async function stopListening(): Promise<void> {
  const s = state();
  s.stopped = true;
  const client = s.listener;
  s.listener = undefined;
  if (client) {
    client.removeAllListeners();
    await client.end().catch(() => {});
  }
}
