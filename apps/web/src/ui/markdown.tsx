import { Fragment, type ReactNode } from 'react';

/**
 * Light markdown for chat: ```code blocks```, `inline code`, **bold**, *italic* / _italic_,
 * [text](url) and bare links. Everything becomes React elements (text is never parsed as HTML)
 * and only http:, https: and mailto: links are made clickable.
 */
export function Markdown({ text }: { text: string }): ReactNode {
  const blocks: ReactNode[] = [];
  const fence = /```[^\S\n]*([\w+-]*)\n?([\s\S]*?)```/g;
  let last = 0;
  let key = 0;
  for (let m = fence.exec(text); m; m = fence.exec(text)) {
    if (m.index > last)
      blocks.push(<Fragment key={key++}>{inline(text.slice(last, m.index))}</Fragment>);
    blocks.push(
      <pre key={key++} className="md-pre">
        <code>{(m[2] ?? '').replace(/\n$/, '')}</code>
      </pre>,
    );
    last = m.index + m[0].length;
  }
  if (last < text.length) blocks.push(<Fragment key={key++}>{inline(text.slice(last))}</Fragment>);
  return blocks;
}

export function safeHref(url: string): string | null {
  const trimmed = url.trim();
  // Reject control characters and whitespace that browsers would strip before the scheme check.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: that is the point
  if (/[\u0000-\u0020\u007f]/.test(trimmed)) return null;
  try {
    const parsed = new URL(trimmed);
    if (
      parsed.protocol === 'http:' ||
      parsed.protocol === 'https:' ||
      parsed.protocol === 'mailto:'
    ) {
      return parsed.href;
    }
  } catch {
    return null;
  }
  return null;
}

// Order matters: code first (its content is literal), then links, then emphasis.
const INLINE =
  /`([^`\n]+)`|\[([^\]\n]+)\]\(([^)\s]+)\)|(https?:\/\/[^\s<>()]+[^\s<>().,;:!?'"\]]|mailto:[^\s<>()]+[^\s<>().,;:!?'"])|\*\*(?=\S)([\s\S]*?\S)\*\*|(?<![\w*])\*(?=\S)([^*\n]*?\S)\*(?![\w*])|(?<![\w_])_(?=\S)([^_\n]*?\S)_(?![\w_])/g;

function inline(text: string, depth = 0): ReactNode[] {
  const out: ReactNode[] = [];
  let last = 0;
  let key = 0;
  INLINE.lastIndex = 0;
  const matches = [...text.matchAll(INLINE)];
  for (const m of matches) {
    const index = m.index ?? 0;
    if (index > last) out.push(text.slice(last, index));
    const [whole, code, linkText, linkUrl, bare, bold, italicStar, italicUnder] = m;
    if (code !== undefined) {
      out.push(<code key={key++}>{code}</code>);
    } else if (linkText !== undefined && linkUrl !== undefined) {
      const href = safeHref(linkUrl);
      out.push(
        href ? (
          <a key={key++} href={href} target="_blank" rel="noopener noreferrer nofollow">
            {depth < 3 ? inline(linkText, depth + 1) : linkText}
          </a>
        ) : (
          whole
        ),
      );
    } else if (bare !== undefined) {
      const href = safeHref(bare);
      out.push(
        href ? (
          <a key={key++} href={href} target="_blank" rel="noopener noreferrer nofollow">
            {bare}
          </a>
        ) : (
          bare
        ),
      );
    } else if (bold !== undefined) {
      out.push(<strong key={key++}>{depth < 3 ? inline(bold, depth + 1) : bold}</strong>);
    } else {
      const italic = italicStar ?? italicUnder ?? '';
      out.push(<em key={key++}>{depth < 3 ? inline(italic, depth + 1) : italic}</em>);
    }
    last = index + whole.length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

/** Plain text for previews (reply quotes, sidebar): markdown markers removed. */
export function plainPreview(text: string, max = 120): string {
  const flat = text
    .replace(/```[\s\S]*?```/g, ' [code] ')
    .replace(/[*_`]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
