// Edit and delete (with a confirmation) for one table row; `children` adds row-specific buttons.
import type { ReactNode } from 'react';
import { Button, Popconfirm, Space } from 'antd';
import { useTranslation } from 'react-i18next';

export function RowActions(o: { onEdit: () => void; deleteTitle: string; onDelete: () => void; children?: ReactNode }) {
  const { t } = useTranslation();
  return (
    <Space>
      <Button size="small" onClick={o.onEdit}>
        {t('common.edit')}
      </Button>
      {o.children}
      <Popconfirm title={o.deleteTitle} onConfirm={o.onDelete} okText={t('common.delete')} cancelText={t('common.cancel')}>
        <Button size="small" danger>
          {t('common.delete')}
        </Button>
      </Popconfirm>
    </Space>
  );
}
