// The edit dialog of a list screen driven by useCrud: title, the server's reason above the form,
// save and cancel; the screen gives the form's fields.
import type { ReactNode } from 'react';
import { Alert, Form, Modal } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Crud } from '../lib/use-crud';

export function CrudModal<Row extends { id: number | string }, Values extends object>(o: { crud: Crud<Row, Values>; title: string; width?: number; children: ReactNode }) {
  const { t } = useTranslation();
  const { crud } = o;
  return (
    <Modal
      open={crud.editing !== undefined}
      title={o.title}
      onOk={() => void crud.save()}
      onCancel={crud.close}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={crud.saving}
      width={o.width ?? 560}
      destroyOnHidden
    >
      {crud.problem && <Alert type="error" showIcon role="alert" title={crud.problem} style={{ marginBottom: 16 }} />}
      <Form form={crud.form} layout="vertical" onFinish={() => void crud.save()}>
        {o.children}
        <button type="submit" hidden />
      </Form>
    </Modal>
  );
}
