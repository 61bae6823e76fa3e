import pg from "pg";
import { CertibotError, isCertibotError } from "../errors.js";
import type { Logger } from "../log.js";
import type { Db, Queryable, Row } from "./db.js";

const INT8_OID = 20;

// PGlite returns int8 (ids, count(*)) as numbers; pg returns strings. One
// shape for both keeps callers backend-agnostic; our counts and identities
// stay far below 2^53.
const types = {
  getTypeParser: ((oid: number, format?: "text" | "binary") =>
    oid === INT8_OID && format !== "binary"
      ? (v: string) => Number(v)
      : pg.types.getTypeParser(oid, format ?? "text")) as typeof pg.types.getTypeParser,
};

/** `user@host:port/database`, for messages: never the password. */
export function describeTarget(url: string): string {
  const u = new URL(url);
  const host = u.hostname || u.searchParams.get("host") || "localhost";
  const db = decodeURIComponent(u.pathname.replace(/^\//, "")) || "(défaut)";
  return `${u.username ? `${decodeURIComponent(u.username)}@` : ""}${host}:${u.port || "5432"}/${db}`;
}

// Errors that mean "no usable connection", as opposed to an SQL error that
// callers may want to inspect (unique violation, …).
const CONNECTION_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "ENOTFOUND",
  "EAI_AGAIN",
]);
function isConnectionError(e: unknown): boolean {
  const code = (e as { code?: unknown })?.code;
  if (typeof code === "string") {
    if (CONNECTION_CODES.has(code)) return true;
    // 08: connection exception; 57P01-03: shutdown / starting up; 28: authentication; 3D000: no such database.
    if (/^(08|57P0[1-3]|28|3D000)/.test(code)) return true;
  }
  const msg = e instanceof Error ? e.message : String(e);
  return /Connection terminated|timeout exceeded when trying to connect|connection timeout|Client has encountered a connection error/i.test(
    msg,
  );
}

function unavailable(e: unknown, target: string): CertibotError {
  const code = (e as { code?: unknown })?.code;
  const msg = e instanceof Error ? e.message : String(e);
  let hint: string;
  if (code === "28P01" || code === "28000")
    hint = `Authentification refusée par le serveur PostgreSQL (${target}) : vérifiez l'utilisateur et le mot de passe de DATABASE_URL.`;
  else if (code === "3D000") hint = `La base n'existe pas sur le serveur PostgreSQL (${target}).`;
  else if (code === "ENOTFOUND" || code === "EAI_AGAIN")
    hint = `Hôte introuvable (${target}) : vérifiez DATABASE_URL.`;
  else if (code === "57P03") hint = `Le serveur PostgreSQL (${target}) est en cours de démarrage.`;
  else hint = `Serveur PostgreSQL injoignable (${target}) : vérifiez DATABASE_URL et que le serveur tourne.`;
  return new CertibotError("DB_UNAVAILABLE", {
    hint,
    detail: `${typeof code === "string" ? `${code} ` : ""}${msg}`,
    cause: e,
  });
}

function wrap(e: unknown, target: string): unknown {
  return !isCertibotError(e) && isConnectionError(e) ? unavailable(e, target) : e;
}

/**
 * The production backend: a pool on a PostgreSQL server shared by every
 * replica. Checks the server answers before returning.
 */
export async function openPgDb(url: string, log: Logger): Promise<Db> {
  const target = describeTarget(url);
  const pool = new pg.Pool({
    connectionString: url,
    max: 5,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    keepAlive: true,
    application_name: "certibot",
    types,
  });
  // An idle client whose server went away (restart, failover) emits here; the
  // pool drops it and the next query opens a fresh connection. Without a
  // listener the process would crash.
  pool.on("error", (e) => log.warn("db connection lost", { error: e, code: (e as { code?: string }).code }));
  // The pool listens to its idle clients only. A server's goodbye (57P01 on a restart) can also
  // reach a client being released broken, between two listeners: an unhandled 'error' that kills
  // the process (seen in the PostgreSQL-restart fault test). Every client keeps a listener of its
  // own; the loss itself is reported by the query it failed or by the pool above.
  pool.on("connect", (client) => {
    client.on("error", () => {});
  });

  const run = async <T extends Row>(
    c: pg.Pool | pg.PoolClient,
    sql: string,
    params?: readonly unknown[],
  ): Promise<T[]> => {
    try {
      const res = await c.query(sql, params as unknown[] | undefined);
      return res.rows as T[];
    } catch (e) {
      throw wrap(e, target);
    }
  };
  const exec = async (c: pg.Pool | pg.PoolClient, sql: string): Promise<void> => {
    // Without parameters pg uses the simple protocol, which accepts several statements.
    await run(c, sql);
  };
  const on = (c: pg.Pool | pg.PoolClient): Queryable => ({
    query: (sql, params) => run(c, sql, params),
    exec: (sql) => exec(c, sql),
  });

  try {
    await pool.query("select 1");
  } catch (e) {
    await pool.end().catch(() => {});
    throw unavailable(e, target);
  }

  let closed = false;
  return {
    kind: "pg",
    location: `PostgreSQL ${target}`,
    ...on(pool),
    async transaction(fn) {
      let client: pg.PoolClient;
      try {
        client = await pool.connect();
      } catch (e) {
        throw unavailable(e, target);
      }
      // A checked-out client has no pool listener: a connection loss between
      // two statements would otherwise be an unhandled 'error' event.
      let broken: Error | undefined;
      const onError = (e: Error) => {
        broken = e;
      };
      client.on("error", onError);
      try {
        await client.query("begin");
        const result = await fn(on(client));
        await client.query("commit");
        return result;
      } catch (e) {
        await client.query("rollback").catch((rollbackError: Error) => {
          broken ??= rollbackError;
        });
        throw wrap(e, target);
      } finally {
        client.off("error", onError);
        // A broken connection is destroyed instead of going back to the pool.
        client.release(broken);
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      await pool.end();
    },
  };
}
