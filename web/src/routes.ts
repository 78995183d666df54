import type { ComponentType } from "react";

/** One page of the app. Each loads as its own chunk, so a page ships only the code it uses. */
export interface RouteDef {
  /** Matched against `location.pathname`. */
  path: RegExp;
  title: string;
  load: () => Promise<{ default: ComponentType }>;
}

/**
 * The app's pages. Account, plans, API keys and the token page (wallet and
 * chart code) slot in here as further lazy routes, e.g.
 * `{ path: /^\/plans$/, title: "Plans", load: () => import("./plans/plans-route.tsx") }`.
 */
export const routes: RouteDef[] = [
  { path: /^\/(?:c\/[\w-]+)?$/, title: "Chat", load: () => import("./chat/chat-route.tsx") },
];

/** The route for a path; unknown paths show the chat. */
export function routeFor(pathname: string): RouteDef {
  return routes.find((r) => r.path.test(pathname)) ?? (routes[0] as RouteDef);
}
