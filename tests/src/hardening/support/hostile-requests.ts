/**
 * A seeded generator of hostile HTTP requests for every route of the gateway:
 * wrong types, huge and deeply nested JSON, invalid UTF-8, oversized and odd
 * headers, odd methods, path tricks, and injection strings in every field.
 * The same seed always gives the same requests, so a failure can be replayed.
 */

/** mulberry32: small, fast, good enough to pick cases. */
export function seededRandom(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T,
    chance: (p: number) => next() < p,
  };
}
export type Rng = ReturnType<typeof seededRandom>;

/** One generated request: sent with Node's HTTP client, or as raw bytes when `raw` is set. */
export interface HostileRequest {
  /** What was generated, for the failure report. */
  label: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
  raw?: Buffer;
}

/** What the generator may use: real credentials and ids, so requests get past authentication too. */
export interface FuzzContext {
  keys: string[];
  adminKey: string;
  sessionCookie: string;
  models: string[];
  appOrigin: string;
}

/** A route as registered on the app, with what a well-formed request to it looks like. */
export interface FuzzRoute {
  method: string;
  /** Hono's pattern, e.g. `/v1/models/:id{.+}`. */
  pattern: string;
  auth: "key" | "admin" | "session" | "none";
  body?: (rng: Rng, ctx: FuzzContext) => unknown;
  query?: Record<string, (rng: Rng) => string>;
}

export const INJECTIONS = [
  "' OR '1'='1' --",
  '"; DROP TABLE accounts; --',
  "1; SELECT * FROM api_keys",
  "<script>alert(1)</script>",
  "<img src=x onerror=alert(1)>",
  "javascript:alert(1)",
  "$" + "{7*7}",
  "{{7*7}}",
  "#{7*7}",
  "$" + "{jndi:ldap://127.0.0.1/a}",
  "../../../../etc/passwd",
  "..\\..\\..\\windows\\win.ini",
  "%00",
  "\u0000",
  "\r\nSet-Cookie: pwned=1",
  "$(id)",
  "`id`",
  "| cat /etc/passwd",
  '{"$gt":""}',
  "__proto__",
  "constructor",
  "prototype",
  "%s%s%s%n",
  "\u202eevil\u202c",
  "\ud800",
  "\udfff\ud800",
  "💩🎉👨‍👩‍👧‍👦",
  "ﷺ",
  "Ａ",
  "\uFEFF",
  "null",
  "undefined",
  "NaN",
  "-1",
  "0x7fffffffffffffff",
  "1e309",
  "msq_0000000000000000000000000000000000000000000",
  "chatcmpl-../../x",
  "http://127.0.0.1:1/",
  "file:///etc/passwd",
];

const SAFE_INTEGERS = [0, -1, 1, 2 ** 31, 2 ** 53 + 1, -(2 ** 53), 1e308, -1e308, 5e-324, 1.5, -0];

/** A value of some other type, or an extreme of the right one. */
export function hostileValue(rng: Rng, depth = 0): unknown {
  switch (rng.int(0, 13)) {
    case 0:
      return rng.pick(SAFE_INTEGERS);
    case 1:
      return rng.pick([true, false, null]);
    case 2:
    case 3:
    case 4:
      return rng.pick(INJECTIONS);
    case 5:
      return "x".repeat(rng.pick([0, 1, 1_000, 20_000]));
    case 6:
      return randomString(rng, rng.int(1, 200));
    case 7:
      return [];
    case 8:
      return {};
    case 9:
      return depth < 3 ? [hostileValue(rng, depth + 1), hostileValue(rng, depth + 1)] : [];
    case 10:
      return depth < 3 ? { [rng.pick(INJECTIONS)]: hostileValue(rng, depth + 1) } : {};
    case 11:
      return nested(rng.pick([10, 100, 127, 129, 1_000]), rng.chance(0.5));
    case 12:
      return Array.from({ length: rng.pick([100, 5_000]) }, (_, i) => i);
    default:
      // Own properties named __proto__ and constructor, as JSON.parse makes them.
      return JSON.parse('{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}');
  }
}

/** A string of random code points, lone surrogates and controls included. */
export function randomString(rng: Rng, length: number): string {
  let s = "";
  for (let i = 0; i < length; i++) {
    const kind = rng.int(0, 9);
    const code =
      kind < 5
        ? rng.int(0x20, 0x7e)
        : kind < 7
          ? rng.int(0, 0x1f)
          : kind < 9
            ? rng.int(0x80, 0xffff)
            : rng.int(0x10000, 0x10ffff);
    s += String.fromCodePoint(code);
  }
  return s;
}

function nested(depth: number, arrays: boolean): unknown {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = arrays ? [value] : { a: value };
  return value;
}

