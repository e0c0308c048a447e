// The softphone's microphone and speaker choice (issue 16): the browser's audio devices, the choice
// kept in localStorage (lib/audio-devices.ts) and handed to the phone. The speaker list shows only
// where the browser can route audio to a chosen output (setSinkId).
import { useCallback, useEffect, useState } from 'react';
import { Button, Select, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { canChooseSpeaker, listAudioDevices, loadAudioChoice, saveAudioChoice, unlockDeviceNames, type AudioChoice } from '../lib/audio-devices';

export function AudioDevices({ onChange }: { onChange: (c: AudioChoice) => void }) {
  const { t } = useTranslation();
  const [choice, setChoice] = useState<AudioChoice>(loadAudioChoice);
  const [inputs, setInputs] = useState<MediaDeviceInfo[]>([]);
  const [outputs, setOutputs] = useState<MediaDeviceInfo[]>([]);
  const [problem, setProblem] = useState<string>();
  const refresh = useCallback(async () => {
    if (!navigator.mediaDevices) return; // not a secure context: no devices to list
    const d = await listAudioDevices();
    setInputs(d.inputs);
    setOutputs(d.outputs);
  }, []);
  useEffect(() => {
    void refresh();
    navigator.mediaDevices?.addEventListener('devicechange', refresh);
    return () => navigator.mediaDevices?.removeEventListener('devicechange', refresh);
  }, [refresh]);
  useEffect(() => onChange(choice), [choice, onChange]);

  const pick = (patch: Partial<AudioChoice>) => {
    const next = { ...choice, ...patch };
    saveAudioChoice(next);
    setChoice(next);
  };
  const unnamed = inputs.length === 0 || inputs.some((d) => d.label === '');
  const options = (list: MediaDeviceInfo[]) => [{ value: '', label: t('agent.softphone.defaultDevice') }, ...list.map((d, i) => ({ value: d.deviceId, label: d.label || `#${i + 1}` }))];
  return (
    <Space wrap>
      <Typography.Text>{t('agent.softphone.microphone')}</Typography.Text>
      <Select style={{ minWidth: 180 }} value={choice.microphone} options={options(inputs)} onChange={(v: string) => pick({ microphone: v })} aria-label={t('agent.softphone.microphone')} data-testid="softphone-microphone" />
      {canChooseSpeaker() ? (
        <>
          <Typography.Text>{t('agent.softphone.speaker')}</Typography.Text>
          <Select style={{ minWidth: 180 }} value={choice.speaker} options={options(outputs)} onChange={(v: string) => pick({ speaker: v })} aria-label={t('agent.softphone.speaker')} data-testid="softphone-speaker" />
        </>
      ) : (
        <Typography.Text type="secondary">{t('agent.softphone.noSinkChoice')}</Typography.Text>
      )}
      {unnamed ? (
        <Button size="small" data-testid="softphone-devices-allow" onClick={() => void unlockDeviceNames().then(refresh).catch((e: unknown) => setProblem(String(e)))}>
          {t('agent.softphone.allowDevices')}
        </Button>
      ) : null}
      {problem ? <Typography.Text type="danger">{problem}</Typography.Text> : null}
    </Space>
  );
}
