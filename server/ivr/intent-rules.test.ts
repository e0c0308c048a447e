// Rule matching of utterances to intents, for Mandarin by sound: what a recogniser writes with
// homophones still reaches the intent, a fuzzy (southern) pronunciation ranks below an exact one, and
// text that sounds different does not match. Expectations are the readings a Mandarin speaker gives.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { matchRules } from './intent-rules.js';
import { soundOf } from './pinyin.js';

const INTENTS = [
  { name: 'balance', phrases: ['查余额'], keywords: [] },
  { name: 'lost_card', phrases: ['挂失银行卡'], keywords: ['挂失'] },
  { name: 'agent', phrases: ['转人工'], keywords: [] },
];
const match = (utterance: string) => matchRules({ utterance, intents: INTENTS });

describe('intent rules: Mandarin by sound', () => {
  it('Han text reads as toneless pinyin, each character from its context, other words kept', () => {
    assert.deepEqual(soundOf('重庆 银行 abc 12', { fuzzy: false }), ['chong', 'qing', 'yin', 'hang', 'abc', '12']);
    assert.deepEqual(soundOf('四十 上山', { fuzzy: true }), ['si', 'si', 'san', 'san']);
  });

  it('the written phrase matches as characters first', () => {
    assert.deepEqual(match('我想查余额'), { intent: 'balance', confidence: 0.9, by: 'phrase "查余额" in the utterance' });
  });

  it('a homophone the recogniser chose matches by sound', () => {
    // 查鱼鹅 (chá yú é) sounds as 查余额 (chá yú'é); 专人工 (zhuān rén gōng) as 转人工
    assert.deepEqual(match('我要查鱼鹅'), { intent: 'balance', confidence: 0.85, by: 'phrase "查余额" by its sound' });
    assert.equal(match('帮我专人工')?.intent, 'agent');
    // 瓜石 (guā shí) and 挂失 (guà shī) differ only in tone, which recognisers and matching ignore
    assert.equal(match('我的卡要瓜石')?.intent, 'lost_card');
    assert.equal(match('我的卡要瓜石')?.by, 'keywords "挂失" by their sound');
  });

  it('a fuzzy pronunciation (zh→z) matches below an exact sound', () => {
    // 钻 (zuān) is 转 (zhuǎn) as a southern speaker says it: only the zh/z fold joins them
    assert.deepEqual(match('钻人工'), { intent: 'agent', confidence: 0.8, by: 'phrase "转人工" by its fuzzy sound' });
  });

  it('text that sounds different matches nothing', () => {
    assert.equal(match('今天天气很好'), null);
    // 查电话 shares one character with 查余额, which is only a weak partial match, not a sound match
    assert.deepEqual(match('查电话'), { intent: 'balance', confidence: 0.23, by: '1 of 3 words of "查余额"' });
  });
});