/** Every path to a value inside a JSON value. */
function pathsOf(
  value: unknown,
  prefix: Array<string | number> = [],
  out: Array<Array<string | number>> = [],
) {
  out.push(prefix);
  if (Array.isArray(value)) for (const [i, v] of value.entries()) pathsOf(v, [...prefix, i], out);
  else if (value && typeof value === "object")
    for (const [k, v] of Object.entries(value)) pathsOf(v, [...prefix, k], out);
  return out;
}

/** Changes a well-formed body in a few places: hostile values, deleted and unknown fields. */
export function mutate(rng: Rng, body: unknown): unknown {
  let root = structuredClone(body);
  for (let n = rng.int(1, 3); n > 0; n--) {
    const path = rng.pick(pathsOf(root));
    if (path.length === 0) {
      if (rng.chance(0.3)) root = hostileValue(rng);
      continue;
    }
    const parent = path
      .slice(0, -1)
      .reduce<unknown>((v, k) => (v as Record<string | number, unknown>)[k], root) as Record<
      string | number,
      unknown
    >;
    const last = path.at(-1) as string | number;
    if (parent === null || typeof parent !== "object") continue;
    const action = rng.int(0, 5);
    if (action === 0) delete parent[last];
    else if (action === 1)
      Object.defineProperty(parent, rng.pick([...INJECTIONS, "__proto__", "constructor", "toString"]), {
        value: hostileValue(rng),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    else if (action === 2) parent[last] = [parent[last]];
    else parent[last] = hostileValue(rng);
  }
  return root;
}

const METHODS = [
  "GET",
  "POST",
  "PUT",
  "PATCH",
  "DELETE",
  "HEAD",
  "OPTIONS",
  "TRACE",
  "PROPFIND",
  "PURGE",
  "SEARCH",
];

const PATH_TRICKS = [
  (p: string) => `${p}/`,
  (p: string) => `${p}//`,
  (p: string) => p.replace(/\//g, "//"),
  (p: string) => `${p}/..`,
  (p: string) => `${p}/../../../../etc/passwd`,
  (p: string) => `${p}/%2e%2e/%2e%2e/etc/passwd`,
  (p: string) => `${p}/..%2f..%2fetc%2fpasswd`,
  (p: string) => `${p}%00`,
  (p: string) => `${p}/%ZZ`,
  (p: string) => `${p}/%C0%AE%C0%AE/`,
  (p: string) => `${p}/%F0%9F%92%A9`,
  (p: string) => `${p}/${"a".repeat(4_000)}`,
  (p: string) => `${p};jsessionid=1`,
  (p: string) => `${p}%2F..%2F`,
  (p: string) => p.toUpperCase(),
  (p: string) => `${p}/.%2e/`,
  (p: string) => `${p}\\..\\`,
  (p: string) => `${p}#fragment`,
  (p: string) => `/./${p.slice(1)}`,
  () => "/assets/../../../../../../etc/passwd",
  () => `/${encodePart("../..")}/api/keys`,
];

const CONTENT_TYPES = [
  "application/json",
  "application/json",
  "application/json",
  "application/json; charset=utf-8",
  "application/json; charset=latin1",
  "application/merge-patch+json",
  "APPLICATION/JSON",
  "text/plain",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=x",
  "application/jsonx",
  "",
];

/** Percent-encodes, lone surrogates included (as the bytes of one: invalid UTF-8 on purpose). */
function encodePart(s: string): string {
  try {
    return encodeURIComponent(s);
  } catch {
    return `%ED%A0%80${encodeURIComponent(s.replace(/[\ud800-\udfff]/g, ""))}`;
  }
}

/** Fills a route pattern's parameters with ids, near misses and hostile strings. */
function fillPath(rng: Rng, pattern: string, ctx: FuzzContext): string {
  return pattern.replace(/:(\w+)(\{[^}]*\})?/g, (_, name: string) => {
    const candidates: string[] =
      name === "id" && pattern.includes("models")
        ? [...ctx.models, "gpt-4o", "nope", "a/b/c"]
        : name === "receiptId"
          ? ["1", "0", "-1", "1.5", "99999999999999999999", "0x10", "1e3"]
          : ["key_0000000000000000000000", "chatcmpl-x", "1", "", "x".repeat(300)];
    const value = rng.chance(0.7) ? rng.pick(candidates) : String(hostileValue(rng)).slice(0, 300);
    return encodePart(value);
  });
}

function queryString(rng: Rng, route: FuzzRoute): string {
  const params: string[] = [];
  for (const [name, make] of Object.entries(route.query ?? {})) {
    if (rng.chance(0.7))
      params.push(
        `${name}=${encodePart(rng.chance(0.6) ? make(rng) : String(hostileValue(rng)).slice(0, 500))}`,
      );
  }
  if (rng.chance(0.2)) params.push(`${encodePart(rng.pick(INJECTIONS))}=${encodePart(rng.pick(INJECTIONS))}`);
  if (rng.chance(0.1)) params.push("days=1&days=2&__proto__[x]=1&constructor[prototype][x]=1");
  return params.length > 0 ? `?${params.join("&")}` : "";
}

function authHeaders(rng: Rng, route: FuzzRoute, ctx: FuzzContext): Record<string, string> {
  const right: Record<string, string> =
    route.auth === "admin"
      ? { authorization: `Bearer ${ctx.adminKey}` }
      : route.auth === "session"
        ? { cookie: ctx.sessionCookie }
        : route.auth === "key"
          ? { authorization: `Bearer ${rng.pick(ctx.keys)}` }
          : {};
  if (rng.chance(0.75)) return right;
  return rng.pick<Record<string, string>>([
    {},
    { authorization: `Bearer ${rng.pick(ctx.keys)}` },
    { authorization: `Bearer ${ctx.adminKey}` },
    { cookie: ctx.sessionCookie },
    { authorization: "Bearer" },
    { authorization: "Bearer " },
    { authorization: `Basic ${Buffer.from("a:b").toString("base64")}` },
    { authorization: `bearer    ${rng.pick(ctx.keys)}   ` },
    { authorization: `Bearer ${rng.pick(ctx.keys)} ${rng.pick(ctx.keys)}` },
    { authorization: `Bearer msq_${"A".repeat(rng.pick([1, 43, 5_000]))}` },
    { authorization: `Bearer ${latin1(rng)}` },
    { cookie: `masque_session=${encodePart(rng.pick(INJECTIONS))}` },
    { cookie: `masque_session=${"x".repeat(4_000)}; masque_session=y` },
    { cookie: "masque_session=%ZZ%" },
    { cookie: `${latin1(rng)}=${latin1(rng)}` },
  ]);
}

/** A header value of arbitrary Latin-1 bytes (what Node's client lets through). */
function latin1(rng: Rng): string {
  let s = "";
  for (let i = rng.int(1, 40); i > 0; i--) {
    const c = rng.int(0x20, 0xff);
    s += String.fromCharCode(c === 0x7f ? 0x41 : c);
  }
  return s;
}

function extraHeaders(rng: Rng, ctx: FuzzContext): Record<string, string> {
  const h: Record<string, string> = {};
  if (rng.chance(0.3))
    h["x-forwarded-for"] = rng.pick([
      `203.0.113.${rng.int(0, 255)}`,
      `${rng.int(1, 223)}.${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(0, 255)}`,
      "::1",
      "not-an-ip",
      `1.2.3.4, ${rng.pick(INJECTIONS).replace(/[\r\n]/g, "")}`,
    ]);
  if (rng.chance(0.2)) h.origin = rng.pick([ctx.appOrigin, "https://evil.example", "null", latin1(rng)]);
  if (rng.chance(0.1)) h["access-control-request-method"] = rng.pick(["POST", "GET", "DELETE", "FOO"]);
  if (rng.chance(0.1))
    h["accept-encoding"] = rng.pick(["gzip", "br", "zstd", "*", "identity;q=0", latin1(rng)]);
  if (rng.chance(0.05)) h["content-encoding"] = rng.pick(["gzip", "deflate", "br"]);
  if (rng.chance(0.05)) h["x-request-id"] = rng.pick(INJECTIONS).replace(/[^\x20-\x7e]/g, "");
  if (rng.chance(0.05)) h.range = "bytes=0-1,2-3,-1";
  if (rng.chance(0.05)) h["if-none-match"] = "*";
  if (rng.chance(0.03)) for (let i = 0; i < 150; i++) h[`x-many-${i}`] = "v";
  if (rng.chance(0.02)) h["x-huge"] = "h".repeat(rng.pick([8_000, 20_000]));
  return h;
}

/** Serialises a body, sometimes into bytes that are not valid JSON or not valid UTF-8. */
function encodeBody(rng: Rng, value: unknown): { bytes: Buffer; how: string } {
  const text = JSON.stringify(value) ?? "null";
  const roll = rng.next();
  if (roll < 0.82) return { bytes: Buffer.from(text), how: "json" };
  if (roll < 0.86) return { bytes: Buffer.from(text.slice(0, rng.int(0, text.length))), how: "truncated" };
  if (roll < 0.9) {
    const bytes = Buffer.from(text);
    const at = rng.int(0, bytes.length);
    const bad = Buffer.from(
      rng.pick([[0xff], [0xc3, 0x28], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xc0, 0xaf]]),
    );
    return { bytes: Buffer.concat([bytes.subarray(0, at), bad, bytes.subarray(at)]), how: "invalid-utf8" };
  }
  if (roll < 0.92)
    return { bytes: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]), how: "bom" };
  if (roll < 0.94) return { bytes: Buffer.alloc(0), how: "empty" };
  if (roll < 0.95) {
    // Over the 1 MB default limit.
    return { bytes: Buffer.from(JSON.stringify({ pad: "p".repeat(1_100_000), value })), how: "oversized" };
  }
  if (roll < 0.97) {
    const depth = rng.pick([200, 10_000, 100_000]);
    return { bytes: Buffer.from(`${"[".repeat(depth)}${"]".repeat(depth)}`), how: `nested-${depth}` };
  }
  if (roll < 0.99) return { bytes: Buffer.from(randomString(rng, rng.int(1, 2_000))), how: "garbage" };
  return { bytes: Buffer.from(`{"a":${"1".repeat(rng.pick([400, 100_000]))}}`), how: "huge-number" };
}

