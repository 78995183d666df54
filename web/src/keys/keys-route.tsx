import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useId, useState } from "react";
import { BarChart } from "../charts/bar-chart.tsx";
import { compactNumber, lastDays, stackRows } from "../charts/chart-data.ts";
import { keysQuery, usageQuery } from "../lib/account-queries.ts";
import { apiFetch } from "../lib/api-fetch.ts";
import { type ApiKey, createdKeySchema, type UsageRow } from "../lib/api-schemas.ts";
import { Card, PageShell } from "../lib/page-shell.tsx";
import { emptyKeyForm, type KeyForm, keyRequest, keyStatus, limitText } from "./key-form.ts";

/** API keys for the OpenAI-compatible API, and what the account used, by day and model. */
export default function KeysRoute() {
  return (
    <PageShell
      title="API keys"
      intro="Keys for Masque's OpenAI-compatible API at /v1. Masque keeps only a hash of each key: a new key is shown once."
    >
      <CreateKey />
      <KeyList />
      <Usage />
    </PageShell>
  );
}

function CreateKey() {
  const queryClient = useQueryClient();
  const [form, setForm] = useState<KeyForm>(emptyKeyForm);
  const [created, setCreated] = useState<{ key: string; label: string | null } | undefined>();
  const [copied, setCopied] = useState(false);
  const id = useId();
  const request = keyRequest(form);
  const create = useMutation({
    mutationFn: async () => {
      if (!request.ok) throw new Error(request.error);
      const res = await apiFetch("/api/keys", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(request.body),
      });
      return createdKeySchema.parse(await res.json());
    },
    onSuccess: (key) => {
      setCreated({ key: key.key, label: key.label });
      setCopied(false);
      setForm(emptyKeyForm);
      void queryClient.invalidateQueries({ queryKey: ["keys"] });
    },
  });
  const set = (patch: Partial<KeyForm>) => setForm((f) => ({ ...f, ...patch }));

  return (
    <Card title="Create a key">
      {created && (
        <div className="secret" role="status">
          <p>
            <strong>Your new key{created.label ? ` “${created.label}”` : ""}.</strong> Copy it now: Masque
            keeps only its hash and cannot show it again.
          </p>
          <div className="row">
            <input
              className="secret-value"
              aria-label="New API key"
              readOnly
              value={created.key}
              onFocus={(e) => e.currentTarget.select()}
            />
            <button
              type="button"
              className="ghost small"
              aria-label="Copy the new key"
              onClick={() =>
                void navigator.clipboard?.writeText(created.key).then(() => {
                  setCopied(true);
                })
              }
            >
              {copied ? "Copied" : "Copy"}
            </button>
            <button type="button" className="ghost small" onClick={() => setCreated(undefined)}>
              Done
            </button>
          </div>
        </div>
      )}
      <form
        className="key-form"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate();
        }}
      >
        <label htmlFor={`${id}-label`}>
          Label
          <input
            id={`${id}-label`}
            value={form.label}
            maxLength={64}
            placeholder="e.g. laptop scripts"
            onChange={(e) => set({ label: e.target.value })}
          />
        </label>
        <div className="field">
          <label htmlFor={`${id}-type`}>Kind</label>
          <select
            id={`${id}-type`}
            value={form.type}
            onChange={(e) => set({ type: e.target.value as KeyForm["type"] })}
          >
            <option value="inference">Inference: the chat API only</option>
            <option value="admin">Admin: can also manage keys</option>
          </select>
        </div>
        <label htmlFor={`${id}-expires`}>
          Expires after (days, optional)
          <input
            id={`${id}-expires`}
            inputMode="numeric"
            value={form.expiresDays}
            onChange={(e) => set({ expiresDays: e.target.value })}
          />
        </label>
        <fieldset className="limit">
          <legend>Spend limit (optional)</legend>
          <label htmlFor={`${id}-usd`}>
            USD
            <input
              id={`${id}-usd`}
              inputMode="decimal"
              value={form.limitUsd}
              onChange={(e) => set({ limitUsd: e.target.value })}
            />
          </label>
          <label htmlFor={`${id}-diem`}>
            DIEM credit
            <input
              id={`${id}-diem`}
              inputMode="decimal"
              value={form.limitDiem}
              onChange={(e) => set({ limitDiem: e.target.value })}
            />
          </label>
          <div className="field">
            <label htmlFor={`${id}-period`}>Limit period</label>
            <select
              id={`${id}-period`}
              value={form.period}
              onChange={(e) => set({ period: e.target.value as KeyForm["period"] })}
            >
              <option value="day">day</option>
              <option value="month">month</option>
            </select>
          </div>
        </fieldset>
        <label className="check" htmlFor={`${id}-private`}>
          <input
            id={`${id}-private`}
            type="checkbox"
            checked={form.privateOnly}
            onChange={(e) => set({ privateOnly: e.target.checked })}
          />
          Private models only (TEE and local; never a third-party model)
        </label>
        {!request.ok && (
          <p className="error" role="alert">
            {request.error}
          </p>
        )}
        <div className="row">
          <button type="submit" className="primary" disabled={!request.ok || create.isPending}>
            {create.isPending ? "Creating…" : "Create key"}
          </button>
        </div>
        {create.error && (
          <p className="error" role="alert">
            Could not create the key: {create.error.message}
          </p>
        )}
      </form>
    </Card>
  );
}

