import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { type ComponentType, lazy, StrictMode, Suspense, useEffect } from "react";
import { createRoot } from "react-dom/client";
import { HistoryContext } from "./history/history-context.ts";
import { HistoryStore } from "./history/history-store.ts";
import { usePathname } from "./lib/router.ts";
import { type RouteDef, routeFor, routes } from "./routes.ts";
import "./styles.css";

const queryClient = new QueryClient({
  defaultOptions: { queries: { refetchOnWindowFocus: false } },
});
const history = new HistoryStore();
void history.load();

const pages = new Map<RouteDef, ComponentType>(routes.map((r) => [r, lazy(r.load)]));
// Start fetching this page's chunk now, alongside React's own start-up.
void routeFor(location.pathname).load();

function App() {
  const route = routeFor(usePathname());
  const Page = pages.get(route) as ComponentType;
  useEffect(() => {
    document.title = `${route.title} · Masque`;
  }, [route]);
  return (
    <Suspense fallback={<p className="page-loading">Loading…</p>}>
      <Page />
    </Suspense>
  );
}

const root = document.getElementById("root");
if (root) {
  createRoot(root).render(
    <StrictMode>
      <QueryClientProvider client={queryClient}>
        <HistoryContext.Provider value={history}>
          <App />
        </HistoryContext.Provider>
      </QueryClientProvider>
    </StrictMode>,
  );
}
