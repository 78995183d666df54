import type { AnchorHTMLAttributes, MouseEvent } from "react";
import { navigate } from "./router.ts";

/** The app's pages, in the order the navigation lists them. */
export const pageLinks = [
  { to: "/", label: "Chat" },
  { to: "/plans", label: "Plans" },
  { to: "/keys", label: "API keys" },
  { to: "/token", label: "Token" },
  { to: "/account", label: "Account" },
] as const;

/** A link to an app page that navigates without reloading (a modified click still opens a new tab). */
export function AppLink({ to, onClick, ...rest }: AnchorHTMLAttributes<HTMLAnchorElement> & { to: string }) {
  return (
    <a
      href={to}
      {...rest}
      onClick={(e: MouseEvent<HTMLAnchorElement>) => {
        onClick?.(e);
        if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
        e.preventDefault();
        navigate(to);
        window.scrollTo(0, 0);
      }}
    />
  );
}
