// The enrolment form of the devices screen (a new MAC, or a pending one to approve) and the one-time
// view of the credentials enrolment answers: the phone's provisioning username and password and its
// token URL are never shown again.
import { useEffect, useState } from 'react';
import { Alert, Descriptions, Form, Input, Modal, Select, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { request, type RequestBody, type Response } from '../api/client';
import { showServerErrors } from '../lib/form-errors';

type Enrol = RequestBody<'/api/v1/devices', 'post'>;
export type Enrolled = Response<'/api/v1/devices', 'post'>;
export const FAMILIES = ['yealink', 'poly', 'grandstream', 'fanvil'] as const;
const FIELDS = ['mac', 'family', 'extension', 'label'];

export function EnrolModal(o: { open: { mac?: string; family?: string | null; pending: boolean } | undefined; onClose: () => void; onEnrolled: (e: Enrolled) => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<Enrol>();
  const [problem, setProblem] = useState<string>();
  const [saving, setSaving] = useState(false);
  useEffect(() => {
    if (!o.open) return;
    form.resetFields();
    setProblem(undefined);
    form.setFieldsValue({ mac: o.open.mac, family: (o.open.family ?? undefined) as Enrol['family'] | undefined });
  }, [o.open, form]);

  const save = async () => {
    const values = await form.validateFields().catch(() => undefined);
    if (!values || !o.open) return;
    setSaving(true);
    setProblem(undefined);
    try {
      const body = { ...values, label: values.label || undefined };
      const e = o.open.pending
        ? await request<Enrolled>(`/api/v1/devices/pending/${o.open.mac}/approve`, { method: 'POST', body: { family: body.family, extension: body.extension, label: body.label } })
        : await request<Enrolled>('/api/v1/devices', { method: 'POST', body });
      o.onEnrolled(e);
    } catch (err) {
      setProblem(showServerErrors(form, err, FIELDS));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal
      open={o.open !== undefined}
      title={o.open?.pending ? t('devices.approveTitle', { mac: o.open.mac ?? '' }) : t('devices.enrol')}
      onOk={() => void save()}
      onCancel={o.onClose}
      okText={o.open?.pending ? t('devices.approve') : t('devices.enrol')}
      cancelText={t('common.cancel')}
      confirmLoading={saving}
      destroyOnHidden
    >
      {problem && <Alert type="error" showIcon role="alert" title={problem} style={{ marginBottom: 16 }} />}
      <Form form={form} layout="vertical" onFinish={() => void save()}>
        <Form.Item name="mac" label={t('devices.mac')} rules={[{ required: true, message: t('forms.required') }]}>
          <Input disabled={o.open?.pending} placeholder="00:15:65:12:34:56" data-testid="device-mac" />
        </Form.Item>
        <Form.Item name="family" label={t('devices.family')} rules={[{ required: true, message: t('forms.required') }]}>
          <Select options={FAMILIES.map((f) => ({ value: f, label: t(`devices.families.${f}`) }))} data-testid="device-family" />
        </Form.Item>
        <Form.Item name="extension" label={t('devices.extension')} rules={[{ required: true, message: t('forms.required') }]}>
          <Input inputMode="numeric" data-testid="device-extension" />
        </Form.Item>
        <Form.Item name="label" label={t('devices.label')}>
          <Input data-testid="device-label" />
        </Form.Item>
        <button type="submit" hidden />
      </Form>
    </Modal>
  );
}

export function CredentialsModal(o: { enrolled: Enrolled | undefined; onClose: () => void }) {
  const { t } = useTranslation();
  const p = o.enrolled?.provisioning;
  return (
    <Modal open={o.enrolled !== undefined} title={t('devices.credentialsTitle', { mac: o.enrolled?.device.mac ?? '' })} onOk={o.onClose} onCancel={o.onClose} cancelButtonProps={{ style: { display: 'none' } }} okText={t('devices.done')}>
      <Alert type="warning" showIcon title={t('devices.shownOnce')} style={{ marginBottom: 16 }} />
      {p && (
        <Descriptions column={1} bordered size="small" data-testid="device-credentials">
          <Descriptions.Item label={t('devices.username')}>
            <Typography.Text copyable>{p.username}</Typography.Text>
          </Descriptions.Item>
          <Descriptions.Item label={t('devices.password')}>
            <Typography.Text copyable data-testid="device-password">
              {p.password}
            </Typography.Text>
          </Descriptions.Item>
          <Descriptions.Item label={t('devices.tokenUrl')}>
            <Typography.Text copyable>{p.tokenUrl ?? p.tokenPath}</Typography.Text>
          </Descriptions.Item>
        </Descriptions>
      )}
    </Modal>
  );
}
