// The settings of an integration as label/value rows, or why it is off (the setting that turns it on).
import { Alert, Descriptions, Tag } from 'antd';
import { useTranslation } from 'react-i18next';

export function SettingsList({ items, off }: { items: [label: string, value: string | boolean | null][] | null; off: string }) {
  const { t } = useTranslation();
  if (items === null) return <Alert type="info" showIcon message={off} />;
  return (
    <Descriptions column={1} size="small" bordered>
      {items.map(([label, value]) => (
        <Descriptions.Item key={label} label={label}>
          {typeof value === 'boolean' ? (value ? t('policy.yes') : t('policy.no')) : (value ?? '—')}
        </Descriptions.Item>
      ))}
    </Descriptions>
  );
}

/** group → roles, one tag per role */
export function RoleMapList({ map }: { map: Record<string, string[]> }) {
  const { t } = useTranslation();
  return (
    <Descriptions column={1} size="small" bordered>
      {Object.entries(map).map(([group, roles]) => (
        <Descriptions.Item key={group} label={group}>
          {roles.map((r) => (
            <Tag key={r}>{t(`users.roleNames.${r}`)}</Tag>
          ))}
        </Descriptions.Item>
      ))}
    </Descriptions>
  );
}