/** Raw request bytes that Node's HTTP parser must judge by itself. */
const RAW_REQUESTS: Array<(path: string) => string> = [
  (p) => `BREW ${p} HTTP/1.1\r\nHost: x\r\n\r\n`,
  (p) => `GET ${p} HTTP/9.9\r\nHost: x\r\n\r\n`,
  (p) => `GET ${p}\r\n\r\n`,
  (p) => `GET ${p} HTTP/1.0\r\n\r\n`,
  (p) => `POST ${p} HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`,
  (p) => `POST ${p} HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 7\r\n\r\nhello`,
  (p) => `POST ${p} HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n`,
  (p) => `POST ${p} HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n`,
  (p) => `POST ${p} HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n`,
  (p) => `GET ${p} HTTP/1.1\r\nHost: x\r\nBad Header Line\r\n\r\n`,
  (p) => `GET ${p} HTTP/1.1\r\nHost: x\r\nX-Nul: a\u0000b\r\n\r\n`,
  (p) => `GET ${p} HTTP/1.1\nHost: x\n\n`,
  (p) => `GET ${p} HTTP/1.1\r\nHost: x\r\nX-Fold: a\r\n  folded\r\n\r\n`,
  (p) => `GET http://evil.example${p} HTTP/1.1\r\nHost: x\r\n\r\n`,
  () => "OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n",
  () => "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
  (p) => `${"G".repeat(100)} ${p} HTTP/1.1\r\nHost: x\r\n\r\n`,
  (p) => `GET ${p}\u00ff\u00fe HTTP/1.1\r\nHost: x\r\n\r\n`,
  (p) => `GET ${p} HTTP/1.1\r\nHost: x\r\n${"X-A: b\r\n".repeat(3_000)}\r\n`,
  (p) => `GET ${p} HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n`,
  (p) =>
    `POST ${p} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n{}`,
];

