import type { ComponentType } from "react";

/** One page of the app. Each loads as its own chunk, so a page ships only the code it uses. */
export interface RouteDef {
  /** Matched against `location.pathname`. */
  path: RegExp;
  title: string;
  load: () => Promise<{ default: ComponentType }>;
}

/**
 * The app's pages. The chat loads no wallet or chart code: wagmi, the contract
 * ABIs and the charts live in the chunks of the pages that use them.
 */
export const routes: RouteDef[] = [
  { path: /^\/(?:c\/[\w-]+)?$/, title: "Chat", load: () => import("./chat/chat-route.tsx") },
  { path: /^\/plans\/?$/, title: "Plans", load: () => import("./plans/plans-route.tsx") },
  { path: /^\/keys\/?$/, title: "API keys", load: () => import("./keys/keys-route.tsx") },
  { path: /^\/token\/?$/, title: "Token", load: () => import("./token/token-route.tsx") },
  { path: /^\/account\/?$/, title: "Account", load: () => import("./account/account-route.tsx") },
];

/** The route for a path; unknown paths show the chat. */
export function routeFor(pathname: string): RouteDef {
  return routes.find((r) => r.path.test(pathname)) ?? (routes[0] as RouteDef);
}
