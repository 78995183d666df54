import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

interface ManifestChunk {
  file: string;
  src?: string;
  isEntry?: boolean;
  isDynamicEntry?: boolean;
  imports?: string[];
  dynamicImports?: string[];
  css?: string[];
}

/** What a route loads before it can show anything: its JS and CSS, raw and gzipped, in bytes. */
export interface RouteSize {
  route: string;
  files: string[];
  js: { raw: number; gzip: number };
  css: { raw: number; gzip: number };
}

/** The lazily loaded page modules (see web/src/routes.ts), by route name. */
export const routeModules: Record<string, string> = {
  chat: "src/chat/chat-route.tsx",
  plans: "src/plans/plans-route.tsx",
  keys: "src/keys/keys-route.tsx",
  token: "src/token/token-route.tsx",
  account: "src/account/account-route.tsx",
};

/**
 * The initial download of each route from a Vite build's manifest
 * (`build.manifest`): the entry, the route's own chunk and every chunk they
 * import statically. Chunks they load on demand (highlighting, math) are not
 * counted, because the route works before they arrive.
 */
export function routeSizes(distDir: string): RouteSize[] {
  const manifest = JSON.parse(
    fs.readFileSync(path.join(distDir, ".vite", "manifest.json"), "utf8"),
  ) as Record<string, ManifestChunk>;
  const entryKey = Object.keys(manifest).find((k) => manifest[k]?.isEntry);
  if (!entryKey) throw new Error("The manifest has no entry chunk.");
  const collect = (key: string, into: Set<string>) => {
    if (into.has(key)) return;
    into.add(key);
    for (const dep of manifest[key]?.imports ?? []) collect(dep, into);
  };
  const measure = (file: string) => {
    const bytes = fs.readFileSync(path.join(distDir, file));
    return { raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
  };
  return Object.entries(routeModules).map(([route, src]) => {
    const keys = new Set<string>();
    collect(entryKey, keys);
    collect(src, keys);
    const files = new Set<string>();
    const size: RouteSize = { route, files: [], js: { raw: 0, gzip: 0 }, css: { raw: 0, gzip: 0 } };
    for (const key of keys) {
      const chunk = manifest[key];
      if (!chunk) throw new Error(`The manifest has no chunk ${key}.`);
      for (const file of [chunk.file, ...(chunk.css ?? [])]) {
        if (files.has(file)) continue;
        files.add(file);
        const m = measure(file);
        const bucket = file.endsWith(".css") ? size.css : size.js;
        bucket.raw += m.raw;
        bucket.gzip += m.gzip;
      }
    }
    size.files = [...files];
    return size;
  });
}

// From tests/ (which has tsx): `node --import tsx ../web/scripts/route-sizes.ts ../web/dist` prints the sizes.
if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const dist = path.resolve(
    process.argv[2] ?? path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "dist"),
  );
  for (const r of routeSizes(dist)) {
    const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
    process.stdout.write(
      `${r.route}: JS ${kb(r.js.gzip)} gzip (${kb(r.js.raw)} raw), CSS ${kb(r.css.gzip)} gzip, ${r.files.length} files\n`,
    );
  }
}