/** Generates `count` hostile requests over `routes`, deterministically from `seed`. */
export function* hostileRequests(
  seed: number,
  count: number,
  routes: FuzzRoute[],
  ctx: FuzzContext,
): Generator<HostileRequest> {
  const rng = seededRandom(seed);
  for (let i = 0; i < count; i++) {
    const route = rng.pick(routes);
    let path = fillPath(rng, route.pattern, ctx) + queryString(rng, route);
    let label = `#${i} ${route.method} ${route.pattern}`;
    if (rng.chance(0.1)) {
      path = rng.pick(PATH_TRICKS)(path.split("?")[0] ?? path);
      label += " path-trick";
    }
    if (rng.chance(0.04)) {
      yield {
        label: `${label} raw`,
        method: "RAW",
        path,
        headers: {},
        raw: Buffer.from(rng.pick(RAW_REQUESTS)(path), "latin1"),
      };
      continue;
    }
    const usual = route.method === "ALL" ? rng.pick(METHODS) : route.method;
    const method = rng.chance(0.85) ? usual : rng.pick(METHODS);
    const headers: Record<string, string> = { ...authHeaders(rng, route, ctx), ...extraHeaders(rng, ctx) };
    let body: Buffer | undefined;
    if (method !== "GET" && method !== "HEAD" && (route.body || rng.chance(0.3))) {
      const value = route.body && rng.chance(0.9) ? route.body(rng, ctx) : hostileValue(rng);
      const encoded = encodeBody(rng, rng.chance(0.75) ? mutate(rng, value) : value);
      body = encoded.bytes;
      headers["content-type"] = rng.chance(0.85) ? "application/json" : rng.pick(CONTENT_TYPES);
      label += ` body:${encoded.how}`;
    }
    if (method !== route.method) label += ` as ${method}`;
    yield { label, method, path, headers, body };
  }
}
