import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { type ZodType, z } from "zod";

/** "read" routes may be token-guarded by configuration; "write" routes (anything that changes state) always are. */
export type Access = "read" | "write";

export interface RouteInput<Q, P, B> {
  readonly query: Q;
  readonly params: P;
  readonly body: B;
  readonly request: FastifyRequest;
}

export interface RouteSpec<Q = unknown, P = unknown, B = unknown> {
  readonly method: "GET" | "POST" | "PUT" | "DELETE";
  /** Fastify path syntax (`/api/candles/:symbol`). */
  readonly url: string;
  readonly summary: string;
  readonly tags: readonly string[];
  readonly access: Access;
  readonly query?: ZodType<Q>;
  readonly params?: ZodType<P>;
  readonly body?: ZodType<B>;
  /** The success answer's shape: documentation only (handlers are typed by TypeScript). */
  readonly response?: ZodType;
  readonly handler: (input: RouteInput<Q, P, B>, reply: FastifyReply) => unknown;
}

/** A request that failed validation: answered 400 with the field that is wrong. */
export class BadRequest extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

function parse<T>(schema: ZodType<T> | undefined, value: unknown, where: string): T {
  if (!schema) return undefined as T;
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  // An unknown key is reported on its object; the field to name is the key itself.
  const unknown = issue?.code === "unrecognized_keys" ? issue.keys.slice(0, 1) : [];
  const field = [where, ...(issue?.path ?? []).map(String), ...unknown].join(".");
  throw new BadRequest(field, `${field}: ${issue?.message ?? "invalid"}`);
}

/**
 * Every route is declared once with zod schemas: the same schemas validate the request and generate the OpenAPI
 * description, so the two cannot drift apart.
 */
export class RouteTable {
  readonly #specs: RouteSpec<never, never, never>[] = [];

  add<Q, P, B>(app: FastifyInstance, spec: RouteSpec<Q, P, B>): void {
    this.#specs.push(spec as unknown as RouteSpec<never, never, never>);
    app.route({
      method: spec.method,
      url: spec.url,
      config: { access: spec.access },
      handler: async (request, reply) => {
        const input: RouteInput<Q, P, B> = {
          query: parse(spec.query, request.query, "query"),
          params: parse(spec.params, request.params, "params"),
          body: parse(spec.body, request.body, "body"),
          request,
        };
        return spec.handler(input, reply);
      },
    });
  }

  get specs(): readonly RouteSpec<never, never, never>[] {
    return this.#specs;
  }

  /** OpenAPI 3.1 (its schemas are JSON Schema 2020-12, which zod emits). */
  openApi(info: { title: string; version: string }): Record<string, unknown> {
    const paths: Record<string, Record<string, unknown>> = {};
    for (const spec of this.#specs) {
      const path = spec.url.replace(/:([A-Za-z_]+)/g, "{$1}");
      const parameters = [...objectParameters(spec.params, "path"), ...objectParameters(spec.query, "query")];
      const operation: Record<string, unknown> = {
        summary: spec.summary,
        tags: spec.tags,
        parameters,
        responses: {
          "200": {
            description: "OK",
            ...(spec.response ? { content: { "application/json": { schema: jsonSchema(spec.response) } } } : {}),
          },
          "400": { description: "A field is invalid; the answer names it" },
          ...(spec.access === "write" ? { "401": { description: "Missing or wrong token" } } : {}),
        },
      };
      if (spec.access === "write") operation.security = [{ bearer: [] }];
      if (spec.body) {
        operation.requestBody = { required: true, content: { "application/json": { schema: jsonSchema(spec.body) } } };
      }
      paths[path] = { ...paths[path], [spec.method.toLowerCase()]: operation };
    }
    return {
      openapi: "3.1.0",
      info,
      paths,
      components: { securitySchemes: { bearer: { type: "http", scheme: "bearer" } } },
    };
  }
}

function jsonSchema(schema: ZodType): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as Record<
    string,
    unknown
  >;
  return rest;
}

function objectParameters(schema: ZodType | undefined, where: "path" | "query"): Record<string, unknown>[] {
  if (!schema) return [];
  const json = jsonSchema(schema);
  const properties = (json.properties ?? {}) as Record<string, unknown>;
  const required = new Set((json.required ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => ({
    name,
    in: where,
    required: where === "path" || required.has(name),
    schema: property,
  }));
}
