import { describe, expect, it } from "vitest";
import { FLAP_LIMIT, type OpenAlert, planTransitions } from "./lifecycle";

const T0 = new Date("2026-12-06T10:00:00Z");
const at = (min: number) => new Date(T0.getTime() + min * 60_000);
const obs = (key = "") => ({ resourceId: "r1", key });
const timing = { forMin: 2, resolveMin: 3, renotifyMin: 0 };
const open = (o: Partial<OpenAlert>): OpenAlert => ({
  id: "a1",
  resourceId: "r1",
  key: "",
  state: "firing",
  startedAt: at(0),
  firedAt: at(0),
  lastTrueAt: at(0),
  lastNotifiedAt: at(0),
  ...o,
});

describe("planTransitions", () => {
  it("opens pending, fires after `forMin`, and drops a pending alert whose condition went away", () => {
    expect(planTransitions(timing, [], [obs()], new Map(), at(0))).toEqual([
      { op: "open", obs: obs(), firing: false, flapping: false },
    ]);
    const pending = open({ state: "pending", firedAt: null, lastNotifiedAt: null });
    expect(planTransitions(timing, [pending], [obs()], new Map(), at(1))[0]?.op).toBe("hold");
    expect(planTransitions(timing, [pending], [obs()], new Map(), at(2))[0]?.op).toBe("fire");
    expect(planTransitions(timing, [pending], [], new Map(), at(1))).toEqual([{ op: "drop", id: "a1" }]);
  });

  it("fires at once with forMin 0", () => {
    expect(planTransitions({ ...timing, forMin: 0 }, [], [obs()], new Map(), at(0))[0]).toMatchObject({
      op: "open",
      firing: true,
    });
  });

  it("resolves only after the condition was false for the whole resolve window (flap damping)", () => {
    const firing = open({ lastTrueAt: at(5) });
    expect(planTransitions(timing, [firing], [], new Map(), at(7))).toEqual([]);
    expect(planTransitions(timing, [firing], [], new Map(), at(8))).toEqual([{ op: "resolve", id: "a1" }]);
    const acked = open({ state: "acknowledged", lastTrueAt: at(5) });
    expect(planTransitions(timing, [acked], [], new Map(), at(8))).toEqual([{ op: "resolve", id: "a1" }]);
  });

  it("re-notifies a firing alert every renotifyMin, never an acknowledged one, never with 0", () => {
    const t = { ...timing, renotifyMin: 30 };
    const firing = open({ lastNotifiedAt: at(0) });
    expect(planTransitions(t, [firing], [obs()], new Map(), at(29))[0]).toMatchObject({ renotify: false });
    expect(planTransitions(t, [firing], [obs()], new Map(), at(30))[0]).toMatchObject({ renotify: true });
    const acked = open({ state: "acknowledged" });
    expect(planTransitions(t, [acked], [obs()], new Map(), at(90))[0]).toMatchObject({ renotify: false });
    expect(planTransitions(timing, [firing], [obs()], new Map(), at(900))[0]).toMatchObject({ renotify: false });
  });

  it("marks a key that already fired FLAP_LIMIT times in the hour as flapping", () => {
    const fires = new Map([["r1\u0001agent-1", FLAP_LIMIT]]);
    const [step] = planTransitions(timing, [], [obs("agent-1")], fires, at(0));
    expect(step).toMatchObject({ op: "open", flapping: true });
    const [other] = planTransitions(timing, [], [obs("agent-2")], fires, at(0));
    expect(other).toMatchObject({ op: "open", flapping: false });
  });

  it("keeps one alert per (resource, key): one client's alert does not resolve another's", () => {
    const a = open({ id: "a", key: "agent-1" });
    const b = open({ id: "b", key: "agent-2", lastTrueAt: at(0) });
    const steps = planTransitions(timing, [a, b], [obs("agent-1")], new Map(), at(5));
    expect(steps).toEqual([
      { op: "hold", id: "a", obs: obs("agent-1"), renotify: false },
      { op: "resolve", id: "b" },
    ]);
  });
});
