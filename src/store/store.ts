import type BetterSqlite3 from "better-sqlite3";
import type { Kysely } from "kysely";
import type { Backend, Database } from "./database.js";
import { ConfigRepository } from "./repositories/config-history.js";
import { ContextObservationsRepository } from "./repositories/context-observations.js";
import { DebatesRepository } from "./repositories/debates.js";
import { DecisionsRepository } from "./repositories/decisions.js";
import { EquityRepository } from "./repositories/equity.js";
import { EventsRepository } from "./repositories/events.js";
import { FillsRepository } from "./repositories/fills.js";
import { LatchesRepository } from "./repositories/latches.js";
import { LearningRepository } from "./repositories/learning.js";
import { LlmRepository } from "./repositories/llm.js";
import { LlmReplayRepository } from "./repositories/llm-replay.js";
import { OrdersRepository } from "./repositories/orders.js";
import { nextSequence } from "./repositories/sequences.js";
import { ShadowRepository } from "./repositories/shadow.js";
import { inTransaction } from "./repositories/shared.js";
import { StrategiesRepository } from "./repositories/strategies.js";
import { PositionsRepository, TradesRepository } from "./repositories/trades-positions.js";

/** The repositories over one connection or one transaction. */
export class StoreSession {
  readonly orders: OrdersRepository;
  readonly fills: FillsRepository;
  readonly trades: TradesRepository;
  readonly positions: PositionsRepository;
  readonly decisions: DecisionsRepository;
  readonly equity: EquityRepository;
  readonly events: EventsRepository;
  readonly latches: LatchesRepository;
  readonly config: ConfigRepository;
  readonly strategies: StrategiesRepository;
  readonly llm: LlmRepository;
  readonly learning: LearningRepository;
  readonly contextObservations: ContextObservationsRepository;
  readonly llmReplay: LlmReplayRepository;
  readonly debates: DebatesRepository;
  readonly shadow: ShadowRepository;
  readonly db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.db = db;
    this.orders = new OrdersRepository(db);
    this.fills = new FillsRepository(db);
    this.trades = new TradesRepository(db);
    this.positions = new PositionsRepository(db);
    this.decisions = new DecisionsRepository(db);
    this.equity = new EquityRepository(db);
    this.events = new EventsRepository(db);
    this.latches = new LatchesRepository(db);
    this.config = new ConfigRepository(db);
    this.strategies = new StrategiesRepository(db);
    this.llm = new LlmRepository(db);
    this.learning = new LearningRepository(db);
    this.contextObservations = new ContextObservationsRepository(db);
    this.llmReplay = new LlmReplayRepository(db);
    this.debates = new DebatesRepository(db);
    this.shadow = new ShadowRepository(db);
  }

  /** See repositories/sequences.ts: reserves `count` values and resolves to the first. */
  nextSequence(name: string, count = 1): Promise<number> {
    return nextSequence(this.db, name, count);
  }

  /** Runs `fn` with repositories bound to one transaction: all its writes land together or none does. */
  transaction<T>(fn: (session: StoreSession) => Promise<T>): Promise<T> {
    return inTransaction(this.db, (trx) => fn(new StoreSession(trx)));
  }
}

/** The persistence of the trading runtime on SQLite or PostgreSQL; open it with `openStore`. */
export class Store extends StoreSession {
  readonly backend: Backend;
  /** The file path (SQLite) or the URL without its password (PostgreSQL), for messages. */
  readonly location: string;
  /** The raw SQLite handle, for the synchronous latch store; undefined on PostgreSQL. */
  readonly sqlite: BetterSqlite3.Database | undefined;

  constructor(db: Kysely<Database>, backend: Backend, location: string, sqlite?: BetterSqlite3.Database) {
    super(db);
    this.backend = backend;
    this.location = location;
    this.sqlite = sqlite;
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }
}
