// The header's language switch: 简体中文, 繁體中文, English; the choice is remembered.
import { Select } from 'antd';
import { useTranslation } from 'react-i18next';
import { LANGUAGES, setLanguage, type Language } from '../i18n';

const LANGUAGE_NAMES: Record<Language, string> = { 'zh-CN': '简体中文', 'zh-TW': '繁體中文', en: 'English' };

export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  return (
    <Select
      aria-label={t('header.language')}
      value={i18n.language as Language}
      onChange={(v: Language) => setLanguage(v)}
      options={LANGUAGES.map((l) => ({ value: l, label: LANGUAGE_NAMES[l] }))}
      style={{ width: 120 }}
      data-testid="language-switch"
    />
  );
}

