// Models and prices: what each model costs per million tokens, which the ledger uses to price every request.
import { useState } from 'preact/hooks';
import { api, type ApiError } from '../api';
import { dateTime, usd } from '../format';
import type { List, ModelPrice } from '../types';
import { Field, FormDialog, Loading, Notice, useResource } from '../ui';

const PRICE_FIELDS = [
  ['input_usd_per_mtok', 'Input, USD per million tokens'],
  ['output_usd_per_mtok', 'Output, USD per million tokens'],
  ['cache_read_multiplier', 'Cache read, × input price'],
  ['cache_write_multiplier', 'Cache write, × input price'],
] as const;
type PriceField = (typeof PRICE_FIELDS)[number][0];

export function Models(props: { canWrite: boolean }) {
  const models = useResource<List<ModelPrice>>('/admin/models');
  const [editing, setEditing] = useState<ModelPrice | 'new' | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  return (
    <section>
      <div class="page-head">
        <h1>Models and prices</h1>
        {props.canWrite ? (
          <button type="button" class="primary" onClick={() => setEditing('new')}>
            Price a model
          </button>
        ) : null}
      </div>
      {notice ? <Notice kind="ok">{notice}</Notice> : null}
      {!models.data ? (
        <Loading error={models.error} />
      ) : models.data.data.length === 0 ? (
        <p class="muted">No prices yet: requests to unpriced models cost nothing.</p>
      ) : (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Model</th>
                <th scope="col" class="num">
                  Input / Mtok
                </th>
                <th scope="col" class="num">
                  Output / Mtok
                </th>
                <th scope="col" class="num">
                  Cache read
                </th>
                <th scope="col" class="num">
                  Cache write
                </th>
                <th scope="col">Updated</th>
                {props.canWrite ? <th scope="col">Actions</th> : null}
              </tr>
            </thead>
            <tbody>
              {models.data.data.map((price) => (
                <tr key={price.model} data-model={price.model}>
                  <th scope="row">{price.model}</th>
                  <td class="num">{usd(price.input_usd_per_mtok)}</td>
                  <td class="num">{usd(price.output_usd_per_mtok)}</td>
                  <td class="num">×{price.cache_read_multiplier}</td>
                  <td class="num">×{price.cache_write_multiplier}</td>
                  <td>{dateTime(price.updated_at)}</td>
                  {props.canWrite ? (
                    <td class="actions">
                      <button type="button" onClick={() => setEditing(price)}>
                        Edit price
                      </button>
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {editing ? (
        <PriceForm
          price={editing === 'new' ? null : editing}
          onClose={() => setEditing(null)}
          onSaved={(model) => {
            setEditing(null);
            setNotice(`${model} priced.`);
            models.reload();
          }}
        />
      ) : null}
    </section>
  );
}

function PriceForm(props: {
  price: ModelPrice | null;
  onClose: () => void;
  onSaved: (model: string) => void;
}) {
  const [model, setModel] = useState(props.price?.model ?? '');
  const [values, setValues] = useState<Record<PriceField, string>>({
    input_usd_per_mtok: String(props.price?.input_usd_per_mtok ?? ''),
    output_usd_per_mtok: String(props.price?.output_usd_per_mtok ?? ''),
    cache_read_multiplier: String(props.price?.cache_read_multiplier ?? 0.1),
    cache_write_multiplier: String(props.price?.cache_write_multiplier ?? 1.25),
  });
  const [error, setError] = useState<ApiError | null>(null);
  const fieldError = (field: string) => error?.fields[field];
  return (
    <FormDialog
      title={props.price ? `Price of ${props.price.model}` : 'Price a model'}
      onClose={props.onClose}
      submitLabel="Save price"
      error={error}
      onSubmit={() => {
        const body = Object.fromEntries(
          PRICE_FIELDS.map(([field]) => {
            const text = values[field].trim();
            return [field, text === '' || Number.isNaN(Number(text)) ? text : Number(text)];
          }),
        );
        void api('PUT', `/admin/models/${encodeURIComponent(model.trim())}`, body).then(
          (result) => {
            if (result.ok) props.onSaved(model.trim());
            else setError(result.error);
          },
        );
      }}
    >
      {props.price ? null : (
        <Field label="Model" name="model" error={fieldError('model')}>
          {(attrs) => (
            <input {...attrs} value={model} onInput={(e) => setModel(e.currentTarget.value)} />
          )}
        </Field>
      )}
      {PRICE_FIELDS.map(([field, label]) => (
        <Field key={field} label={label} name={field} error={fieldError(field)}>
          {(attrs) => (
            <input
              {...attrs}
              inputMode="decimal"
              value={values[field]}
              onInput={(e) => setValues({ ...values, [field]: e.currentTarget.value })}
            />
          )}
        </Field>
      ))}
    </FormDialog>
  );
}
