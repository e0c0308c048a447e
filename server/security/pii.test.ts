// PII masking tables. Valid numbers come from their standards and issuers, not from our code:
// the ID numbers are GB 11643-1999's own examples, the card numbers the networks' published test
// cards (Luhn-valid); each look-alike changes one check digit and must be left alone.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isChineseIdNumber, isLuhnCardNumber, maskPii } from './pii.js';

describe('GB 11643 ID-card numbers (ISO 7064 MOD 11-2 check character)', () => {
  const table: [string, boolean][] = [
    ['11010519491231002X', true], // GB 11643-1999 example
    ['11010519491231002x', true],
    ['440524188001010014', true], // GB 11643-1999 example
    ['110105194912310021', false], // check character changed
    ['440524188001010015', false],
    ['01010519491231002X', false], // no region code starts with 0
    ['1101051949123100', false],
  ];
  for (const [id, valid] of table) it(`${id}: ${valid ? 'valid' : 'not an ID number'}`, () => assert.equal(isChineseIdNumber(id), valid));
});

describe('Luhn bank-card numbers', () => {
  const table: [string, boolean][] = [
    ['4111111111111111', true], // Visa test card
    ['5500000000000004', true], // Mastercard test card
    ['6011000990139424', true], // Discover test card
    ['4111111111111112', false],
    ['5500000000000005', false],
    ['411111111111', false], // 12 digits: too short for a card
  ];
  for (const [n, valid] of table) it(`${n}: ${valid ? 'Luhn-valid' : 'not a card number'}`, () => assert.equal(isLuhnCardNumber(n), valid));
});

describe('maskPii on free text', () => {
  const table: [string, string, string][] = [
    ['mobile', '请回电 13812345678 谢谢', '请回电 138****5678 谢谢'],
    ['mobile with +86', 'call +86 138 1234 5678', 'call +86 138 **** 5678'],
    ['fixed line', '电话 010-62345678', '电话 010-****5678'],
    ['ID card', '身份证号 11010519491231002X。', '身份证号 110105********002X。'],
    ['ID card (second example)', 'id 440524188001010014', 'id 440524********0014'],
    ['card, grouped', 'card 4111 1111 1111 1111 exp', 'card 4111 11** **** 1111 exp'],
    ['card, plain', 'card 5500000000000004', 'card 550000******0004'],
    ['e-mail', 'mail zhang.san@example.com.cn now', 'mail z***@example.com.cn now'],
    ['ID look-alike (bad check character)', 'order 110105194912310021', 'order 110105194912310021'],
    ['card look-alike (bad Luhn)', 'ref 4111111111111112', 'ref 4111111111111112'],
    ['extension numbers stay', 'from 1001 to 1002', 'from 1001 to 1002'],
    ['a mobile number inside a longer digit run stays', 'ref 9913812345678', 'ref 9913812345678'],
  ];
  for (const [what, input, expected] of table) it(what, () => assert.equal(maskPii(input), expected));
});
