import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApiSession } from "../../cli/testing/api-session.js";
import { sessionStatus } from "../../engine/trading/session-status.js";
import { PostgresCluster, postgresUnavailableReason } from "../../store/testing/postgres-cluster.js";

type Session = Awaited<ReturnType<typeof startApiSession<true>>>;

const unavailable = postgresUnavailableReason();
// As the Redis tests do: off CI a machine without PostgreSQL skips; in CI the suite runs and the start says why.
const skip = unavailable !== undefined && process.env.CI !== "true";

describe.skipIf(skip)(`the API process over a PostgreSQL store${skip ? ` (skipped: ${unavailable})` : ""}`, () => {
  let cluster: PostgresCluster | undefined;
  let t: Session | undefined;
  const get = async (path: string) => (await fetch(`${t?.api.url}${path}`)).json();

  beforeAll(async () => {
    cluster = await PostgresCluster.start();
    t = await startApiSession({
      apiThread: true,
      statusEveryMs: 0,
      storeUrl: await cluster.createDatabase(),
      config: { api: { isolation: "process" } },
    });
    await t.advanceTo(200);
    await t.api.thread.settled();
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    await cluster?.destroy();
  }, 60_000);

  it("reads decisions and trades through its own pool, as the trading process wrote them", async () => {
    const session = t as Session;
    expect(session.api.thread.tid).not.toBe(process.pid);
    const stored = await session.store.db.selectFrom("decisions").select("id").orderBy("id", "desc").limit(5).execute();
    expect(stored.length).toBe(5);
    const decisions = (await get("/api/decisions?limit=5")) as { decisions: { id: number }[] };
    expect(decisions.decisions.map((d) => d.id)).toEqual(stored.map((r) => r.id));
    const status = (await get("/api/status")) as { steps: number };
    expect(status.steps).toBe(sessionStatus(session.session, session.clock.now()).steps);
    const ready = (await get("/api/ready")) as { components: { name: string; ok: boolean; detail: string }[] };
    expect(ready.components.find((c) => c.name === "api-worker")).toMatchObject({
      ok: true,
      detail: expect.stringMatching(/^worker process on port/),
    });
  });
});
