// Block Kit → DOM for the Vigil sandbox page. Written for this page rather than taken from
// slack-blocks-to-jsx (see README, "See it without Slack"): the page must send back the
// element a user clicked and the values typed into a modal, which that library does not
// expose, and it would bring React and a bundler into a page that needs neither.

const PLACEHOLDER = /\uE000(\d+)\uE000/g;

export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else if (name === 'html') node.innerHTML = value;
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) if (child !== null && child !== undefined && child !== false) node.append(child);
  return node;
}

const escapeHtml = (text) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
// Slack escapes exactly these three in message text; everything else is literal.
const decodeSlack = (text) => text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

function emojify(html, ctx) {
  return html.replace(/:([a-z0-9_+'-]{1,64}):/g, (whole, name) => (ctx.emoji[name] ? `<span class="emoji" title=":${name}:">${ctx.emoji[name]}</span>` : whole));
}

function nameOfUser(ctx, id) {
  return ctx.users.find((user) => user.id === id)?.name ?? id;
}

/** Slack's `<…>` controls: mentions, channel links, user groups, broadcasts, links. */
function renderControl(inner, ctx) {
  const [target, label] = inner.split('|');
  if (target.startsWith('@')) return `<span class="mention">@${escapeHtml(label ?? nameOfUser(ctx, target.slice(1)))}</span>`;
  if (target.startsWith('#')) {
    const channel = ctx.channels.find((candidate) => candidate.id === target.slice(1));
    return `<span class="mention">#${escapeHtml(label ?? channel?.name ?? target.slice(1))}</span>`;
  }
  if (target.startsWith('!subteam^')) return `<span class="mention">${escapeHtml(label ?? '@' + (ctx.groups[target.slice(9)]?.handle ?? target.slice(9)))}</span>`;
  if (target.startsWith('!date^')) return escapeHtml(label ?? target);
  if (target.startsWith('!')) return `<span class="mention">@${escapeHtml(target.slice(1))}</span>`;
  const href = decodeSlack(target);
  const safe = /^(https?:|mailto:)/i.test(href) ? href : '#';
  return `<a href="${escapeHtml(safe)}" target="_blank" rel="noopener noreferrer">${escapeHtml(decodeSlack(label ?? target))}</a>`;
}

/** Slack mrkdwn → HTML: code, controls, *bold* _italic_ ~strike~, quotes, emoji, line breaks. */
export function mrkdwn(text, ctx) {
  const kept = [];
  const keep = (html) => `\uE000${kept.push(html) - 1}\uE000`;
  let out = String(text ?? '');
  out = out.replace(/```([\s\S]*?)```/g, (_, code) => keep(`<pre class="code-block">${escapeHtml(decodeSlack(code.replace(/^\n/, '')))}</pre>`));
  out = out.replace(/`([^`\n]+)`/g, (_, code) => keep(`<code>${escapeHtml(decodeSlack(code))}</code>`));
  out = out.replace(/<([^<>\n]+)>/g, (_, inner) => keep(renderControl(inner, ctx)));
  out = escapeHtml(decodeSlack(out));
  out = out.replace(/(^|[^\w*])\*(?!\s)([^*\n]+?)\*(?![\w*])/g, '$1<strong>$2</strong>');
  out = out.replace(/(^|[^\w_])_(?!\s)([^_\n]+?)_(?![\w_])/g, '$1<em>$2</em>');
  out = out.replace(/(^|[^\w~])~(?!\s)([^~\n]+?)~(?![\w~])/g, '$1<del>$2</del>');
  out = out.replace(/(^|\n)&gt; ?([^\n]*)/g, '$1<blockquote>$2</blockquote>');
  out = emojify(out, ctx);
  out = out.replace(/\n/g, '<br>').replace(/<\/blockquote><br>/g, '</blockquote>');
  // Kept pieces may hold others (a link inside a quote); three passes undo any nesting mrkdwn allows.
  for (let pass = 0; pass < 3 && out.includes('\uE000'); pass++) out = out.replace(PLACEHOLDER, (_, index) => kept[Number(index)]);
  return out;
}

export function textNode(text, ctx, tag = 'span', className = '') {
  if (!text) return el(tag, { class: className });
  const html = text.type === 'mrkdwn' ? mrkdwn(text.text, ctx) : emojify(escapeHtml(text.text ?? ''), ctx).replace(/\n/g, '<br>');
  return el(tag, { class: `${className} ${text.type === 'mrkdwn' ? 'mrkdwn' : 'plain'}`.trim(), html });
}

function withConfirm(confirm, ctx, run) {
  return () => (confirm ? ctx.confirm(confirm, run) : run());
}

const plainLabel = (text) => (text?.text ?? '').replace(/:([a-z0-9_+'-]+):/g, '').trim();

/** One interactive element; `block` is its block, for the action's block_id. */
export function renderElement(element, block, ctx) {
  const act = (pick) => ctx.onAction(block.block_id, element.action_id, pick);
  switch (element.type) {
    case 'button':
      return el(
        'button',
        { class: `btn ${element.style ? `btn-${element.style}` : ''}`, 'data-action-id': element.action_id, title: element.accessibility_label, onclick: withConfirm(element.confirm, ctx, () => (element.url ? window.open(element.url, '_blank') : act({}))) },
        textNode(element.text, ctx),
      );
    case 'overflow':
      return renderOverflow(element, ctx, act);
    case 'image':
      return el('img', { class: 'accessory-image', src: element.image_url ?? element.slack_file?.url, alt: element.alt_text });
    default:
      return renderInputElement(element, block, ctx, act);
  }
}

function renderOverflow(element, ctx, act) {
  const menu = el('div', { class: 'overflow-menu', role: 'menu', hidden: true });
  for (const option of element.options ?? []) {
    menu.append(el('button', { class: 'overflow-item', role: 'menuitem', 'data-value': option.value, onclick: withConfirm(element.confirm, ctx, () => ((menu.hidden = true), act({ selected: option.value }))) }, textNode(option.text, ctx)));
  }
  const toggle = el('button', { class: 'btn overflow', 'aria-label': 'More actions', 'data-action-id': element.action_id, onclick: () => (menu.hidden = !menu.hidden) }, '⋯');
  return el('span', { class: 'overflow-wrap' }, toggle, menu);
}

function optionList(element, ctx) {
  if (element.type === 'users_select' || element.type === 'multi_users_select') return ctx.users.map((user) => ({ value: user.id, label: user.realName }));
  if (/conversations_select|channels_select/.test(element.type)) return ctx.channels.map((channel) => ({ value: channel.id, label: `#${channel.name}` }));
  const all = [...(element.options ?? []), ...(element.option_groups ?? []).flatMap((group) => group.options ?? [])];
  return all.map((option) => ({ value: option.value, label: plainLabel(option.text) || option.value }));
}

function initialOf(element) {
  return element.initial_option?.value ?? element.initial_user ?? element.initial_conversation ?? element.initial_channel ?? null;
}

/** Selects, text inputs, radios and checkboxes: in a modal they report their value at submit. */
function renderInputElement(element, block, ctx, act) {
  const type = element.type;
  const register = (read) => ctx.inputs?.push({ blockId: block.block_id, actionId: element.action_id, type, read });
  const dispatches = block.type !== 'input' || element.dispatch_action;
  if (/select$/.test(type)) {
    const multi = type.startsWith('multi_');
    const select = el('select', { class: 'select', multiple: multi, 'data-action-id': element.action_id, 'aria-label': plainLabel(element.placeholder) || element.action_id });
    if (!multi) select.append(el('option', { value: '' }, plainLabel(element.placeholder) || 'Select an item'));
    const initial = initialOf(element);
    const initialMany = (element.initial_options ?? []).map((option) => option.value);
    for (const option of optionList(element, ctx)) select.append(el('option', { value: option.value, selected: option.value === initial || initialMany.includes(option.value) }, option.label));
    const read = () => (multi ? { selectedMany: [...select.selectedOptions].map((o) => o.value) } : { selected: select.value || null });
    register(read);
    if (dispatches) select.addEventListener('change', () => act(read()));
    return select;
  }
  if (type === 'radio_buttons' || type === 'checkboxes') {
    const name = `${block.block_id}.${element.action_id}`;
    const initial = new Set([element.initial_option?.value, ...(element.initial_options ?? []).map((o) => o.value)].filter(Boolean));
    const boxes = (element.options ?? []).map((option) =>
      el('label', { class: 'choice' }, el('input', { type: type === 'radio_buttons' ? 'radio' : 'checkbox', name, value: option.value, checked: initial.has(option.value) }), textNode(option.text, ctx), option.description ? textNode(option.description, ctx, 'div', 'choice-hint') : null),
    );
    const group = el('div', { class: 'choices', role: type === 'radio_buttons' ? 'radiogroup' : 'group' }, boxes);
    const read = () => {
      const picked = [...group.querySelectorAll('input:checked')].map((input) => input.value);
      return type === 'radio_buttons' ? { selected: picked[0] ?? null } : { selectedMany: picked };
    };
    register(read);
    if (dispatches) group.addEventListener('change', () => act(read()));
    return group;
  }
  if (/text_input$|number_input|datepicker|timepicker/.test(type)) {
    const attributes = { class: 'text-input', 'data-action-id': element.action_id, placeholder: plainLabel(element.placeholder), maxlength: element.max_length, 'aria-label': plainLabel(block.label) || element.action_id };
    const inputType = { number_input: 'number', email_text_input: 'email', url_text_input: 'url', datepicker: 'date', timepicker: 'time' }[type] ?? 'text';
    const field = element.multiline ? el('textarea', { ...attributes, rows: 4 }) : el('input', { ...attributes, type: inputType });
    field.value = element.initial_value ?? element.initial_date ?? element.initial_time ?? '';
    register(() => ({ value: field.value }));
    return field;
  }
  return el('span', { class: 'unsupported' }, `[${type} element]`);
}

function renderRichText(block, ctx) {
  const inline = (elements = []) =>
    elements.map((item) => {
      if (item.type === 'text') {
        const style = item.style ?? {};
        let node = el('span', {}, item.text);
        if (style.code) node = el('code', {}, node);
        if (style.bold) node = el('strong', {}, node);
        if (style.italic) node = el('em', {}, node);
        if (style.strike) node = el('del', {}, node);
        return node;
      }
      if (item.type === 'link') return el('a', { href: item.url, target: '_blank', rel: 'noopener noreferrer' }, item.text ?? item.url);
      if (item.type === 'emoji') return el('span', { class: 'emoji' }, ctx.emoji[item.name] ?? `:${item.name}:`);
      if (item.type === 'user') return el('span', { class: 'mention' }, `@${nameOfUser(ctx, item.user_id)}`);
      return el('span', {}, item.text ?? '');
    });
  return el(
    'div',
    { class: 'block rich-text' },
    (block.elements ?? []).map((part) => {
      if (part.type === 'rich_text_list') return el(part.style === 'ordered' ? 'ol' : 'ul', {}, (part.elements ?? []).map((item) => el('li', {}, inline(item.elements))));
      if (part.type === 'rich_text_preformatted') return el('pre', { class: 'code-block' }, inline(part.elements));
      if (part.type === 'rich_text_quote') return el('blockquote', {}, inline(part.elements));
      return el('div', {}, inline(part.elements));
    }),
  );
}

/** One block; anything not drawn here shows as a labelled box, so a design gap is visible. */
export function renderBlock(block, ctx) {
  const errorOf = () => (ctx.errors?.[block.block_id] ? el('div', { class: 'input-error', role: 'alert' }, ctx.errors[block.block_id]) : null);
  switch (block.type) {
    case 'header':
      return el('div', { class: 'block header' }, textNode(block.text, ctx));
    case 'divider':
      return el('hr', { class: 'block divider' });
    case 'section': {
      const body = el('div', { class: 'section-body' }, block.text ? textNode(block.text, ctx, 'div', 'section-text') : null);
      if (block.fields?.length) body.append(el('div', { class: 'fields' }, block.fields.map((field) => textNode(field, ctx, 'div', 'field'))));
      return el('div', { class: 'block section', 'data-block-id': block.block_id }, body, block.accessory ? el('div', { class: 'accessory' }, renderElement(block.accessory, block, ctx)) : null);
    }
    case 'context':
      return el(
        'div',
        { class: 'block context' },
        (block.elements ?? []).map((item) => (item.type === 'image' ? el('img', { class: 'context-image', src: item.image_url, alt: item.alt_text }) : textNode(item, ctx))),
      );
    case 'actions':
      return el('div', { class: 'block actions', 'data-block-id': block.block_id }, (block.elements ?? []).map((element) => renderElement(element, block, ctx)));
    case 'image':
      return el(
        'figure',
        { class: 'block image' },
        block.title ? textNode(block.title, ctx, 'figcaption') : null,
        el('img', { src: block.image_url ?? block.slack_file?.url, alt: block.alt_text }),
      );
    case 'input': {
      const label = el('label', { class: 'input-label' }, textNode(block.label, ctx), block.optional ? el('span', { class: 'optional' }, ' (optional)') : null);
      return el('div', { class: 'block input', 'data-block-id': block.block_id }, label, renderElement(block.element, block, ctx), block.hint ? textNode(block.hint, ctx, 'div', 'hint') : null, errorOf());
    }
    case 'rich_text':
      return renderRichText(block, ctx);
    case 'markdown':
      return el('div', { class: 'block markdown' }, el('div', { html: mrkdwn(block.text, ctx) }));
    case 'file':
      return el('div', { class: 'block unsupported' }, `[remote file ${block.external_id}]`);
    default:
      return el('div', { class: 'block unsupported' }, `[${block.type} block: not drawn by the sandbox]`);
  }
}

export function renderBlocks(blocks, ctx) {
  return el('div', { class: 'blocks' }, (blocks ?? []).map((block) => renderBlock(block, ctx)));
}
