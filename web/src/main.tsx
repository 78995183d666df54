import { QueryClient, QueryClientProvider, useQuery } from "@tanstack/react-query";
import { StrictMode, useState } from "react";
import { createRoot } from "react-dom/client";
import { fetchModels } from "./lib/api-client.ts";
import { privacyBadge } from "./models/privacy-badge.ts";

const queryClient = new QueryClient();

function Models({ apiKey }: { apiKey: string }) {
  const models = useQuery({
    queryKey: ["models", apiKey],
    queryFn: ({ signal }) => fetchModels(apiKey, signal),
  });
  if (models.isPending) return <p>Loading models…</p>;
  if (models.isError) return <p role="alert">{models.error.message}</p>;
  return (
    <ul>
      {models.data.data.map((m) => {
        const badge = privacyBadge(m.model_spec);
        return (
          <li key={m.id}>
            {m.id} <span title={badge.description}>{badge.label}</span>
          </li>
        );
      })}
    </ul>
  );
}

function App() {
  const [apiKey, setApiKey] = useState("");
  return (
    <main>
      <h1>Masque</h1>
      <label>
        API key <input type="password" value={apiKey} onChange={(e) => setApiKey(e.target.value)} />
      </label>
      {apiKey && <Models apiKey={apiKey} />}
    </main>
  );
}

const root = document.getElementById("root");
if (root) {
  createRoot(root).render(
    <StrictMode>
      <QueryClientProvider client={queryClient}>
        <App />
      </QueryClientProvider>
    </StrictMode>,
  );
}
