// Per-extension call handling: do-not-disturb, forwarding (always, busy, no answer) and the pickup
// group, each saved through its own route.
import { useEffect, useState } from 'react';
import { Alert, Button, Card, Form, Input, InputNumber, Select, Switch, message } from 'antd';
import { useTranslation } from 'react-i18next';
import { request, type Response } from '../api/client';
import { useApi } from '../lib/use-api';
import { showServerErrors } from '../lib/form-errors';
import { ErrorAlert } from '../components/ErrorAlert';

type Extensions = Response<'/api/v1/extensions', 'get'>;
type Handling = Response<'/api/v1/extensions/{number}/call-handling', 'get'>;
type Group = Response<'/api/v1/extensions/{number}/pickup-group', 'get'>;
interface Values {
  dnd: boolean;
  forwardAlways?: string | null;
  forwardBusy?: string | null;
  forwardNoAnswer?: string | null;
  noAnswerS?: number | null;
  group?: string | null;
}
const FIELDS = ['dnd', 'forwardAlways', 'forwardBusy', 'forwardNoAnswer', 'noAnswerS', 'group'];

export default function CallHandling() {
  const { t } = useTranslation();
  const extensions = useApi<Extensions>('/api/v1/extensions', { limit: 500 });
  const [number, setNumber] = useState<string>();
  const [form] = Form.useForm<Values>();
  const [problem, setProblem] = useState<string>();
  const [toast, holder] = message.useMessage();

  useEffect(() => {
    if (number === undefined) return;
    setProblem(undefined);
    form.resetFields();
    void Promise.all([
      request<Handling>(`/api/v1/extensions/${number}/call-handling`),
      request<Group>(`/api/v1/extensions/${number}/pickup-group`),
    ]).then(
      ([h, g]) => form.setFieldsValue({ ...h, group: g.group }),
      (err: unknown) => setProblem(String(err)),
    );
  }, [number, form]);

  const save = async (v: Values) => {
    if (number === undefined) return;
    setProblem(undefined);
    const orNull = (s: string | null | undefined) => (s === undefined || s === null || s === '' ? null : s);
    try {
      await request(`/api/v1/extensions/${number}/call-handling`, {
        method: 'PUT',
        body: {
          dnd: v.dnd ?? false,
          forwardAlways: orNull(v.forwardAlways),
          forwardBusy: orNull(v.forwardBusy),
          forwardNoAnswer: orNull(v.forwardNoAnswer),
          noAnswerS: v.noAnswerS ?? null,
        },
      });
      await request(`/api/v1/extensions/${number}/pickup-group`, { method: 'PUT', body: { group: orNull(v.group) } });
      void toast.success(t('common.saved'));
    } catch (err) {
      setProblem(showServerErrors(form, err, FIELDS));
    }
  };

  return (
    <>
      {holder}
      <ErrorAlert error={extensions.error} />
      <Select
        showSearch
        aria-label={t('callHandling.extension')}
        placeholder={t('callHandling.pick')}
        style={{ width: 280, marginBottom: 16 }}
        value={number}
        onChange={setNumber}
        options={(extensions.data?.items ?? []).map((e) => ({ value: e.number, label: e.displayName ? `${e.number} ${e.displayName}` : e.number }))}
      />
      {number !== undefined && (
        <Card title={t('callHandling.title', { number })} style={{ maxWidth: 560 }}>
          {problem && <Alert type="error" showIcon role="alert" title={problem} style={{ marginBottom: 16 }} />}
          <Form form={form} layout="vertical" onFinish={(v) => void save(v)}>
            <Form.Item name="dnd" label={t('callHandling.dnd')} valuePropName="checked">
              <Switch />
            </Form.Item>
            <Form.Item name="forwardAlways" label={t('callHandling.forwardAlways')}>
              <Input inputMode="numeric" allowClear />
            </Form.Item>
            <Form.Item name="forwardBusy" label={t('callHandling.forwardBusy')}>
              <Input inputMode="numeric" allowClear />
            </Form.Item>
            <Form.Item name="forwardNoAnswer" label={t('callHandling.forwardNoAnswer')}>
              <Input inputMode="numeric" allowClear />
            </Form.Item>
            <Form.Item name="noAnswerS" label={t('callHandling.noAnswerS')}>
              <InputNumber min={1} max={600} />
            </Form.Item>
            <Form.Item name="group" label={t('callHandling.pickupGroup')} extra={t('callHandling.pickupHelp')}>
              <Input allowClear />
            </Form.Item>
            <Button type="primary" htmlType="submit">
              {t('common.save')}
            </Button>
          </Form>
        </Card>
      )}
    </>
  );
}
