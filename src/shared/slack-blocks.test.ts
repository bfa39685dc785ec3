import { describe, expect, it } from 'vitest';
import { actions, button, context, fields, header, input, mrkdwn, option, overflow, plainText, section, staticSelect } from './slack-blocks.ts';

describe('Block Kit helpers', () => {
  it('build text objects', () => {
    expect(plainText('Hi')).toEqual({ type: 'plain_text', text: 'Hi', emoji: true });
    expect(mrkdwn('*Hi*')).toEqual({ type: 'mrkdwn', text: '*Hi*' });
  });

  it('build a section with and without an accessory', () => {
    expect(section('s', 'text')).toEqual({ type: 'section', block_id: 's', text: { type: 'mrkdwn', text: 'text' } });
    const more = button('a', 'Go', 'v');
    expect(section('s', 'text', more)).toEqual({ type: 'section', block_id: 's', text: { type: 'mrkdwn', text: 'text' }, accessory: more });
    expect(fields('f', ['a', 'b'])).toEqual({ type: 'section', block_id: 'f', fields: [mrkdwn('a'), mrkdwn('b')] });
  });

  it('build header, context and actions blocks', () => {
    expect(header('h', 'Title')).toEqual({ type: 'header', block_id: 'h', text: plainText('Title') });
    expect(context('c', ['one', 'two'])).toEqual({ type: 'context', block_id: 'c', elements: [mrkdwn('one'), mrkdwn('two')] });
    expect(actions('a', [button('b', 'B', '1')])).toEqual({ type: 'actions', block_id: 'a', elements: [button('b', 'B', '1')] });
  });

  it('build buttons with an optional style', () => {
    expect(button('review.approve', 'Approve', 'approve|evt_1', 'primary')).toEqual({
      type: 'button', action_id: 'review.approve', text: plainText('Approve'), value: 'approve|evt_1', style: 'primary',
    });
    expect(button('x', 'X', '1')).not.toHaveProperty('style');
  });

  it('cut display labels to their limits but never values', () => {
    expect(header('h', 'h'.repeat(200)).text.text).toHaveLength(150);
    expect(button('b', 'b'.repeat(100), 'v'.repeat(100)).text.text).toHaveLength(75);
    expect(button('b', 'b', 'v'.repeat(100)).value).toHaveLength(100);
    expect(option('o'.repeat(100), 'val')).toEqual({ text: plainText(`${'o'.repeat(74)}…`), value: 'val' });
  });

  it('build selects, overflow menus and inputs', () => {
    const options = [option('One', '1')];
    expect(staticSelect('s', 'Pick', options)).toEqual({ type: 'static_select', action_id: 's', placeholder: plainText('Pick'), options });
    expect(overflow('o', options)).toEqual({ type: 'overflow', action_id: 'o', options });
    expect(input('i', 'Label', staticSelect('s', 'Pick', options), true)).toEqual({
      type: 'input', block_id: 'i', label: plainText('Label'), element: staticSelect('s', 'Pick', options), optional: true,
    });
  });
});
