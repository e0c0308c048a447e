// The editing state every list-with-a-form screen shares: which row is open ('new' or one row), the
// server's reasons next to the fields they name, saving, and delete; the screen gives the URLs and
// how a row becomes form values and form values a request body.
import { useState } from 'react';
import { App, Form, type FormInstance } from 'antd';
import { ApiError, request } from '../api/client';
import { showServerErrors } from './form-errors';

export interface Crud<Row, Values> {
  readonly form: FormInstance<Values>;
  readonly editing: Row | 'new' | undefined;
  readonly problem: string | undefined;
  readonly saving: boolean;
  open(row: Row | 'new'): void;
  close(): void;
  save(): Promise<void>;
  remove(row: Row): Promise<void>;
}

export function useCrud<Row extends { id: number | string }, Values extends object>(o: {
  /** the collection: POST here, PUT/DELETE at `${url}/${id}` */
  readonly url: string;
  readonly fields: readonly string[];
  /** form values for a row, or for a new one */
  readonly values: (row: Row | 'new') => Partial<Values>;
  readonly body: (values: Values) => unknown;
  readonly reload: () => Promise<void>;
  /** how a row is changed (default PUT; users take PATCH) */
  readonly update?: 'PUT' | 'PATCH';
  /** the server's answer to a save, for what it shows once (a user's one-time password) */
  readonly saved?: (answer: unknown, created: boolean) => void;
}): Crud<Row, Values> {
  const [form] = Form.useForm<Values>();
  const { message } = App.useApp();
  const [editing, setEditing] = useState<Row | 'new'>();
  const [problem, setProblem] = useState<string>();
  const [saving, setSaving] = useState(false);
  return {
    form,
    editing,
    problem,
    saving,
    open(row) {
      setProblem(undefined);
      form.resetFields();
      form.setFieldsValue(o.values(row) as Parameters<typeof form.setFieldsValue>[0]);
      setEditing(row);
    },
    close: () => setEditing(undefined),
    async save() {
      const values = await form.validateFields().catch(() => undefined);
      if (!values || editing === undefined) return;
      setSaving(true);
      setProblem(undefined);
      try {
        const body = o.body(values);
        const answer =
          editing === 'new'
            ? await request(o.url, { method: 'POST', body })
            : await request(`${o.url}/${encodeURIComponent(editing.id)}`, { method: o.update ?? 'PUT', body });
        setEditing(undefined);
        o.saved?.(answer, editing === 'new');
        await o.reload();
      } catch (err) {
        setProblem(showServerErrors(form, err, o.fields));
      } finally {
        setSaving(false);
      }
    },
    async remove(row) {
      // a refused delete (a queue with callers waiting, a skill a queue requires) says why
      await request(`${o.url}/${encodeURIComponent(row.id)}`, { method: 'DELETE' }).catch((err: unknown) => void message.error(err instanceof ApiError ? err.text : String(err)));
      await o.reload();
    },
  };
}