function KeyList() {
  const keys = useQuery(keysQuery());
  const queryClient = useQueryClient();
  const revoke = useMutation({
    mutationFn: async (key: ApiKey) => {
      await apiFetch(`/api/keys/${encodeURIComponent(key.id)}`, { method: "DELETE" });
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: ["keys"] }),
  });
  return (
    <Card title="Your keys">
      {keys.isPending && <p className="muted">Loading…</p>}
      {keys.isError && (
        <p className="error" role="alert">
          {keys.error.message}
        </p>
      )}
      {keys.data?.length === 0 && <p className="muted">No keys yet.</p>}
      {keys.data && keys.data.length > 0 && (
        <div className="table-scroll">
          <table className="data">
            <caption className="visually-hidden">Your API keys</caption>
            <thead>
              <tr>
                <th scope="col">Key</th>
                <th scope="col">Kind</th>
                <th scope="col">Models</th>
                <th scope="col">Spend limit</th>
                <th scope="col">Created</th>
                <th scope="col">Status</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {keys.data.map((k) => {
                const status = keyStatus(k);
                const name = k.label ?? k.key_prefix;
                return (
                  <tr key={k.id}>
                    <th scope="row">
                      {k.label && <div>{k.label}</div>}
                      <code>{k.key_prefix}</code>
                    </th>
                    <td>{k.type}</td>
                    <td>{k.model_privacy === "private_only" ? "Private only" : "All"}</td>
                    <td>{limitText(k.spend_limit)}</td>
                    <td>{new Date(k.created_at).toLocaleDateString()}</td>
                    <td>
                      {status}
                      {status === "active" && k.expires_at
                        ? ` until ${new Date(k.expires_at).toLocaleDateString()}`
                        : ""}
                    </td>
                    <td>
                      {status === "active" && (
                        <button
                          type="button"
                          className="ghost small danger"
                          aria-label={`Revoke ${name}`}
                          disabled={revoke.isPending}
                          onClick={() => {
                            if (confirm(`Revoke “${name}”? Anything using it stops working at once.`))
                              revoke.mutate(k);
                          }}
                        >
                          Revoke
                        </button>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {revoke.error && (
        <p className="error" role="alert">
          Could not revoke: {revoke.error.message}
        </p>
      )}
    </Card>
  );
}

const metrics = {
  tokens: {
    label: "Tokens",
    value: (r: UsageRow) => r.prompt_tokens + r.completion_tokens,
    format: compactNumber,
  },
  cost: {
    label: "Cost (USD)",
    value: (r: UsageRow) => r.cost_usd,
    format: (n: number) => (n === 0 ? "$0" : n < 0.01 ? `$${n.toPrecision(2)}` : `$${n.toFixed(2)}`),
  },
  requests: { label: "Requests", value: (r: UsageRow) => r.requests, format: compactNumber },
} as const;

function Usage() {
  const [days, setDays] = useState(30);
  const [metric, setMetric] = useState<keyof typeof metrics>("tokens");
  const usage = useQuery(usageQuery(days));
  const id = useId();
  const m = metrics[metric];
  const data = usage.data
    ? stackRows(
        usage.data,
        (r) => r.day,
        (r) => r.model,
        m.value,
        lastDays(days),
      )
    : undefined;
  const totals = usage.data?.reduce(
    (t, r) => ({
      requests: t.requests + r.requests,
      tokens: t.tokens + r.prompt_tokens + r.completion_tokens,
      cost: t.cost + r.cost_usd,
    }),
    { requests: 0, tokens: 0, cost: 0 },
  );
  return (
    <Card title="Usage by day and model">
      <p className="muted small-text">
        Counts only: Masque never keeps what you asked or what the model answered.
      </p>
      <div className="row">
        <div className="field inline">
          <label htmlFor={`${id}-days`}>Days shown</label>
          <select id={`${id}-days`} value={days} onChange={(e) => setDays(Number(e.target.value))}>
            <option value={7}>7 days</option>
            <option value={30}>30 days</option>
            <option value={90}>90 days</option>
          </select>
        </div>
        <div className="field inline">
          <label htmlFor={`${id}-metric`}>Show</label>
          <select
            id={`${id}-metric`}
            value={metric}
            onChange={(e) => setMetric(e.target.value as keyof typeof metrics)}
          >
            {Object.entries(metrics).map(([k, v]) => (
              <option key={k} value={k}>
                {v.label}
              </option>
            ))}
          </select>
        </div>
      </div>
      {usage.isError && (
        <p className="error" role="alert">
          {usage.error.message}
        </p>
      )}
      {totals && (
        <p data-testid="usage-totals">
          {totals.requests} requests · {compactNumber(totals.tokens)} tokens ·{" "}
          {metrics.cost.format(totals.cost)} in the last {days} days
        </p>
      )}
      {data && (
        <BarChart
          data={data}
          label={`${m.label} by day and model, last ${days} days`}
          formatValue={m.format}
          formatX={(d) => d.slice(5)}
        />
      )}
    </Card>
  );
}
