import type { ReactNode } from "react";
import { AppLink, pageLinks } from "./app-link.tsx";
import "./pages.css";
import { usePathname } from "./router.ts";

/** The frame of every page but the chat: the app's navigation, then the page under its heading. */
export function PageShell({
  title,
  intro,
  children,
}: {
  title: string;
  intro?: ReactNode;
  children: ReactNode;
}) {
  const pathname = usePathname();
  return (
    <div className="page">
      <header className="page-head">
        <AppLink to="/" className="brand">
          Masque
        </AppLink>
        <nav aria-label="Pages">
          <ul>
            {pageLinks.map((l) => (
              <li key={l.to}>
                <AppLink to={l.to} aria-current={pathname === l.to ? "page" : undefined}>
                  {l.label}
                </AppLink>
              </li>
            ))}
          </ul>
        </nav>
      </header>
      <main className="page-main">
        <h1>{title}</h1>
        {intro && <p className="page-intro muted">{intro}</p>}
        {children}
      </main>
    </div>
  );
}

/** A titled card on a page. */
export function Card({
  title,
  children,
  className,
  id,
}: {
  title: string;
  children: ReactNode;
  className?: string;
  id?: string;
}) {
  const headingId = `${id ?? title.toLowerCase().replace(/[^a-z0-9]+/g, "-")}-title`;
  return (
    <section className={`card${className ? ` ${className}` : ""}`} id={id} aria-labelledby={headingId}>
      <h2 id={headingId}>{title}</h2>
      {children}
    </section>
  );
}
