// The agent's choice of microphone and speaker for the in-page softphone, kept in this browser's
// localStorage (a device id is only meaningful on the machine that listed it, so not on the server).
// '' is the system default. The speaker is chosen with HTMLMediaElement.setSinkId where the browser
// has it (Chromium; not every Firefox/Safari): elsewhere calls play on the system's speaker.

export interface AudioChoice {
  readonly microphone: string;
  readonly speaker: string;
}

const KEY = 'hailing.softphone.devices';

export function loadAudioChoice(): AudioChoice {
  try {
    const v = JSON.parse(localStorage.getItem(KEY) ?? '{}') as Partial<AudioChoice>;
    return { microphone: typeof v.microphone === 'string' ? v.microphone : '', speaker: typeof v.speaker === 'string' ? v.speaker : '' };
  } catch {
    return { microphone: '', speaker: '' };
  }
}

export function saveAudioChoice(c: AudioChoice): void {
  localStorage.setItem(KEY, JSON.stringify(c));
}

export const canChooseSpeaker = (): boolean => typeof HTMLMediaElement !== 'undefined' && 'setSinkId' in HTMLMediaElement.prototype;

/** getUserMedia's audio constraint for the chosen microphone: exact, so a gone device fails visibly rather than silently using another */
export const microphoneConstraint = (id: string): MediaTrackConstraints | true => (id === '' ? true : { deviceId: { exact: id } });

/** the audio inputs and outputs; without a granted permission the browser hides their names (and often ids) */
export async function listAudioDevices(): Promise<{ inputs: MediaDeviceInfo[]; outputs: MediaDeviceInfo[] }> {
  const all = await navigator.mediaDevices.enumerateDevices();
  const real = (d: MediaDeviceInfo) => d.deviceId !== '' && d.deviceId !== 'default' && d.deviceId !== 'communications';
  return { inputs: all.filter((d) => d.kind === 'audioinput' && real(d)), outputs: all.filter((d) => d.kind === 'audiooutput' && real(d)) };
}

/** asks for the microphone once (then stops it) so that enumerateDevices names the devices */
export async function unlockDeviceNames(): Promise<void> {
  const s = await navigator.mediaDevices.getUserMedia({ audio: true });
  for (const t of s.getTracks()) t.stop();
}
